/**
 * The overview screen (issue 15), in Chromium: the console's first route; runs of the last 24 h
 * as a stacked bar per hour, failing and late jobs, agents with what they run, the next fires;
 * live on run events; usable at phone width 390x844.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holdNextAnswer } from './support/held-answer.ts';
import { finish, startAndClaim, type ClaimedRun } from './support/protocol.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
let running: ClaimedRun;
const page = () => h.page;
const overview = () => page().locator('pga-overview');

test.before(async () => {
  h = await startUiHarness('ui_overview');
  for (const name of ['etl', 'backup', 'report']) {
    await h.api.createJob({ name });
    await h.api.addStep({ job: name, name: 'one', kind: 'shell', command: 'true' });
  }
  await h.api.createSchedule({ name: 'hourly', spec: { type: 'daily', start_date: '2026-01-01', time_zone: 'UTC', sub: { type: 'every', every: 1, unit: 'hour', start_time: '00:00', end_time: '23:59' } } });
  await h.api.attachSchedule({ job: 'report', schedule: 'hourly' });
  await finish(h.api, await startAndClaim(h.api, 'etl', 'ov-agent'), 'succeeded');
  await finish(h.api, await startAndClaim(h.api, 'backup', 'ov-agent'), 'failed', 'disk full\n');
  await finish(h.api, await startAndClaim(h.api, 'etl', 'ov-agent'), 'succeeded');
  running = await startAndClaim(h.api, 'etl', 'ov-agent');
  const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles.viewer, password: h.password } });
  assert.ok(reply.ok());
});

test.after(async () => {
  await h?.close();
});

test('the console opens on the overview: runs by hour, failing jobs, agents and what they run, the next fires', async () => {
  await page().setViewportSize({ width: 1400, height: 900 });
  await page().goto(`${h.gateway.url}/`);
  await overview().locator('[data-part="agents"] li[data-agent="ov-agent"]').waitFor();
  assert.is(await page().getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), 'page');
  // The chart: 24 hours; this hour's bar has 2 succeeded and 1 failed segments (heights by count).
  assert.is(await overview().locator('svg [data-hour]').count(), 24);
  const current = overview().locator('svg [data-hour]').last();
  const heights = Object.fromEntries(
    await current.locator('rect.seg').evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-state'), Number(r.getAttribute('height'))])),
  ) as Record<string, number>;
  assert.equal(Object.keys(heights).sort(), ['failed', 'succeeded']);
  assert.ok(Math.abs(heights.succeeded - 2 * heights.failed) < 0.01, `succeeded twice as tall as failed: ${JSON.stringify(heights)}`);
  assert.match((await overview().getByRole('img').getAttribute('aria-label')) ?? '', /2 succeeded, 1 failed/);
  const failing = overview().locator('[data-part="failing"] li[data-job="backup"]');
  await failing.getByRole('button', { name: /^Run \d+ of backup: failed$/ }).waitFor();
  assert.is(await overview().locator('[data-part="failing"] li[data-job]').count(), 1, 'etl succeeded last: not failing');
  const agent = overview().locator('[data-part="agents"] li[data-agent="ov-agent"]');
  assert.match((await agent.textContent()) ?? '', /etl\s+at one/);
  const next = overview().locator('[data-part="next"] li[data-job="report"]');
  const nextText = (await next.textContent()) ?? '';
  assert.ok(/\d{4}-\d\d-\d\d \d\d:00:00 \S+\s*report\s+hourly · in /.test(nextText), nextText);
});

test('live: a run ending elsewhere shows without a reload (failing list, agent, chart)', async () => {
  await page().goto(`${h.gateway.url}/#overview`);
  await overview().locator('[data-part="failing"] li[data-job="backup"]').waitFor();
  await finish(h.api, running, 'failed', 'etl broke\n');
  await overview().locator('[data-part="failing"] li[data-job="etl"]').waitFor();
  await overview().locator('[data-part="agents"] li[data-agent="ov-agent"] ul.runs').waitFor({ state: 'detached' });
  await page().waitForFunction(() => {
    const el = document.querySelector('pga-console')?.shadowRoot?.querySelector('pga-overview')?.shadowRoot?.querySelector('svg[role="img"]');
    return /2 failed/.test(el?.getAttribute('aria-label') ?? '');
  });
});

test('an older load answered late does not hide a run the overview already shows', async () => {
  await page().goto(`${h.gateway.url}/#overview`);
  const agent = overview().locator('[data-part="agents"] li[data-agent="ov-agent"]');
  await agent.waitFor();
  await agent.locator('ul.runs').waitFor({ state: 'detached' });
  const held = await holdNextAnswer(page(), 'overview');
  let live: ClaimedRun | undefined;
  try {
    await overview().getByRole('button', { name: 'Refresh' }).click(); // the older load: the agent runs nothing
    await held.answered;
    live = await startAndClaim(h.api, 'backup', 'ov-agent'); // its events: a newer load, answered at once
    await agent.locator('ul.runs').waitFor();
    await page().evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000))); // any other reload on these events, done
    await held.release();
    assert.is(await agent.locator('ul.runs').count(), 1, 'the agent shows the run it runs');
  } finally {
    await held.dispose();
    if (live) await finish(h.api, live, 'succeeded');
  }
});

test('late: a run queued long ago with no agent to take it is listed; a job link opens the job', async () => {
  await h.api.createJob({ name: 'stuck', agent_tags: ['gpu'] });
  await h.api.addStep({ job: 'stuck', name: 'one', kind: 'shell', command: 'true' });
  await h.api.startJob({ job: 'stuck' });
  // Two minutes ago, by the database's own clock: late is "due more than a minute ago".
  await h.db.pool.query("UPDATE pgautomator.job_run SET scheduled_for = now() - interval '2 minutes' WHERE state = 'queued'");
  await page().goto(`${h.gateway.url}/#overview`);
  const late = overview().locator('[data-part="late"] li[data-job="stuck"]');
  await late.waitFor();
  assert.match((await late.textContent()) ?? '', /queued, no agent took it/);
  await late.getByRole('button', { name: 'stuck' }).click();
  await page().waitForFunction(() => location.hash === '#job/stuck');
});

test('at 390x844 the overview fits the width and every part is reachable', async () => {
  await page().setViewportSize({ width: 390, height: 844 });
  await page().goto(`${h.gateway.url}/#overview`);
  await overview().locator('[data-part="agents"] li[data-agent="ov-agent"]').waitFor();
  const width = await page().evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page ${width} px wide`);
  const chart = await overview().getByRole('img').boundingBox();
  assert.ok(chart && chart.x >= 0 && chart.x + chart.width <= 390, `chart within the screen: ${JSON.stringify(chart)}`);
  for (const part of ['failing', 'late', 'agents', 'next']) {
    const box = await overview().locator(`[data-part="${part}"]`).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${part} within the width: ${JSON.stringify(box)}`);
  }
  assert.equal(h.browser.errors, []);
});

test.run();

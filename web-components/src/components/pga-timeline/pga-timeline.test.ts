/**
 * pga-timeline alone in Chromium against a real gateway and database: one row per job, bars
 * coloured by state, running bars live, keyboard to open a run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finish, startAndClaim } from '../../../../test/ui/support/protocol.ts';
import { holdNextAnswer } from '../../../../test/ui/support/held-answer.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;
let ok: number;
let bad: number;

test.before(async () => {
  h = await startUiHarness('ui_timeline');
  for (const name of ['backup', 'report']) {
    await h.api.createJob({ name });
    await h.api.addStep({ job: name, name: 'one', kind: 'shell', command: 'true' });
  }
  const a = await startAndClaim(h.api, 'backup', 'tl-agent');
  await finish(h.api, a, 'succeeded');
  const b = await startAndClaim(h.api, 'report', 'tl-agent');
  await finish(h.api, b, 'failed');
  ok = a.runId;
  bad = b.runId;
});

test.after(async () => {
  await h?.close();
});

test('one row per job; bars coloured by state with an accessible description', async () => {
  await h.mount('<pga-timeline gateway-url="" hours="1"></pga-timeline>', 'viewer');
  const tl = h.page.locator('pga-timeline');
  await tl.locator(`rect.bar[data-run="${ok}"]`).waitFor();
  assert.is(await tl.locator(`rect.bar[data-run="${ok}"]`).getAttribute('fill'), '#2e7d32');
  assert.is(await tl.locator(`rect.bar[data-run="${bad}"]`).getAttribute('fill'), '#c62828');
  const labels = await tl.locator('svg > text').allTextContents();
  assert.equal(labels, ['backup', 'report']);
  assert.match((await tl.locator(`rect.bar[data-run="${bad}"]`).getAttribute('aria-label')) ?? '', /^Run \d+ of report: failed, started .* on tl-agent$/);
  const legend = await tl.locator('[part="legend"] span').allTextContents();
  assert.equal(legend.sort(), ['failed', 'succeeded']);
});

test('a running run appears live and grows; Enter on a bar announces pga-run-open', async () => {
  const live = await startAndClaim(h.api, 'backup', 'tl-agent');
  const tl = h.page.locator('pga-timeline');
  const bar = tl.locator(`rect.bar[data-run="${live.runId}"][data-state="running"]`);
  await bar.waitFor();
  await h.page.evaluate(() => document.addEventListener('pga-run-open', (e) => ((window as any).opened = (e as CustomEvent).detail)));
  await bar.focus();
  await h.page.keyboard.press('Enter');
  assert.equal(await h.page.evaluate(() => (window as any).opened), { runId: live.runId });
  await finish(h.api, live, 'succeeded');
  await tl.locator(`rect.bar[data-run="${live.runId}"][data-state="succeeded"]`).waitFor();
  assert.equal(h.browser.errors, []);
});

test('an older load answered late does not bring back a run\'s running bar after its end', async () => {
  const live = await startAndClaim(h.api, 'report', 'tl-agent');
  await h.mount('<pga-timeline gateway-url="" hours="1"></pga-timeline>', 'viewer');
  const tl = h.page.locator('pga-timeline');
  await tl.locator(`rect.bar[data-run="${live.runId}"][data-state="running"]`).waitFor();
  const held = await holdNextAnswer(h.page, 'timeline');
  try {
    await tl.getByRole('button', { name: 'Refresh' }).click(); // the older load: the run still running
    await held.answered;
    await finish(h.api, live, 'succeeded'); // run_finished: a newer load, answered at once
    await tl.locator(`rect.bar[data-run="${live.runId}"][data-state="succeeded"]`).waitFor();
    await held.release();
    assert.is(await tl.locator(`rect.bar[data-run="${live.runId}"][data-state="running"]`).count(), 0, 'the bar shows the run ended');
  } finally {
    await held.dispose();
  }
});

test.run();

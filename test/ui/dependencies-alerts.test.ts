/**
 * Issue 17 in the console, in Chromium against a real gateway and database: the job editor's
 * "Runs after" (add and remove triggers, the cycle error PA050 under the job field) and "Alerts"
 * (freshness and duration thresholds) sections; the alerts screen (acknowledge, live on
 * alert_raised); a run's cause in history and on the timeline; a viewer sees all of it and
 * changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holdNextAnswer } from './support/held-answer.ts';
import { finish, startAndClaim, type ClaimedRun } from './support/protocol.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
type Trigger = { job: string; after: string; outcome: string; delay: string };
const triggers = async () => ((await h.api.listJobTriggers()) as unknown as Trigger[]).map((t) => `${t.after} -> ${t.job} (${t.outcome}, ${t.delay})`).sort();
type AlertRule = { kind: string; threshold: string };
const rules = async (job: string) => ((await h.api.getJob({ name: job })) as unknown as { alert_rules: AlertRule[] }).alert_rules.map((r) => `${r.kind} ${r.threshold}`);

/** Raises what is due as if the sweeps ran at `at` from now (the internal function takes the instant; tests pass it). */
const evaluateAlertsIn = async (interval: string) => {
  await h.db.pool.query(`SELECT pgautomator._evaluate_alerts(now() + $1::interval)`, [interval]);
};

test.before(async () => {
  h = await startUiHarness('ui_deps_alerts');
  for (const job of ['extract', 'transform', 'load', 'report']) {
    await h.api.createJob({ name: job });
    await h.api.addStep({ job, name: 'work', kind: 'shell', command: `echo ${job}` });
  }
  h.page.on('dialog', (dialog) => void dialog.accept());
  await h.page.setViewportSize({ width: 1400, height: 900 });
});

test.after(async () => {
  await h?.close();
});

test('job editor: add triggers, see which jobs run after, remove one', async () => {
  await h.mount('<pga-job-editor gateway-url="" job="transform"></pga-job-editor>');
  const editor = h.page.locator('pga-job-editor');
  const form = editor.getByRole('form', { name: 'Add a trigger' });
  await form.getByLabel('Runs after job').selectOption('extract');
  await form.getByRole('button', { name: 'Add trigger' }).click();
  await editor.locator('li[data-after="extract"]').waitFor();
  assert.match((await editor.locator('li[data-after="extract"]').textContent()) ?? '', /Runs when\s*extract\s*succeeds/);
  // A negative delay is refused by the database and named under the Delay field.
  await form.getByLabel('Runs after job').selectOption('report');
  await form.getByLabel('When that run').selectOption('failed');
  await form.getByLabel('Delay').fill('-5 minutes');
  await form.getByRole('button', { name: 'Add trigger' }).click();
  await form.locator('input[name="trigger_delay"][aria-invalid="true"]').waitFor();
  assert.match((await editor.locator('#err-trigger_delay').textContent()) ?? '', /delay/);
  await form.getByLabel('Delay').fill('5 minutes');
  await form.getByRole('button', { name: 'Add trigger' }).click();
  await editor.locator('li[data-after="report"]').waitFor();
  assert.match((await editor.locator('li[data-after="report"]').textContent()) ?? '', /fails, 5 minutes later/);
  assert.equal(await triggers(), ['extract -> transform (succeeded, 00:00:00)', 'report -> transform (failed, 00:05:00)']);

  // load runs after transform (added with the API): transform's editor lists it as running after it.
  await h.api.addJobTrigger({ job: 'load', after: 'transform' });
  await h.mount('<pga-job-editor gateway-url="" job="transform"></pga-job-editor>');
  await editor.locator('li[data-starts="load"]').waitFor();

  await editor.getByRole('button', { name: 'Remove trigger after report' }).click();
  await editor.locator('li[data-after="report"]').waitFor({ state: 'detached' });
  assert.equal(await triggers(), ['extract -> transform (succeeded, 00:00:00)', 'transform -> load (succeeded, 00:00:00)']);
  assert.equal(h.browser.errors, []);
});

test('job editor: a trigger that would close a cycle is refused under the job field, with the chain', async () => {
  // extract -> transform -> load exists: extract running after load would loop.
  await h.mount('<pga-job-editor gateway-url="" job="extract"></pga-job-editor>');
  const editor = h.page.locator('pga-job-editor');
  const form = editor.getByRole('form', { name: 'Add a trigger' });
  await form.getByLabel('Runs after job').selectOption('load');
  await form.getByRole('button', { name: 'Add trigger' }).click();
  const select = form.locator('select[name="trigger_after"][aria-invalid="true"]');
  await select.waitFor();
  const message = (await editor.locator('#err-trigger_after').textContent()) ?? '';
  assert.match(message, /cycle/);
  assert.match(message, /extract → transform → load/);
  assert.not.match(message, /pgautomator\.|remove_job_trigger/, 'no psql hint in a form');
  assert.is(await select.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), true, 'the field has focus');
  assert.is(await editor.locator('.banner[role="alert"]').count(), 0, 'the error is under the field, not in the banner');
  assert.equal(await triggers(), ['extract -> transform (succeeded, 00:00:00)', 'transform -> load (succeeded, 00:00:00)']);
});

test('job editor: set, correct and clear alert thresholds', async () => {
  await h.mount('<pga-job-editor gateway-url="" job="load"></pga-job-editor>');
  const editor = h.page.locator('pga-job-editor');
  const fresh = editor.getByRole('form', { name: 'Freshness alert' });
  await fresh.getByLabel('Must succeed at least every').fill('-1 hour');
  await fresh.getByRole('button', { name: 'Set' }).click();
  await fresh.locator('input[name="alert_freshness"][aria-invalid="true"]').waitFor();
  assert.match((await editor.locator('#err-alert_freshness').textContent()) ?? '', /positive interval/);
  await fresh.getByLabel('Must succeed at least every').fill('1 day');
  await fresh.getByRole('button', { name: 'Set' }).click();
  await editor.getByText('Set the freshness alert: 1 day.').waitFor();
  await fresh.getByText(/next deadline/).waitFor();
  const slow = editor.getByRole('form', { name: 'Duration alert' });
  await slow.getByLabel('Warn when a run takes longer than').fill('2 hours');
  await slow.getByRole('button', { name: 'Set' }).click();
  await editor.getByText('Set the duration alert: 2 hours.').waitFor();
  assert.equal(await rules('load'), ['duration 02:00:00', 'freshness 1 day']);
  await slow.getByRole('button', { name: 'Clear the duration alert' }).click();
  await editor.getByText('Cleared the duration alert.').waitFor();
  assert.is(await slow.getByLabel('Warn when a run takes longer than').inputValue(), '');
  assert.equal(await rules('load'), ['freshness 1 day']);
});

test('a viewer sees triggers and alert rules in the editor but cannot change them', async () => {
  await h.mount('<pga-job-editor gateway-url="" job="transform"></pga-job-editor>', 'viewer');
  const editor = h.page.locator('pga-job-editor');
  await editor.locator('li[data-after="extract"]').waitFor();
  await editor.locator('li[data-starts="load"]').waitFor();
  assert.is(await editor.getByRole('form', { name: 'Add a trigger' }).count(), 0);
  assert.is(await editor.getByRole('button', { name: /Remove trigger/ }).count(), 0);
  assert.ok(await editor.getByLabel('Must succeed at least every').isDisabled());
  assert.is(await editor.getByRole('button', { name: 'Set', exact: true }).count(), 0);
});

test('alerts screen: an operator acknowledges an alert; a new one appears live', async () => {
  await h.api.setJobAlert({ job: 'report', kind: 'freshness', threshold: '1 hour' });
  await evaluateAlertsIn('2 hours');
  const [raised] = ((await h.api.listAlerts()) as unknown as Array<{ id: number | null; job: string; kind: string }>).filter((a) => a.job === 'report');
  assert.ok(raised?.id, 'the database raised a freshness alert for report');
  await h.mount('<pga-alerts gateway-url=""></pga-alerts>', 'operator');
  const alerts = h.page.locator('pga-alerts');
  const row = alerts.locator(`tr[data-alert="${raised.id}"]`);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /report[\s\S]*open/);
  await row.getByRole('button', { name: 'Acknowledge the freshness alert of report' }).click();
  await alerts.locator(`tr.acknowledged[data-alert="${raised.id}"]`).waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(`acknowledged by ${h.roles.operator}`));
  const stored = ((await h.api.listAlerts()) as unknown as Array<{ id: number; acknowledged_by: string | null }>).find((a) => a.id === raised.id);
  assert.is(stored?.acknowledged_by, h.roles.operator);
  assert.is(await row.getByRole('button', { name: /Acknowledge/ }).count(), 0);

  // Live: an alert raised while the screen is open shows without a reload (alert_raised event).
  await h.api.setJobAlert({ job: 'extract', kind: 'freshness', threshold: '1 hour' });
  await evaluateAlertsIn('2 hours');
  await alerts.locator('tr[data-alert]').filter({ hasText: 'extract' }).getByRole('button', { name: 'Acknowledge the freshness alert of extract' }).waitFor();

  // A cleared alert is gone from the open list, and back (dimmed) with "Show cleared alerts".
  // NULL removes the rule (the generated client types threshold as text: no SQL default).
  await h.db.pool.query(`SELECT pgautomator.set_job_alert('report', 'freshness', NULL)`);
  await h.page.evaluate(() => (document.querySelector('pga-alerts') as unknown as { load(): Promise<void> }).load());
  await row.waitFor({ state: 'detached' });
  await alerts.getByLabel('Show cleared alerts').check();
  await alerts.locator(`tr.cleared[data-alert="${raised.id}"]`).waitFor();
  assert.equal(h.browser.errors, []);
});

test('alerts screen: a viewer sees the alerts without an Acknowledge button', async () => {
  await h.mount('<pga-alerts gateway-url=""></pga-alerts>', 'viewer');
  const alerts = h.page.locator('pga-alerts');
  await alerts.locator('tr[data-alert]').filter({ hasText: 'extract' }).waitFor();
  await alerts.getByText('Read only: acknowledging alerts needs pgautomator_operator.').waitFor();
  assert.is(await alerts.getByRole('button', { name: /Acknowledge/ }).count(), 0);
});

test('alerts screen: an older load answered late does not bring back an alert\'s Acknowledge button', async () => {
  await h.mount('<pga-alerts gateway-url=""></pga-alerts>', 'operator');
  const alerts = h.page.locator('pga-alerts');
  const acknowledge = alerts.getByRole('button', { name: 'Acknowledge the freshness alert of extract' });
  await acknowledge.waitFor();
  const held = await holdNextAnswer(h.page, 'list_alerts');
  try {
    await alerts.getByRole('button', { name: 'Refresh' }).click(); // the older load: not acknowledged yet
    await held.answered;
    await acknowledge.click();
    await acknowledge.waitFor({ state: 'detached' });
    await held.laterAnswers(2); // the reload after acknowledging, and the one on its alert_acknowledged event
    await held.release();
    assert.is(await acknowledge.count(), 0, 'the alert shows acknowledged, as it is');
  } finally {
    await held.dispose();
  }
});

/** Ends `claimed` in `state`, then has `agent` claim what the end started (trigger = job). */
async function endAndClaimStarted(claimed: ClaimedRun, agent: string, job: string): Promise<ClaimedRun> {
  await finish(h.api, claimed, 'succeeded', 'ok\n');
  const started = (await h.api.claimRuns({ name: agent, max: 10 })) as unknown as Array<{ run_id: number; job: string; steps: Array<{ step_id: number }> }>;
  const run = started.find((r) => r.job === job) ?? started[0];
  if (!run) throw new Error(`no run of ${job} was started by run ${claimed.runId}`);
  const stepRunId = (await h.api.beginStep({ run_id: run.run_id, step_id: run.steps[0].step_id })) as number;
  return { runId: run.run_id, stepRunId };
}

test('history and timeline: the cause of a run started by another run, linked to it', async () => {
  const up = await startAndClaim(h.api, 'extract', 'cause-agent');
  const down = await endAndClaimStarted(up, 'cause-agent', 'transform');
  const row = ((await h.api.listRuns({ job: 'transform' })) as unknown as Array<{ id: number; trigger: string; upstream_run_id: number }>)[0];
  assert.equal([row.id, row.trigger, row.upstream_run_id], [down.runId, 'job', up.runId]);
  await finish(h.api, down, 'succeeded', 'ok\n');

  await h.mount('<pga-runs gateway-url=""></pga-runs>', 'viewer');
  const runs = h.page.locator('pga-runs');
  const tr = runs.locator(`tr[data-run="${down.runId}"]`);
  await tr.waitFor();
  assert.match((await tr.locator('.cause-job').textContent()) ?? '', new RegExp(`after run ${up.runId}`));
  await tr.click();
  const cause = runs.locator('pga-run-detail dd.cause');
  await cause.getByText(/of job “extract”/).waitFor();
  assert.match((await cause.textContent()) ?? '', new RegExp(`after\\s*run ${up.runId}\\s*of job “extract”`));
  await cause.getByRole('button', { name: `run ${up.runId}` }).click();
  await runs.locator('pga-run-detail h3').getByText(`Run ${up.runId} of “extract”`).waitFor();
  await runs.locator(`tr.selected[data-run="${up.runId}"]`).waitFor();

  await h.mount('<pga-timeline gateway-url="" hours="1"></pga-timeline>', 'viewer');
  const timeline = h.page.locator('pga-timeline');
  await timeline.locator(`path.link[data-from="${up.runId}"][data-to="${down.runId}"]`).waitFor({ state: 'attached' });
  assert.match((await timeline.locator(`rect.bar[data-run="${down.runId}"]`).getAttribute('aria-label')) ?? '', new RegExp(`after run ${up.runId}`));
  assert.equal(h.browser.errors, []);
});

test.run();

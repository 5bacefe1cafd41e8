/**
 * pga-runs alone in Chromium against a real gateway and database: history with filters, and a
 * run's output streaming into the open detail as the step writes it (step_output events).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finish, startAndClaim } from '../../../../test/ui/support/protocol.ts';
import { holdNextAnswer } from '../../../../test/ui/support/held-answer.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';
import { axeViolations, describeViolations } from '../../../../test/ui/support/axe.ts';

let h: UiHarness;

test.before(async () => {
  h = await startUiHarness('ui_runs');
  await h.api.createJob({ name: 'etl' });
  await h.api.addStep({ job: 'etl', name: 'extract', kind: 'shell', command: 'extract.sh' });
  await h.api.createJob({ name: 'report' });
  await h.api.addStep({ job: 'report', name: 'render', kind: 'shell', command: 'render.sh' });
  await finish(h.api, await startAndClaim(h.api, 'report', 'runner-a'), 'failed', 'no data\n');
});

test.after(async () => {
  await h?.close();
});

test('a viewer sees the history, filters it, and follows a run live to its end', async () => {
  const live = await startAndClaim(h.api, 'etl', 'runner-a');
  await h.mount('<pga-runs gateway-url=""></pga-runs>', 'viewer');
  const runs = h.page.locator('pga-runs');
  await runs.locator(`tr[data-run="${live.runId}"] pga-state-badge[state="running"]`).waitFor();
  await runs.locator('tr[data-run]').filter({ hasText: 'report' }).locator('pga-state-badge[state="failed"]').waitFor();
  // Filter by state.
  await runs.getByLabel('State', { exact: true }).selectOption('failed');
  await runs.locator(`tr[data-run="${live.runId}"]`).waitFor({ state: 'detached' });
  assert.is(await runs.locator('tr[data-run]').count(), 1);
  await runs.getByLabel('State', { exact: true }).selectOption('');
  // Open the running run with the keyboard.
  await runs.locator(`tr[data-run="${live.runId}"]`).focus();
  await h.page.keyboard.press('Enter');
  const output = runs.locator('pga-run-detail').getByLabel('Output of extract');
  await output.waitFor();
  await h.api.logStep({ step_run_id: live.stepRunId, chunk: 'rows: 100\n' });
  await output.filter({ hasText: 'rows: 100' }).waitFor();
  await h.api.logStep({ step_run_id: live.stepRunId, chunk: 'rows: 200\n', stream: 'stderr' });
  await output.filter({ hasText: 'rows: 200' }).waitFor();
  assert.is((await output.textContent())?.trim(), 'rows: 100\nrows: 200');
  // A viewer gets no Kill button.
  assert.is(await runs.getByRole('button', { name: 'Kill' }).count(), 0);
  await finish(h.api, live, 'succeeded');
  await runs.locator('pga-run-detail pga-state-badge[state="succeeded"]').first().waitFor();
  await runs.locator(`tr[data-run="${live.runId}"] pga-state-badge[state="succeeded"]`).waitFor();
  assert.match(h.page.url(), /__test-page__$/); // alone: no routing of its own
  assert.equal(h.browser.errors, []);
});

test('an operator kills a running run from the detail; pga-run-kill is announced', async () => {
  const live = await startAndClaim(h.api, 'etl', 'runner-a');
  await h.mount(`<pga-runs gateway-url="" run="${live.runId}"></pga-runs>`, 'operator');
  await h.page.evaluate(() => {
    (window as any).kills = [];
    document.addEventListener('pga-run-kill', (e) => (window as any).kills.push((e as CustomEvent).detail.runId));
  });
  const detail = h.page.locator('pga-run-detail');
  h.page.once('dialog', (dialog) => void dialog.accept()); // Kill asks first
  await detail.getByRole('button', { name: 'Kill' }).click();
  await detail.getByRole('button', { name: 'Kill requested…' }).waitFor();
  assert.equal(await h.page.evaluate(() => (window as any).kills), [live.runId]);
  const run = (await h.api.getRun({ run_id: live.runId })) as { run: { kill_requested_by: string } };
  assert.is(run.run.kill_requested_by, h.roles.operator);
});

test('search in output and messages, times by start, and a step history across runs', async () => {
  // Two more runs of report: one fails with a telling output, one succeeds.
  await finish(h.api, await startAndClaim(h.api, 'report', 'runner-a'), 'failed', 'psql: error: Connection refused\n');
  const ok = await startAndClaim(h.api, 'report', 'runner-a');
  await finish(h.api, ok, 'succeeded', 'rendered 3 pages\n');
  const all = (await h.api.listRuns({ job: 'report' })) as Array<{ id: number; state: string }>;
  await h.mount('<pga-runs gateway-url=""></pga-runs>', 'viewer');
  const runs = h.page.locator('pga-runs');
  await runs.locator(`tr[data-run="${ok.runId}"]`).waitFor();
  const search = runs.getByLabel('Search');
  await search.fill('connection REFUSED');
  await search.press('Enter');
  await runs.locator(`tr[data-run="${ok.runId}"]`).waitFor({ state: 'detached' });
  assert.is(await runs.locator('tr[data-run]').count(), 1, 'only the run whose output contains the text');
  await search.fill('no such text anywhere');
  await search.press('Enter');
  await runs.getByText('No runs whose messages or output contain “no such text anywhere”.').waitFor();
  await search.fill('');
  await search.press('Enter');
  await runs.locator(`tr[data-run="${ok.runId}"]`).waitFor();
  // Times by start: since a minute from now, nothing started.
  await runs.getByLabel('Times').selectOption('started');
  const since = runs.getByLabel('Started since');
  await since.fill('2999-01-01');
  await since.press('Enter');
  await runs.getByText('No runs.').waitFor();
  await since.fill('');
  await since.press('Enter');
  await runs.locator(`tr[data-run="${ok.runId}"]`).waitFor();
  // The step history of render, from the open run: every attempt across the runs, newest first.
  await runs.locator(`tr[data-run="${ok.runId}"]`).click();
  await runs.locator('pga-run-detail').getByRole('button', { name: 'Step history of render' }).click();
  const table = runs.getByRole('table', { name: 'History of step render' });
  await table.waitFor();
  const states = await table.locator('tbody tr pga-state-badge').evaluateAll((badges) => badges.map((b) => b.getAttribute('state')));
  assert.equal(states, all.map((r) => r.state), 'one attempt per run of report, newest first, with its state');
  assert.match((await table.locator('tbody tr').first().textContent()) ?? '', /0/);
  // The bare page elements are mounted on has no <title> nor lang: those two rules are the harness's, not the element's.
  const found = (await axeViolations(h.page)).filter((v) => !['document-title', 'html-has-lang'].includes(v.id));
  assert.is(found.length, 0, `axe, history with search and step history: ${describeViolations(found)}`);
  // A run of the step history opens it.
  await table.getByRole('button', { name: `Open run ${all[all.length - 1].id}` }).click();
  await runs.locator('pga-run-detail').getByText(`Run ${all[all.length - 1].id} of “report”`).waitFor();
  assert.equal(h.browser.errors, []);
});

test('an older load answered late shows neither the old filter\'s rows nor a run still running after its end', async () => {
  await h.mount('<pga-runs gateway-url=""></pga-runs>', 'viewer');
  const runs = h.page.locator('pga-runs');
  await runs.locator('tr[data-run]').filter({ hasText: 'etl' }).first().waitFor();
  // The list: a load with every state, held; then the filter failed, answered at once.
  const list = await holdNextAnswer(h.page, 'list_runs');
  try {
    await runs.getByRole('button', { name: 'Refresh' }).click();
    await list.answered;
    await runs.getByLabel('State', { exact: true }).selectOption('failed');
    await runs.locator('tr[data-run]').filter({ hasText: 'etl' }).first().waitFor({ state: 'detached' });
    await list.release();
    assert.is(await runs.locator('tr[data-run]').filter({ hasText: 'etl' }).count(), 0, 'only failed runs, as filtered');
  } finally {
    await list.dispose();
  }
  await runs.getByLabel('State', { exact: true }).selectOption('');
  // The open run: a refresh on its kill request, held (still running); its end, answered at once.
  const live = await startAndClaim(h.api, 'etl', 'runner-a');
  await h.mount(`<pga-runs gateway-url="" run="${live.runId}"></pga-runs>`, 'viewer');
  const detail = h.page.locator('pga-run-detail');
  await detail.locator('pga-state-badge[state="running"]').first().waitFor();
  const run = await holdNextAnswer(h.page, 'get_run');
  try {
    await h.api.killRun({ run_id: live.runId });
    await run.answered;
    await finish(h.api, live, 'killed');
    await detail.locator('pga-state-badge[state="killed"]').first().waitFor();
    await run.release();
    assert.is(await detail.locator('pga-state-badge[state="running"]').count(), 0, 'the run and its step show killed, as they are');
  } finally {
    await run.dispose();
  }
});

test.run();

/**
 * pga-jobs alone in Chromium against a real gateway and database: jobs by category and state,
 * start now, kill, enable/disable, and what a viewer may not do.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holdNextAnswer } from '../../../../test/ui/support/held-answer.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;

test.before(async () => {
  h = await startUiHarness('ui_jobs');
  await h.api.createCategory({ name: 'backups' });
  await h.api.createJob({ name: 'nightly-backup', category: 'backups', description: 'pg_dump of everything' });
  await h.api.addStep({ job: 'nightly-backup', name: 'dump', kind: 'shell', command: 'pg_dumpall' });
  await h.api.createJob({ name: 'vacuum', enabled: false });
  await h.api.addStep({ job: 'vacuum', name: 'vacuum', kind: 'shell', command: 'vacuumdb -a' });
});

test.after(async () => {
  await h?.close();
});

test('jobs grouped by category, filtered by state', async () => {
  await h.mount('<pga-jobs gateway-url=""></pga-jobs>', 'operator');
  const jobs = h.page.locator('pga-jobs');
  await jobs.locator('tr[data-job="nightly-backup"]').waitFor();
  const groups = await jobs.locator('tr.group').allTextContents();
  assert.equal(groups.map((g) => g.trim()), ['backups', 'No category']);
  await jobs.getByLabel('State').selectOption('disabled');
  await jobs.locator('tr[data-job="nightly-backup"]').waitFor({ state: 'detached' });
  assert.is(await jobs.locator('tr[data-job]').count(), 1);
  await jobs.getByLabel('State').selectOption('all');
  await jobs.getByLabel('Category').selectOption('backups');
  assert.is(await jobs.locator('tr[data-job]').count(), 1);
  await jobs.getByLabel('Category').selectOption('');
});

test('an operator starts a job now and kills the queued run; events go out', async () => {
  await h.page.evaluate(() => {
    (window as any).seen = [];
    for (const name of ['pga-job-start', 'pga-run-kill', 'pga-job-toggle']) document.addEventListener(name, (e) => (window as any).seen.push([name, (e as CustomEvent).detail]));
  });
  const jobs = h.page.locator('pga-jobs');
  await jobs.getByRole('button', { name: 'Start nightly-backup now' }).click();
  await jobs.locator('tr[data-job="nightly-backup"] pga-state-badge[state="queued"]').waitFor();
  const runs = (await h.api.listRuns({ job: 'nightly-backup' })) as Array<{ id: number; state: string; requested_by: string }>;
  assert.is(runs.length, 1);
  assert.is(runs[0].requested_by, h.roles.operator);
  h.page.once('dialog', (dialog) => void dialog.accept()); // Kill asks first
  await jobs.getByRole('button', { name: `Kill run ${runs[0].id} of nightly-backup` }).click();
  await jobs.getByText(`Run ${runs[0].id} of “nightly-backup” was cancelled before it started.`).waitFor();
  await jobs.locator('tr[data-job="nightly-backup"]').getByText('idle').waitFor();
  // Disable and enable again.
  await jobs.getByRole('button', { name: 'Disable nightly-backup' }).click();
  await jobs.getByRole('button', { name: 'Enable nightly-backup' }).waitFor();
  assert.is(((await h.api.getJob({ name: 'nightly-backup' })) as { job: { enabled: boolean } }).job.enabled, false);
  await jobs.getByRole('button', { name: 'Enable nightly-backup' }).click();
  await jobs.getByRole('button', { name: 'Disable nightly-backup' }).waitFor();
  const seen = (await h.page.evaluate(() => (window as any).seen)) as Array<[string, Record<string, unknown>]>;
  assert.equal(seen, [
    ['pga-job-start', { name: 'nightly-backup', runId: runs[0].id }],
    ['pga-run-kill', { runId: runs[0].id }],
    ['pga-job-toggle', { name: 'nightly-backup', enabled: false }],
    ['pga-job-toggle', { name: 'nightly-backup', enabled: true }],
  ]);
});

test('an older reload answered late does not undo a newer one (a slow list_jobs answer came after the toggle\'s reload)', async () => {
  const jobs = h.page.locator('pga-jobs');
  await jobs.getByRole('button', { name: 'Disable nightly-backup' }).waitFor();
  // The next list_jobs answer is read from the gateway at once (the job still enabled), then held.
  const held = await holdNextAnswer(h.page, 'list_jobs');
  try {
    await jobs.getByRole('button', { name: 'Refresh' }).click(); // the older reload: its answer held
    await held.answered;
    await jobs.getByRole('button', { name: 'Disable nightly-backup' }).click(); // the newer: answered at once
    await jobs.getByRole('button', { name: 'Enable nightly-backup' }).waitFor();
    await held.release();
    assert.is(await jobs.getByRole('button', { name: 'Enable nightly-backup' }).count(), 1, 'the job shows disabled, as it is');
  } finally {
    await held.dispose();
  }
  await jobs.getByRole('button', { name: 'Enable nightly-backup' }).click();
  await jobs.getByRole('button', { name: 'Disable nightly-backup' }).waitFor();
});

test('a run started elsewhere shows up live', async () => {
  await h.api.startJob({ job: 'vacuum' });
  await h.page.locator('pga-jobs tr[data-job="vacuum"] pga-state-badge[state="queued"]').waitFor();
});

test('a viewer sees the jobs but no usable actions; the name opens the job', async () => {
  await h.mount('<pga-jobs gateway-url=""></pga-jobs>', 'viewer');
  const jobs = h.page.locator('pga-jobs');
  await jobs.locator('tr[data-job="nightly-backup"]').waitFor();
  assert.ok(await jobs.getByRole('button', { name: 'Start nightly-backup now' }).isDisabled());
  assert.is(await jobs.getByRole('button', { name: 'New job' }).count(), 0);
  await h.page.evaluate(() => document.addEventListener('pga-job-open', (e) => ((window as any).opened = (e as CustomEvent).detail)));
  await jobs.getByRole('button', { name: 'Edit job nightly-backup' }).click();
  assert.equal(await h.page.evaluate(() => (window as any).opened), { name: 'nightly-backup' });
  assert.equal(h.browser.errors, []);
});

test.run();

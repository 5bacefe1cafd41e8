/**
 * pga-job-editor alone in Chromium against a real gateway and database: properties, steps (add,
 * edit, reorder, delete, SQL on a connection), schedules (attach, detach), mail settings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { holdNextAnswer } from '../../../../test/ui/support/held-answer.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;
type JobDoc = { job: Record<string, unknown>; steps: Array<Record<string, unknown>>; schedules: Array<{ name: string }>; email: { on: string[]; to: string[]; subject: string | null } };
const job = async (name: string) => (await h.api.getJob({ name })) as unknown as JobDoc;

test.before(async () => {
  h = await startUiHarness('ui_job_editor');
  await h.api.createSchedule({ name: 'hourly', spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour' } } });
  await h.api.createConnection({ name: 'warehouse', driver: 'postgres', dsn: 'postgres://wh@localhost/wh' });
  h.page.on('dialog', (dialog) => void dialog.accept());
});

test.after(async () => {
  await h?.close();
});

test('create a job, then add shell and SQL steps', async () => {
  await h.mount('<pga-job-editor gateway-url=""></pga-job-editor>');
  const editor = h.page.locator('pga-job-editor');
  await editor.getByText('Create the job first').waitFor();
  await editor.getByLabel('Name', { exact: true }).fill('load-warehouse');
  await editor.getByLabel('Description').fill('nightly load');
  await editor.getByLabel('When a run is still going').selectOption('queue_one');
  await editor.getByLabel('Job timeout').fill('2 hours');
  await editor.getByRole('button', { name: 'Create job' }).click();
  await editor.getByText('Saved job “load-warehouse”.').waitFor();
  for (const [name, command] of [['fetch', 'curl -sf https://example.com/data.csv -o /tmp/data.csv'], ['notify', 'echo loaded']]) {
    await editor.getByRole('button', { name: 'Add step' }).click();
    await editor.getByLabel('Step name').fill(name);
    await editor.getByLabel('Shell', { exact: true }).selectOption('bash');
    await editor.getByLabel('Command').fill(command);
    await editor.getByRole('button', { name: 'Add this step' }).click();
    await editor.locator(`pga-step-list tr[data-step="${name}"]`).waitFor();
  }
  await editor.getByRole('button', { name: 'Add step' }).click();
  await editor.getByLabel('Step name').fill('load');
  await editor.getByLabel('Kind').selectOption('sql');
  await editor.getByLabel('Connection').selectOption('warehouse');
  await editor.getByLabel('SQL').fill("COPY staging FROM '/tmp/data.csv'");
  await editor.getByLabel('Retries').fill('2');
  await editor.getByRole('button', { name: 'Add this step' }).click();
  await editor.locator('pga-step-list tr[data-step="load"]').waitFor();
  const doc = await job('load-warehouse');
  assert.is(doc.job.overlap, 'queue_one');
  assert.is(doc.job.description, 'nightly load');
  assert.equal(doc.steps.map((s) => [s.position, s.name, s.kind, s.shell, s.connection, s.retries]), [
    [1, 'fetch', 'shell', 'bash', null, 0],
    [2, 'notify', 'shell', 'bash', null, 0],
    [3, 'load', 'sql', null, 'warehouse', 2],
  ]);
});

test('reorder, edit and delete steps', async () => {
  const editor = h.page.locator('pga-job-editor');
  await editor.getByRole('button', { name: 'Move step load up' }).click();
  await editor.getByText('Moved step “load” to 2.').waitFor();
  assert.equal((await job('load-warehouse')).steps.map((s) => s.name), ['fetch', 'load', 'notify']);
  await editor.getByRole('button', { name: 'Edit step notify' }).click();
  await editor.getByLabel('Step name').fill('announce');
  await editor.getByLabel('On failure', { exact: true }).selectOption('goto');
  await editor.getByLabel('Go to step').selectOption('fetch');
  await editor.getByRole('button', { name: 'Save step' }).click();
  await editor.locator('pga-step-list tr[data-step="announce"]').waitFor();
  const announce = (await job('load-warehouse')).steps.find((s) => s.name === 'announce')!;
  assert.is(announce.on_failure, 'goto');
  assert.is(announce.on_failure_goto, 'fetch');
  await editor.getByRole('button', { name: 'Delete step load' }).click();
  await editor.locator('pga-step-list tr[data-step="load"]').waitFor({ state: 'detached' });
  assert.equal((await job('load-warehouse')).steps.map((s) => [s.position, s.name]), [[1, 'fetch'], [2, 'announce']]);
});

test('attach and detach a schedule; mail settings', async () => {
  const editor = h.page.locator('pga-job-editor');
  await editor.getByLabel('Schedule', { exact: true }).selectOption('hourly');
  await editor.getByRole('button', { name: 'Attach' }).click();
  await editor.getByRole('button', { name: 'Detach schedule hourly' }).waitFor();
  assert.equal((await job('load-warehouse')).schedules.map((s) => s.name), ['hourly']);
  await editor.locator('input[name="email-failure"]').check();
  await editor.getByLabel('To (operators or addresses, comma separated)').fill('dba@example.com, ops@example.com');
  await editor.getByLabel('Subject').fill('{{job}}: {{state}}');
  await editor.getByRole('button', { name: 'Save mail settings' }).click();
  await editor.getByText('Saved mail settings.').waitFor();
  const doc = await job('load-warehouse');
  assert.equal(doc.email.on, ['failure']);
  assert.equal(doc.email.to, ['dba@example.com', 'ops@example.com']);
  assert.is(doc.email.subject, '{{job}}: {{state}}');
  await editor.getByRole('button', { name: 'Detach schedule hourly' }).click();
  await editor.getByText('No schedule: the job runs only when started by hand.').waitFor();
  assert.equal(h.browser.errors, []);
});

test('the database refuses what is wrong, and the editor says why', async () => {
  const editor = h.page.locator('pga-job-editor');
  await editor.getByLabel('Job timeout').fill('forever and ever');
  await editor.getByRole('button', { name: 'Save job' }).click();
  await editor.getByRole('alert').waitFor();
  assert.match((await editor.getByRole('alert').textContent()) ?? '', /interval|forever/);
});

test('a viewer reads the job without edit controls', async () => {
  await h.mount('<pga-job-editor gateway-url="" job="load-warehouse"></pga-job-editor>', 'viewer');
  const editor = h.page.locator('pga-job-editor');
  await editor.locator('pga-step-list tr[data-step="announce"]').waitFor();
  await editor.getByText('Read only: changing jobs needs pgautomator_admin.').waitFor();
  assert.ok(await editor.getByRole('button', { name: 'Save job' }).isDisabled());
  assert.is(await editor.getByRole('button', { name: 'Add step' }).count(), 0);
  assert.is(await editor.getByRole('button', { name: /Delete step/ }).count(), 0);
});

test('an older load answered late does not put back what a save just changed', async () => {
  await h.mount('<pga-job-editor gateway-url="" job="load-warehouse"></pga-job-editor>');
  const editor = h.page.locator('pga-job-editor');
  const description = editor.getByLabel('Description');
  await editor.locator('pga-step-list tr[data-step="announce"]').waitFor();
  const before = await description.inputValue();
  const held = await holdNextAnswer(h.page, 'get_job');
  try {
    // The older load (as a schedule_changed event starts it): its answer, the old description, held.
    await h.page.evaluate(() => void (document.querySelector('pga-job-editor') as unknown as { load(): Promise<void> }).load());
    await held.answered;
    await description.fill(`${before} (checked)`);
    await editor.getByRole('button', { name: 'Save job' }).click();
    await editor.getByText('Saved job “load-warehouse”.').waitFor();
    await held.laterAnswers(1); // the reload after the save
    await held.release();
    assert.is(await description.inputValue(), `${before} (checked)`, 'the form shows the job as saved');
    assert.is((await job('load-warehouse')).job.description, `${before} (checked)`);
  } finally {
    await held.dispose();
  }
});

test.run();

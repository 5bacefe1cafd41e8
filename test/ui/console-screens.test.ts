/**
 * The screens a DBA needs before the first job (issue 15, "missing screens"), in Chromium:
 * connections, operators and categories (rename, delete); deleting an offline agent; a
 * schedule's editor listing the jobs that use it, and deleting it; start at a chosen step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
const page = () => h.page;

test.before(async () => {
  h = await startUiHarness('ui_screens');
  await h.api.createJob({ name: 'etl' });
  await h.api.addStep({ job: 'etl', name: 'extract', kind: 'shell', command: 'echo e' });
  await h.api.addStep({ job: 'etl', name: 'load', kind: 'shell', command: 'echo l' });
  await h.api.createSchedule({ name: 'nightly', spec: { type: 'daily', start_date: '2026-01-01', time_zone: 'Europe/Berlin', sub: { type: 'once', time: '02:00' } } });
  await h.api.attachSchedule({ job: 'etl', schedule: 'nightly' });
  await h.api.registerAgent({ name: 'old-agent', host: 'h', os: 'linux', version: 't', tags: [] });
  await h.api.agentStop({ name: 'old-agent' }); // it said goodbye: offline
  const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles.admin, password: h.password } });
  assert.ok(reply.ok());
  await page().setViewportSize({ width: 1400, height: 900 });
});

test.after(async () => {
  await h?.close();
});

async function open(hash: string): Promise<void> {
  await page().goto(`${h.gateway.url}/#${hash}`);
  await page().getByRole('navigation', { name: 'Main' }).waitFor();
}

test('settings: create a connection (secret as a reference) and an operator; a duplicate is named at its field', async () => {
  await open('settings');
  const settings = page().locator('pga-settings');
  const conn = settings.getByRole('form', { name: 'New connection' });
  await conn.getByLabel('Name', { exact: true }).fill('sales-db');
  await conn.getByLabel('Driver').selectOption('postgres');
  await conn.getByLabel('DSN').fill('host=db1 dbname=sales user=etl');
  await conn.getByLabel('Secret reference').fill('env:SALES_DB_PASSWORD');
  await conn.getByRole('button', { name: 'Add connection' }).click();
  await settings.locator('tr[data-connection="sales-db"]').waitFor();
  const stored = ((await h.api.listConnections()) as Array<{ name: string; secret_ref: string }>).find((c) => c.name === 'sales-db');
  assert.is(stored?.secret_ref, 'env:SALES_DB_PASSWORD');
  await conn.getByLabel('Name', { exact: true }).fill('sales-db');
  await conn.getByLabel('DSN').fill('host=db2');
  await conn.getByRole('button', { name: 'Add connection' }).click();
  await conn.locator('input[name="connection_name"][aria-invalid="true"]').waitFor();
  assert.match((await conn.locator('#err-connection_name').textContent()) ?? '', /already exists/);
  const op = settings.getByRole('form', { name: 'New operator' });
  await op.getByLabel('Name', { exact: true }).fill('dba-team');
  await op.getByLabel('Mail address').fill('dba-team@example.com');
  await op.getByRole('button', { name: 'Add operator' }).click();
  await settings.locator('tr[data-operator="dba-team"]').waitFor();
  assert.ok(((await h.api.listOperators()) as Array<{ name: string }>).some((o) => o.name === 'dba-team'));
});

test('settings: add, rename and delete a category (asking first)', async () => {
  await open('settings');
  const settings = page().locator('pga-settings');
  await settings.getByRole('form', { name: 'New category' }).getByLabel('Name').fill('reporting');
  await settings.getByRole('button', { name: 'Add category' }).click();
  await settings.locator('tr[data-category="reporting"]').waitFor();
  await settings.getByRole('button', { name: 'Rename category reporting' }).click();
  await settings.getByLabel('New name').fill('reports');
  await settings.getByRole('button', { name: 'Rename', exact: true }).click();
  await settings.locator('tr[data-category="reports"]').waitFor();
  page().once('dialog', (d) => void d.accept());
  await settings.getByRole('button', { name: 'Delete category reports' }).click();
  await settings.locator('tr[data-category="reports"]').waitFor({ state: 'detached' });
  assert.equal((await h.api.listCategories()) as unknown[], []);
});

test("a schedule's editor lists the jobs using it; deleting it says so and detaches them", async () => {
  await open('schedules/nightly');
  const editor = page().locator('pga-schedule-editor');
  const item = editor.getByRole('region', { name: 'Jobs using this schedule' }).locator('li[data-job="etl"]');
  await item.waitFor();
  assert.match((await item.textContent()) ?? '', /next \d{4}-\d\d-\d\d 02:00:00 Europe\/Berlin/);
  let question = '';
  page().once('dialog', (d) => ((question = d.message()), void d.accept()));
  await editor.getByRole('button', { name: 'Delete schedule' }).click();
  await page().waitForFunction(() => location.hash === '#schedules');
  assert.match(question, /etl/);
  assert.equal(((await h.api.listSchedules()) as unknown[]).length, 0);
});

test('start a job at a chosen step from its editor', async () => {
  await open('job/etl');
  const editor = page().locator('pga-job-editor');
  await editor.getByLabel('Start at step').selectOption('load');
  await editor.getByRole('button', { name: 'Start now at this step' }).click();
  const notice = await editor.getByText(/Started “etl” at step “load”: run \d+\./).textContent();
  const runId = Number(/run (\d+)/.exec(notice ?? '')![1]);
  await h.api.registerAgent({ name: 'step-agent', host: 'h', os: 'linux', version: 't', tags: [] });
  const claimed = (await h.api.claimRuns({ name: 'step-agent', max: 5 })) as unknown as Array<{ run_id: number; start_position: number }>;
  const run = claimed.find((r) => r.run_id === runId);
  assert.ok(run, 'the run was claimed');
  assert.is(run!.start_position, 2, 'the run starts at step 2, "load"');
});

test('an offline agent can be deleted from the agents screen', async () => {
  const state = ((await h.api.listAgents()) as Array<{ name: string; state: string }>).find((a) => a.name === 'old-agent')?.state;
  assert.is(state, 'offline');
  await open('agents');
  page().once('dialog', (d) => void d.accept());
  await page().locator('pga-agents').getByRole('button', { name: 'Delete agent old-agent' }).click();
  await page().locator('pga-agents tr[data-agent="old-agent"]').waitFor({ state: 'detached' });
});

test('jobs list: search by name, description or category', async () => {
  await h.api.createJob({ name: 'vacuum-sales', description: 'weekly maintenance of the sales db' });
  await open('jobs');
  const jobs = page().locator('pga-jobs');
  await jobs.locator('tr[data-job="vacuum-sales"]').waitFor();
  await jobs.getByLabel('Search jobs').fill('maintenance');
  await jobs.locator('tr[data-job="etl"]').waitFor({ state: 'detached' });
  assert.is(await jobs.locator('tr[data-job]').count(), 1);
  await jobs.getByLabel('Search jobs').fill('');
  await jobs.locator('tr[data-job="etl"]').waitFor();
});

test('history exports the listed runs as CSV (quoted, no spreadsheet formulas)', async () => {
  await h.api.createJob({ name: '=cmd|calc' });
  await h.api.addStep({ job: '=cmd|calc', name: 'one', kind: 'shell', command: 'true' });
  await h.api.startJob({ job: '=cmd|calc' });
  await open('runs');
  const runs = page().locator('pga-runs');
  await runs.locator('tr[data-run]').first().waitFor();
  const [download] = await Promise.all([page().waitForEvent('download'), runs.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^pgautomator-runs-.*\.csv$/);
  const text = await new Promise<string>((resolve, reject) => {
    void download.createReadStream().then((stream) => {
      let data = '';
      stream.on('data', (c) => (data += c));
      stream.on('end', () => resolve(data));
      stream.on('error', reject);
    });
  });
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /^run,job,state,trigger,agent,scheduled_for,started_at,finished_at,duration_s,attempt,message$/);
  assert.ok(lines.some((l) => l.includes(`"'=cmd|calc"`)), text);
  assert.is(lines.length - 1, await runs.locator('tr[data-run]').count());
});

test.run();

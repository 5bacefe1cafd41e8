/**
 * The jobs list against pgAdmin's and SSMS's (issue 15), in Chromium: last and average duration
 * with a trend, success rate; search in the URL; bulk enable / disable / start (asking before
 * starting many); "Copy job" with a taken name said at its field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { finish, startAndClaim } from './support/protocol.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
const page = () => h.page;
const jobs = () => page().locator('pga-jobs');

test.before(async () => {
  h = await startUiHarness('ui_jobs_list');
  await h.api.createCategory({ name: 'ops' });
  for (const [name, description] of [['etl', 'loads the warehouse'], ['vacuum', 'maintenance of the sales db'], ['report', 'monthly figures']]) {
    await h.api.createJob({ name, description, category: name === 'vacuum' ? 'ops' : null });
    await h.api.addStep({ job: name, name: 'one', kind: 'shell', command: 'true' });
  }
  await h.api.createSchedule({ name: 'nightly', spec: { type: 'daily', start_date: '2026-01-01', time_zone: 'UTC', sub: { type: 'once', time: '02:00' } } });
  await h.api.attachSchedule({ job: 'etl', schedule: 'nightly' });
  await h.api.setJobEmail({ job: 'etl', on: ['failure'], to: ['dba@example.com'] });
  await finish(h.api, await startAndClaim(h.api, 'etl', 'list-agent'), 'succeeded');
  await finish(h.api, await startAndClaim(h.api, 'etl', 'list-agent'), 'failed');
  await finish(h.api, await startAndClaim(h.api, 'etl', 'list-agent'), 'succeeded');
});

test.after(async () => {
  await h?.close();
});

async function login(role: 'admin' | 'operator' | 'viewer'): Promise<void> {
  await h.browser.context.clearCookies();
  const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles[role], password: h.password } });
  assert.ok(reply.ok());
}

async function open(hash: string, viewport = { width: 1400, height: 900 }): Promise<void> {
  await page().setViewportSize(viewport);
  await page().goto('about:blank'); // a hash-only change would keep the page, and its session
  await page().goto(`${h.gateway.url}/#${hash}`);
  await jobs().locator('tr[data-job="etl"]').waitFor();
}

test('figures: last and average duration with a trend of the last runs, success rate, last outcome', async () => {
  await login('viewer');
  await open('jobs');
  const row = jobs().locator('tr[data-job="etl"]');
  assert.match((await row.locator('td[data-col="duration"]').textContent()) ?? '', /\d+(\.\d)? (ms|s) \(avg \d+(\.\d)? (ms|s)\)/);
  assert.is(await row.locator('td[data-col="duration"] svg.spark polyline').count(), 1, 'a sparkline of the 3 durations');
  assert.is(((await row.locator('td[data-col="duration"] polyline').getAttribute('points')) ?? '').split(' ').length, 3);
  assert.is(((await row.locator('td[data-col="success"]').textContent()) ?? '').trim(), '67 %');
  await row.getByRole('button', { name: 'Last run of etl: succeeded' }).waitFor();
  const never = jobs().locator('tr[data-job="report"]');
  assert.is(((await never.locator('td[data-col="success"]').textContent()) ?? '').trim(), '—');
  assert.is(await never.locator('svg.spark').count(), 0);
});

test('search lives in the URL: typed, it filters and is written to the hash; reloaded, it is back', async () => {
  await open('jobs');
  await jobs().getByLabel('Search jobs').fill('maintenance');
  await jobs().locator('tr[data-job="etl"]').waitFor({ state: 'detached' });
  await page().waitForFunction(() => location.hash === '#jobs?search=maintenance');
  assert.is(await jobs().locator('tr[data-job]').count(), 1);
  await page().reload();
  await jobs().locator('tr[data-job="vacuum"]').waitFor();
  assert.is(await jobs().getByLabel('Search jobs').inputValue(), 'maintenance');
  assert.is(await jobs().locator('tr[data-job]').count(), 1, 'the reloaded page is filtered too');
  await page().goto(`${h.gateway.url}/#jobs?search=ops`);
  await jobs().locator('tr[data-job="vacuum"]').waitFor();
  assert.is(await jobs().locator('tr[data-job]').count(), 1, 'a category matches too');
});

test('bulk: a viewer may select but not act; an operator disables, enables and starts the selection (asked first)', async () => {
  await open('jobs');
  await jobs().getByLabel('Select etl').check();
  const bar = jobs().getByRole('region', { name: 'Selected jobs' });
  assert.ok(await bar.getByRole('button', { name: 'Disable selected' }).isDisabled(), 'viewer: no bulk action');

  await login('operator');
  await open('jobs');
  await jobs().getByLabel('Select etl').check();
  await jobs().getByLabel('Select report').check();
  await bar.getByRole('button', { name: 'Disable selected' }).click();
  await jobs().getByText('Disabled 2 of 2 jobs.').waitFor();
  const enabled = async () => Object.fromEntries(((await h.api.listJobs()) as Array<{ name: string; enabled: boolean }>).map((j) => [j.name, j.enabled]));
  assert.equal(await enabled(), { etl: false, report: false, vacuum: true });

  await jobs().getByLabel('Select all shown jobs').check();
  assert.is(await jobs().locator('tr[data-job] input[type="checkbox"]:checked').count(), 3);
  await bar.getByRole('button', { name: 'Enable selected' }).click();
  await jobs().getByText('Enabled 3 of 3 jobs.').waitFor();
  assert.equal(await enabled(), { etl: true, report: true, vacuum: true });

  await jobs().getByLabel('Select vacuum').check();
  await jobs().getByLabel('Select report').check();
  // Declined: nothing starts.
  let question = '';
  page().once('dialog', (d) => ((question = d.message()), void d.dismiss()));
  await bar.getByRole('button', { name: 'Start selected' }).click();
  assert.match(question, /Start 2 jobs now\?/);
  assert.is(((await h.api.listRunning()) as unknown[]).length, 0, 'declined: nothing started');
  page().once('dialog', (d) => void d.accept());
  await bar.getByRole('button', { name: 'Start selected' }).click();
  await jobs().getByText('Started 2 of 2 jobs.').waitFor();
  const queued = ((await h.api.listRunning()) as Array<{ job: string }>).map((r) => r.job).sort();
  assert.equal(queued, ['report', 'vacuum']);
});

test('copy job: a taken name is said under the field; a new one copies steps, schedules and mail settings', async () => {
  await login('admin');
  await open('jobs');
  await jobs().getByRole('button', { name: 'Copy etl' }).click();
  const form = jobs().getByRole('form', { name: 'Copy job etl' });
  const name = form.getByLabel('Name of the copy of “etl”');
  assert.is(await name.inputValue(), 'etl-copy');
  await name.fill('vacuum');
  await form.getByRole('button', { name: 'Copy', exact: true }).click();
  await form.locator('input[name="copy_name"][aria-invalid="true"]').waitFor();
  const said = (await form.locator('#err-copy_name').textContent()) ?? '';
  assert.match(said, /already exists/);
  assert.not.match(said, /new_name|pgautomator\./, 'in the words of the form, not SQL');
  assert.is(await jobs().locator('.banner[role="alert"]').count(), 0, 'not in the banner');
  await name.fill('etl-staging');
  await form.getByRole('button', { name: 'Copy', exact: true }).click();
  await jobs().locator('tr[data-job="etl-staging"]').waitFor();
  const copy = (await h.api.getJob({ name: 'etl-staging' })) as { job: { schedules: string[]; steps: number }; email: { on: string[]; to: string[] } };
  assert.equal(copy.job.schedules, ['nightly']);
  assert.is(copy.job.steps, 1);
  assert.equal(copy.email.to, ['dba@example.com']);
  assert.equal(h.browser.errors, []);
});

test('at 390x844 the jobs list fits the width with its selection boxes and figures', async () => {
  await open('jobs', { width: 390, height: 844 });
  const width = await page().evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page ${width} px wide`);
  const box = await jobs().getByLabel('Select etl', { exact: true }).boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390);
  assert.match((await jobs().locator('tr[data-job="etl"] td[data-col="success"]').textContent()) ?? '', /%/);
});

test.run();

/**
 * End to end, in Chromium, against the gateway on a random localhost port, a fresh database and a
 * real agent child process: log in, create a schedule and see its preview (list and calendar),
 * create a job with a shell step, start it and watch it succeed live, kill a long-running one,
 * and find both in the history and on the timeline. Screenshots of each screen go to test/artifacts/.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { urlWithCredentials } from '../../server/auth.ts';
import { startAgent, type AgentProcess } from './support/agent-process.ts';
import { screenshot } from './support/browser.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
let agent: AgentProcess | undefined;
const AGENT = 'e2e-agent';
const shots: Record<string, string> = {};

test.before(async () => {
  h = await startUiHarness('ui_console');
  agent = startAgent(urlWithCredentials(h.db.url, h.roles.agent, h.password), AGENT, ['--spool-file', path.join(tmpdir(), `pga-e2e-${process.pid}.spool`)]);
});

test.after(async () => {
  await agent?.stop();
  await h?.close();
  rmSync(path.join(tmpdir(), `pga-e2e-${process.pid}.spool`), { force: true });
  if (agent && process.exitCode) console.error(`agent output:\n${agent.output()}`);
  // PGAUTOMATOR_UPDATE_SCREENSHOTS=1 refreshes the README's screenshots from this run.
  if (process.env.PGAUTOMATOR_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(new URL('../../docs/screenshots/', import.meta.url), { recursive: true });
    for (const [key, file] of Object.entries({ schedule: 'schedule-editor', job: 'job-editor', run: 'run-output', killed: 'history', timeline: 'timeline', jobs: 'jobs', agents: 'agents', settings: 'settings', phone: 'jobs-phone', overview: 'overview', alerts: 'alerts' })) {
      if (shots[key]) copyFileSync(shots[key], new URL(`../../docs/screenshots/${file}.png`, import.meta.url));
    }
  }
});

const page = () => h.page;

test('log in through the console', async () => {
  await page().goto(`${h.gateway.url}/`);
  await page().getByLabel('Database role').fill(h.roles.admin);
  await page().getByLabel('Password').fill(h.password);
  shots.login = await screenshot(page(), '01-login');
  await page().getByLabel('Password').press('Enter');
  await page().getByRole('navigation', { name: 'Main' }).waitFor();
  assert.match((await page().locator('header .who').textContent()) ?? '', 'admin');
});

test('create a schedule: validation names the field as you type; preview as a list and a calendar', async () => {
  await page().getByRole('link', { name: 'Schedules' }).click();
  const editor = page().locator('pga-schedule-editor');
  await editor.getByLabel('Name', { exact: true }).fill('office-quarter-hours');
  await editor.getByLabel('Type').selectOption('weekly');
  for (const day of ['tue', 'wed', 'thu', 'fri']) await editor.locator(`input[name="weekday-${day}"]`).check();
  await editor.getByLabel('Time zone').fill('Europe/Berlin');
  await editor.getByLabel('Repeat within the day').selectOption('every');
  await editor.getByLabel('Every', { exact: true }).fill('15');
  await editor.getByLabel('Unit').selectOption('minute');
  await editor.getByLabel('From', { exact: true }).fill('08:00');
  await editor.getByLabel('Until', { exact: true }).fill('18:00');
  // A mistake, as you type: the engine names the field, and saving is off.
  await editor.getByLabel('End date (optional)').fill('2001-01-01');
  await editor.getByRole('alert').filter({ hasText: 'end_date' }).waitFor();
  assert.ok(await editor.getByRole('button', { name: 'Create schedule' }).isDisabled());
  await editor.getByLabel('Until', { exact: true }).fill('07:00');
  await editor.getByLabel('End date (optional)').fill('');
  await editor.getByRole('alert').filter({ hasText: 'sub.end_time' }).waitFor();
  await editor.getByLabel('Until', { exact: true }).fill('18:00');
  await editor.getByRole('button', { name: 'Add exception' }).click();
  await editor.getByText('Valid schedule.').waitFor();
  const fires = await editor.getByRole('list', { name: 'Next fires' }).getByRole('listitem').allTextContents();
  assert.is(fires.length, 10);
  for (const f of fires) assert.match(f, /^\d{4}-\d{2}-\d{2} (0[89]|1\d):(00|15|30|45):00$/);
  assert.ok((await editor.locator('pga-schedule-calendar [part~="fire-day"]').count()) > 0, 'calendar marks fire days');
  await editor.getByText('The database turns them into instants', { exact: false }).waitFor();
  shots.schedule = await screenshot(page(), '02-schedule-editor');
  await editor.getByRole('button', { name: 'Create schedule' }).click();
  await editor.getByText('Saved schedule “office-quarter-hours”.').waitFor();
  const saved = (await h.api.getSchedule({ name: 'office-quarter-hours' })) as { schedule: { spec: Record<string, unknown> } };
  assert.equal((saved.schedule.spec as { weekdays: string[] }).weekdays, ['mon', 'tue', 'wed', 'thu', 'fri']);
  assert.is(saved.schedule.spec.time_zone, 'Europe/Berlin');
  await page().locator('pga-console aside').getByRole('button', { name: /office-quarter-hours/ }).waitFor();
});

async function createJob(name: string, step: string, command: string, category: string): Promise<void> {
  await page().getByRole('link', { name: 'Jobs' }).click();
  await page().getByRole('button', { name: 'New job' }).click();
  const editor = page().locator('pga-job-editor');
  await editor.getByLabel('Name', { exact: true }).fill(name);
  await editor.getByLabel('Category').fill(category);
  await editor.getByRole('button', { name: 'Create job' }).click();
  await editor.getByText(`Saved job “${name}”.`).waitFor();
  await editor.getByRole('button', { name: 'Add step' }).click();
  await editor.getByLabel('Step name').fill(step);
  await editor.getByLabel('Command').fill(command);
  await editor.getByRole('button', { name: 'Add this step' }).click();
  await editor.locator(`pga-step-list tr[data-step="${step}"]`).waitFor();
}

test('create a job with a shell step and attach the schedule', async () => {
  await createJob('hello-world', 'greet', 'echo "hello from pgautomator"; sleep 3; echo "done greeting"', 'demo');
  const editor = page().locator('pga-job-editor');
  await editor.getByLabel('Schedule', { exact: true }).selectOption('office-quarter-hours');
  await editor.getByRole('button', { name: 'Attach' }).click();
  await editor.getByRole('button', { name: 'Detach schedule office-quarter-hours' }).waitFor();
  shots.job = await screenshot(page(), '03-job-editor');
  const job = (await h.api.getJob({ name: 'hello-world' })) as { steps: Array<{ command: string }>; schedules: Array<{ name: string }>; job: { category: string } };
  assert.is(job.steps[0].command, 'echo "hello from pgautomator"; sleep 3; echo "done greeting"');
  assert.equal(job.schedules.map((s) => s.name), ['office-quarter-hours']);
  assert.is(job.job.category, 'demo');
  await createJob('long-sleep', 'nap', 'sleep 60', 'demo');
});

test('start a job now and watch it succeed live, output streaming', async () => {
  await page().getByRole('link', { name: 'Jobs' }).click();
  const jobs = page().locator('pga-jobs');
  await jobs.getByRole('button', { name: 'Start hello-world now' }).click();
  const notice = await jobs.getByText(/Started “hello-world”: run \d+\./).textContent();
  const runId = Number(/run (\d+)/.exec(notice ?? '')![1]);
  shots.jobs = await screenshot(page(), '04-jobs');
  await page().getByRole('link', { name: 'History' }).click();
  await page().locator(`pga-runs tr[data-run="${runId}"]`).click();
  const detail = page().locator('pga-run-detail');
  const output = detail.getByLabel('Output of greet');
  // Live: watched inside the page on every frame, the first line shows while the run is still
  // running and before the second line (the step sleeps 3 s between them).
  // (No named inner functions: the test runner's transpiler would add helpers the page lacks.)
  const seenLive = await page().waitForFunction(
    () => {
      const detail = document.querySelector('pga-console')?.shadowRoot?.querySelector('pga-runs')?.shadowRoot?.querySelector('pga-run-detail')?.shadowRoot;
      const text = detail?.querySelector('pre')?.textContent ?? '';
      const state = detail?.querySelector('pga-state-badge')?.getAttribute('state');
      if (text.includes('done greeting')) return 'too late';
      return text.includes('hello from pgautomator') && state === 'running' ? 'live' : false;
    },
    undefined,
    { polling: 'raf', timeout: 45_000 },
  );
  assert.is(await seenLive.jsonValue(), 'live');
  await detail.locator('pga-state-badge[state="succeeded"]').first().waitFor({ timeout: 30_000 });
  await output.filter({ hasText: 'done greeting' }).waitFor();
  await detail.getByText(AGENT, { exact: true }).waitFor();
  shots.run = await screenshot(page(), '05-run-succeeded');
});

test('kill a long-running job (sleep 60) from the jobs list', async () => {
  await page().getByRole('link', { name: 'Jobs' }).click();
  const jobs = page().locator('pga-jobs');
  await jobs.getByRole('button', { name: 'Start long-sleep now' }).click();
  const notice = await jobs.getByText(/Started “long-sleep”: run \d+\./).textContent();
  const runId = Number(/run (\d+)/.exec(notice ?? '')![1]);
  // Wait until the agent runs it (the Now column shows running), then kill.
  await jobs.locator('tr[data-job="long-sleep"] pga-state-badge[state="running"]').first().waitFor({ timeout: 30_000 });
  page().once('dialog', (dialog) => void dialog.accept()); // Kill asks first
  await jobs.getByRole('button', { name: `Kill run ${runId} of long-sleep` }).click();
  await jobs.getByText(`Kill requested for run ${runId} of “long-sleep”.`).waitFor();
  await page().getByRole('link', { name: 'History' }).click();
  await page().locator(`pga-runs tr[data-run="${runId}"]`).click();
  const detail = page().locator('pga-run-detail');
  await detail.locator('pga-state-badge[state="killed"]').first().waitFor({ timeout: 30_000 });
  await page().locator(`pga-runs tr[data-run="${runId}"] pga-state-badge[state="killed"]`).waitFor();
  await page().locator(`pga-runs tr[data-run]`).filter({ hasText: 'hello-world' }).locator('pga-state-badge[state="succeeded"]').waitFor();
  shots.killed = await screenshot(page(), '06-history-killed');
  const run = (await h.api.getRun({ run_id: runId })) as { run: { state: string; kill_requested_by: string } };
  assert.is(run.run.state, 'killed');
  assert.is(run.run.kill_requested_by, h.roles.admin);
});

test('both runs on the timeline, coloured by state; a bar opens its run', async () => {
  await page().getByRole('link', { name: 'Timeline' }).click();
  const timeline = page().locator('pga-timeline');
  await timeline.getByLabel('Window (hours)').selectOption('0.25');
  await timeline.locator('rect.bar[data-state="succeeded"]').waitFor();
  await timeline.locator('rect.bar[data-state="killed"]').waitFor();
  const labels = await timeline.locator('svg text').allTextContents();
  assert.ok(labels.includes('hello-world') && labels.includes('long-sleep'), labels.join());
  const fill = await timeline.locator('rect.bar[data-state="killed"]').getAttribute('fill');
  assert.is(fill, '#8250df');
  shots.timeline = await screenshot(page(), '07-timeline');
  await timeline.locator('rect.bar[data-state="succeeded"]').focus();
  await page().keyboard.press('Enter');
  await page().locator('pga-run-detail pga-state-badge[state="succeeded"]').first().waitFor();
  assert.match(page().url(), /#runs\/\d+$/);
});

test('the agent at a glance', async () => {
  await page().getByRole('link', { name: 'Agents' }).click();
  const row = page().locator(`pga-agents tr[data-agent="${AGENT}"]`);
  await row.locator('pga-state-badge[state="online"]').waitFor();
  shots.agents = await screenshot(page(), '08-agents');
  await page().getByRole('link', { name: 'Settings' }).click();
  await page().locator('pga-settings').getByRole('heading', { name: 'SQL connections' }).waitFor();
  shots.settings = await screenshot(page(), '09-settings');
  await page().getByRole('link', { name: 'Overview' }).click();
  await page().locator('pga-overview').getByRole('heading', { name: /Agents/ }).first().waitFor();
  shots.overview = await screenshot(page(), '11-overview');
  await page().getByRole('link', { name: 'Alerts' }).click();
  await page().locator('pga-alerts').waitFor();
  shots.alerts = await screenshot(page(), '12-alerts');
  await page().setViewportSize({ width: 390, height: 844 });
  await page().getByRole('link', { name: 'Jobs' }).click();
  await page().locator('pga-jobs tr[data-job="hello-world"]').waitFor();
  shots.phone = await screenshot(page(), '10-jobs-phone');
  await page().setViewportSize({ width: 1360, height: 900 });
  assert.equal(h.browser.errors, []);
});

test.run();

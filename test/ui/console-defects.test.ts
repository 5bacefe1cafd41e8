/**
 * Issue 15's defects, each as a DBA meets it in Chromium at 1400x900, 1920x1080 or 390x844: errors
 * next to their field in the words of the form, no half-saved objects, times that say their zone,
 * confirmation before a kill, an unknown time zone refused, no stale notices or raw intervals,
 * focus kept, no favicon 404, nothing preselected, long names that fit, a usable phone width.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { startAndClaim } from './support/protocol.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
const page = (): Page => h.page;
const LONG = `nightly-${'x'.repeat(92)}`; // 100 characters

test.before(async () => {
  h = await startUiHarness('ui_defects');
  await h.api.createCategory({ name: 'ops' });
  await h.api.createJob({ name: 'taken', category: 'ops' });
  await h.api.addStep({ job: 'taken', name: 'one', kind: 'shell', command: 'true' });
  await h.api.createSchedule({ name: 'berlin-weekdays', spec: { type: 'weekly', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], time_zone: 'Europe/Berlin', start_date: '2026-01-01', sub: { type: 'once', time: '09:00' } } });
  await h.api.createSchedule({ name: 'second-schedule', spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '03:00' } } });
  await h.api.attachSchedule({ job: 'taken', schedule: 'berlin-weekdays' });
  await h.api.createJob({ name: LONG, description: 'a job with a long name' });
  await h.api.addStep({ job: LONG, name: 'one', kind: 'shell', command: 'true' });
  await h.api.createJob({ name: 'busy', overlap: 'skip' });
  await h.api.addStep({ job: 'busy', name: 'work', kind: 'shell', command: 'sleep 600' });
  const reply = await h.browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles.admin, password: h.password } });
  assert.ok(reply.ok());
});

test.after(async () => {
  await h?.close();
});

async function open(hash: string, viewport = { width: 1400, height: 900 }): Promise<void> {
  await page().setViewportSize(viewport);
  await page().goto(`${h.gateway.url}/#${hash}`);
  await page().getByRole('navigation', { name: 'Main' }).waitFor();
}

/** The message shown next to a control: its aria-describedby element, or null. */
async function errorNextTo(control: ReturnType<Page['locator']>): Promise<string | null> {
  return control.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const root = el.getRootNode() as ShadowRoot | Document;
    const texts = ids.map((id) => root.getElementById?.(id)?.textContent?.trim() ?? (root as ShadowRoot).querySelector?.(`#${CSS.escape(id)}`)?.textContent?.trim() ?? '').filter(Boolean);
    return texts.length ? texts.join(' ') : null;
  });
}

async function inViewport(locator: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page().viewportSize()!;
  return Boolean(box && box.y >= 0 && box.y + box.height <= size.height && box.x >= 0 && box.x + box.width <= size.width);
}

test('defect 1: a bad mail recipient is shown next to the To field, in view, in the words of the form', async () => {
  await open('job/taken');
  const editor = page().locator('pga-job-editor');
  const to = editor.getByLabel('To (operators or addresses, comma separated)');
  await to.fill('not an address');
  await editor.getByLabel('mail on failure').check();
  await editor.getByRole('button', { name: 'Save mail settings' }).click();
  await editor.locator('[aria-invalid="true"][name="email_to"]').waitFor();
  const message = (await errorNextTo(to)) ?? '';
  assert.match(message, /not an address/);
  assert.not.match(message, /pgautomator\.|\bnew_name\b|"to"/);
  await to.scrollIntoViewIfNeeded();
  assert.ok(await inViewport(editor.locator('#err-email_to')), 'the error is on screen next to the field');
});

test('defect 2: a new job with a taken name fails and leaves no new category; the error sits at Name', async () => {
  await open('job/');
  const editor = page().locator('pga-job-editor');
  await editor.getByLabel('Name', { exact: true }).fill('taken');
  await editor.getByLabel('Category').fill('half-saved');
  await editor.getByRole('button', { name: 'Create job' }).click();
  await editor.locator('input[name="name"][aria-invalid="true"]').waitFor();
  const message = (await errorNextTo(editor.getByLabel('Name', { exact: true }))) ?? '';
  assert.match(message, /already exists/);
  assert.not.match(message, /pgautomator\.|update_job|new_name/);
  const categories = ((await h.api.listCategories()) as Array<{ name: string }>).map((c) => c.name);
  assert.not.ok(categories.includes('half-saved'), categories.join());
  // Switching to a job: until its values arrive the form is disabled and empty (not the new-job
  // form's 'taken'/'half-saved', which typing into would have saved onto this job).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // A request still in this handler when the route is removed is continued by Playwright itself:
  // then ours finds it handled already, which is fine.
  await page().route('**/rpc/get_job?*', async (route) => (await held, route.continue().catch(() => {})));
  await open(`job/${encodeURIComponent(LONG)}`);
  const name = editor.getByLabel('Name', { exact: true });
  await editor.locator('fieldset[aria-busy="true"]').waitFor();
  assert.ok(await name.isDisabled(), 'the Name field waits for the job');
  assert.is(await name.inputValue(), '');
  assert.is(await editor.getByLabel('Category').inputValue(), '');
  release();
  await page().waitForFunction((long) => {
    const editorEl = document.querySelector('pga-console')?.shadowRoot?.querySelector('pga-job-editor');
    return (editorEl?.shadowRoot?.querySelector('input[name="name"]') as HTMLInputElement | null)?.value === long;
  }, LONG);
  assert.not.ok(await name.isDisabled());
  await page().unroute('**/rpc/get_job?*');
  // Renaming a job onto a taken name: the same.
  await editor.getByLabel('Name', { exact: true }).fill('taken');
  await editor.getByLabel('Category').fill('half-renamed');
  await editor.getByRole('button', { name: 'Save job' }).click();
  await editor.locator('input[name="name"][aria-invalid="true"]').waitFor();
  assert.not.match((await errorNextTo(editor.getByLabel('Name', { exact: true }))) ?? '', /new_name/);
  assert.not.ok(((await h.api.listCategories()) as Array<{ name: string }>).some((c) => c.name === 'half-renamed'));
});

test("defect 3: every time says its zone; a schedule's next fire is shown in the schedule's zone", async () => {
  await open('job/taken');
  const item = page().locator('pga-job-editor li').filter({ hasText: 'berlin-weekdays' });
  await item.waitFor();
  assert.match((await item.textContent()) ?? '', /next \d{4}-\d\d-\d\d 09:00(:00)? Europe\/Berlin/);
  await open('jobs');
  const next = page().locator('pga-jobs tr[data-job="taken"] td[data-col="next"]');
  assert.match((await next.getAttribute('title')) ?? '', /\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? (UTC|[A-Z][A-Za-z_]+\/[A-Za-z_]+)/);
});

test('defect 9: an unknown time zone is not "Valid schedule." and cannot be saved', async () => {
  await open('schedules/');
  const editor = page().locator('pga-schedule-editor');
  await editor.getByLabel('Name', { exact: true }).fill('mars');
  await editor.getByLabel('Time zone').fill('Mars/Olympus_Mons');
  await editor.locator('input[name="time_zone"][aria-invalid="true"]').waitFor();
  assert.is(await editor.getByText('Valid schedule.').count(), 0);
  assert.ok(await editor.getByRole('button', { name: 'Create schedule' }).isDisabled());
  assert.match((await errorNextTo(editor.getByLabel('Time zone'))) ?? '', /time zone/);
});

test('defect 5: Kill asks first; cancelling kills nothing', async () => {
  const claimed = await startAndClaim(h.api, 'busy', 'defects-agent');
  await open('jobs');
  const jobs = page().locator('pga-jobs');
  const kill = jobs.getByRole('button', { name: `Kill run ${claimed.runId} of busy` });
  await kill.waitFor();
  const asked: string[] = [];
  page().once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
  await kill.click();
  await page().waitForFunction(() => true);
  assert.is(asked.length, 1);
  assert.match(asked[0], new RegExp(`run ${claimed.runId}`));
  assert.is(((await h.api.getRun({ run_id: claimed.runId })) as { run: { kill_requested_at: string | null } }).run.kill_requested_at, null);
  // History's detail asks too.
  await open(`runs/${claimed.runId}`);
  const detailKill = page().locator('pga-run-detail').getByRole('button', { name: /Kill/ });
  await detailKill.waitFor();
  page().once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
  await detailKill.click();
  await page().waitForFunction(() => true);
  assert.is(asked.length, 2);
  assert.is(((await h.api.getRun({ run_id: claimed.runId })) as { run: { kill_requested_at: string | null } }).run.kill_requested_at, null);
});

test('defect 10: a refused start replaces the last notice; intervals read as words; focus stays; no favicon 404; Attach preselects nothing', async () => {
  const missing: string[] = [];
  page().on('response', (r) => r.status() === 404 && missing.push(r.url()));
  await open('jobs');
  const jobs = page().locator('pga-jobs');
  await jobs.getByRole('button', { name: 'Start taken now' }).click();
  await jobs.getByText(/Started “taken”: run \d+\./).waitFor();
  await jobs.getByRole('button', { name: 'Start busy now' }).click(); // busy runs (overlap skip)
  await jobs.getByRole('alert').waitFor();
  assert.is(await jobs.getByText(/Started “taken”/).count(), 0, 'no stale "Started" next to the error');
  await page().waitForLoadState('networkidle');
  assert.equal(missing.filter((u) => /favicon/.test(u)), []);

  await open('job/taken');
  const editor = page().locator('pga-job-editor');
  assert.is(await editor.getByLabel('Misfire grace').inputValue(), '1 minute');
  assert.is(await editor.getByLabel('Schedule', { exact: true }).inputValue(), '');
  assert.ok(await editor.getByRole('button', { name: 'Attach' }).isDisabled());
  await editor.getByRole('button', { name: 'Add step' }).click();
  await editor.getByLabel('Step name').fill('two');
  await editor.getByLabel('Command').fill('echo two');
  await editor.getByLabel('Retries').fill('2');
  await editor.getByLabel('Retry delay').fill('5 seconds');
  await editor.getByRole('button', { name: 'Add this step' }).click();
  await editor.locator('pga-step-list tr[data-step="two"]').waitFor();
  assert.match((await editor.locator('pga-step-list tr[data-step="two"]').textContent()) ?? '', /retries: 2, every 5 seconds/);
  const focused = await page().evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.tagName ?? 'none';
  });
  assert.not.equal(focused, 'BODY');
});

test('defect 7: a 100-character name neither widens the jobs page nor clips its buttons (1400 and 1920)', async () => {
  for (const viewport of [{ width: 1400, height: 900 }, { width: 1920, height: 1080 }]) {
    await open('jobs', viewport);
    const start = page().locator('pga-jobs').getByRole('button', { name: `Start ${LONG} now` });
    await start.waitFor();
    const width = await page().evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `page ${width} px wide at ${viewport.width}`);
    assert.ok(await inViewport(start), 'Start button on screen');
  }
  await open(`job/${encodeURIComponent(LONG)}`);
  const width = await page().evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1400, `editor ${width} px wide`);
});

test('defect 6: at 390x844 the navigation fits, the jobs show their actions, a run opens in view', async () => {
  const phone = { width: 390, height: 844 };
  await open('jobs', phone);
  for (const link of await page().getByRole('navigation', { name: 'Main' }).getByRole('link').all()) assert.ok(await inViewport(link), `${await link.textContent()} on screen`);
  const width = await page().evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page ${width} px wide`);
  const start = page().locator('pga-jobs').getByRole('button', { name: 'Start taken now' });
  await start.scrollIntoViewIfNeeded();
  assert.ok(await inViewport(start), 'Start button reachable without horizontal scroll');
  await open('runs', phone);
  const row = page().locator('pga-runs tr[data-run]').first();
  await row.click();
  await page().locator('pga-run-detail pga-state-badge').first().waitFor();
  await page().waitForFunction(() => {
    const detail = document.querySelector('pga-console')?.shadowRoot?.querySelector('pga-runs')?.shadowRoot?.querySelector('[part~="detail"]');
    const box = detail?.getBoundingClientRect();
    return box !== undefined && box.top >= 0 && box.top < window.innerHeight;
  });
});

test('defect 8: history uses the width, keeps times on one line and the message in view; filters live in the URL; until before since is an error; dates are ISO', async () => {
  await h.api.createJob({ name: 'flaky' });
  await h.api.addStep({ job: 'flaky', name: 'one', kind: 'shell', command: 'false' });
  const failed = await startAndClaim(h.api, 'flaky', 'defects-agent');
  await h.api.endStep({ step_run_id: failed.stepRunId, state: 'failed', exit_code: 3, output: 'boom\n' });
  await h.api.endRun({ run_id: failed.runId, state: 'failed', message: 'step one failed: exit code 3 (disk full on /var/lib/postgresql)' });
  await open('runs', { width: 1920, height: 1080 });
  const runs = page().locator('pga-runs');
  await runs.locator(`tr[data-run="${failed.runId}"]`).waitFor();
  const [tableWidth, mainWidth] = await runs.evaluate((el) => [el.shadowRoot!.querySelector('table')!.getBoundingClientRect().width, el.getBoundingClientRect().width]);
  assert.ok(tableWidth >= 0.9 * mainWidth, `table ${tableWidth} of ${mainWidth} px with no run open`);
  const [when, id] = await runs.locator(`tr[data-run="${failed.runId}"]`).evaluate((tr) => [(tr.querySelector('td.when') as HTMLElement).offsetHeight, (tr.querySelector('td') as HTMLElement).offsetHeight]);
  assert.ok(when <= id, 'a timestamp stays on one line');
  await open(`runs/${failed.runId}`, { width: 1400, height: 900 });
  await page().locator('pga-run-detail').getByText('disk full', { exact: false }).first().waitFor();
  const overflow = await runs.evaluate((el) => {
    const scroll = el.shadowRoot!.querySelector('.scroll') as HTMLElement;
    return scroll.scrollWidth - scroll.clientWidth;
  });
  assert.ok(overflow <= 1, `the history table scrolls sideways by ${overflow} px at 1400`);
  // Filters in the URL, restored on reload.
  await open('runs');
  await runs.getByLabel('State').selectOption('failed');
  await page().waitForFunction(() => location.hash.includes('state=failed'));
  await page().reload();
  await runs.locator(`tr[data-run="${failed.runId}"]`).waitFor();
  assert.is(await runs.getByLabel('State').inputValue(), 'failed');
  assert.is(await runs.locator('tr[data-run] pga-state-badge:not([state="failed"])').count(), 0);
  // The search and the kind of time (issue 15) live in the URL too.
  await runs.getByLabel('Search').fill('disk FULL');
  await runs.getByLabel('Search').press('Enter');
  await runs.getByLabel('Times').selectOption('finished');
  await page().waitForFunction(() => location.hash.includes('search=disk+FULL') && location.hash.includes('range=finished'));
  await page().reload();
  await runs.locator(`tr[data-run="${failed.runId}"]`).waitFor();
  assert.is(await runs.getByLabel('Search').inputValue(), 'disk FULL');
  assert.is(await runs.getByLabel('Finished since').inputValue(), '');
  await runs.getByLabel('Times').selectOption('scheduled');
  // ISO dates, and until before since refused at the field.
  const since = runs.getByLabel('Due since');
  assert.is(await since.getAttribute('type'), 'text');
  assert.match((await since.getAttribute('placeholder')) ?? '', /YYYY-MM-DD/);
  await since.fill('2026-12-05 10:00');
  await since.press('Enter');
  await runs.getByLabel('Due until').fill('2026-12-04 10:00');
  await runs.getByLabel('Due until').press('Enter');
  await runs.locator('input[name="until"][aria-invalid="true"]').waitFor();
  assert.match((await errorNextTo(runs.getByLabel('Due until'))) ?? '', /after/);
});

test.run();

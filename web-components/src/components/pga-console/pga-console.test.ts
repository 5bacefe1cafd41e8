/**
 * pga-console in Chromium on the gateway's own page: login, navigation (links, hash routes, back),
 * the session in the header, logout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;

test.before(async () => {
  h = await startUiHarness('ui_console_nav');
  await h.api.createJob({ name: 'nightly' });
  await h.api.createSchedule({ name: 'daily-6', spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '06:00' } } });
});

test.after(async () => {
  await h?.close();
});

test('the gateway serves the console page with a strict CSP; anonymous visitors get the login form', async () => {
  const response = await h.page.goto(`${h.gateway.url}/#agents`);
  assert.match(response!.headers()['content-security-policy'] ?? '', /default-src 'self'/);
  await h.page.locator('pga-console').getByRole('button', { name: 'Log in' }).waitFor();
  assert.is(await h.page.getByRole('navigation', { name: 'Main' }).count(), 0);
});

test('logging in shows the route of the hash and who is logged in', async () => {
  await h.page.getByLabel('Database role').fill(h.roles.operator);
  await h.page.getByLabel('Password').fill(h.password);
  await h.page.getByRole('button', { name: 'Log in' }).click();
  await h.page.locator('pga-console pga-agents').waitFor();
  assert.is(await h.page.getByRole('link', { name: 'Agents' }).getAttribute('aria-current'), 'page');
  const who = (await h.page.locator('pga-console header .who').textContent()) ?? '';
  assert.match(who, h.roles.operator);
  assert.match(who, 'viewer, operator');
});

test('navigation by links and by the hash, with history', async () => {
  await h.page.evaluate(() => {
    (window as any).views = [];
    document.addEventListener('pga-view-change', (e) => (window as any).views.push((e as CustomEvent).detail.view));
  });
  await h.page.getByRole('link', { name: 'Jobs' }).click();
  await h.page.locator('pga-jobs tr[data-job="nightly"]').waitFor();
  assert.match(h.page.url(), /#jobs$/);
  await h.page.locator('pga-jobs').getByRole('button', { name: 'Edit job nightly' }).click();
  await h.page.locator('pga-job-editor').getByRole('heading', { name: 'Job “nightly”' }).waitFor();
  assert.match(h.page.url(), /#job\/nightly$/);
  await h.page.goBack();
  await h.page.locator('pga-jobs').waitFor();
  await h.page.evaluate(() => (location.hash = '#schedules/daily-6'));
  await h.page.locator('pga-schedule-editor').getByRole('heading', { name: 'Schedule “daily-6”' }).waitFor();
  await h.page.getByRole('link', { name: 'Timeline' }).focus();
  await h.page.keyboard.press('Enter');
  await h.page.locator('pga-timeline').waitFor();
  assert.equal(await h.page.evaluate(() => (window as any).views), ['jobs', 'job', 'jobs', 'schedules', 'timeline']);
});

test('log out returns to the login form and the session is gone', async () => {
  await h.page.getByRole('button', { name: 'Log out' }).click();
  await h.page.locator('pga-console').getByRole('button', { name: 'Log in' }).waitFor();
  const me = await h.browser.context.request.get(`${h.gateway.url}/auth/me`);
  assert.is(me.status(), 401);
  assert.equal(h.browser.errors, []);
});

test.run();

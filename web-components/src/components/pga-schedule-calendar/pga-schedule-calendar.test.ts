/** pga-schedule-calendar in Chromium: fire days marked per month, navigation by keyboard, its event. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStaticPage } from '../../../../test/ui/support/ui-harness.ts';

let s: Awaited<ReturnType<typeof startStaticPage>>;

test.before(async () => {
  s = await startStaticPage();
  await s.mount('<pga-schedule-calendar></pga-schedule-calendar>');
  await s.page.evaluate(() => {
    (window as any).seen = [];
    document.addEventListener('pga-calendar-navigate', (e) => (window as any).seen.push((e as CustomEvent).detail));
    const el = document.querySelector('pga-schedule-calendar') as any;
    el.fires = ['2026-03-02 09:00:00', '2026-03-02 17:00:00', '2026-03-31 09:00:00', '2026-04-01 09:00:00'];
  });
});

test.after(async () => {
  await s?.close();
});

test('shows the month of the first fire, Monday first, with each fire day and its count', async () => {
  const cal = s.page.locator('pga-schedule-calendar');
  await assert.ok(await cal.getByText('March 2026').isVisible());
  const headers = await cal.getByRole('columnheader').allTextContents();
  assert.equal(headers, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  assert.is(await cal.getByRole('gridcell', { name: '2026-03-02: 2 fires' }).count(), 1);
  assert.is(await cal.getByRole('gridcell', { name: '2026-03-31: 1 fire' }).count(), 1);
  assert.is(await cal.getByRole('gridcell', { name: '2026-03-03: no fire' }).count(), 1);
  assert.is(await cal.locator('[part~="fire-day"]').count(), 2);
});

test('the next-month button works from the keyboard and announces pga-calendar-navigate', async () => {
  const next = s.page.getByRole('button', { name: 'Next month' });
  await next.focus();
  await s.page.keyboard.press('Enter');
  await s.page.locator('pga-schedule-calendar').getByText('April 2026').waitFor();
  assert.is(await s.page.getByRole('gridcell', { name: '2026-04-01: 1 fire' }).count(), 1);
  assert.equal(await s.page.evaluate(() => (window as any).seen), [{ year: 2026, month: 4 }]);
  await s.page.getByRole('button', { name: 'Previous month' }).click();
  await s.page.getByRole('button', { name: 'Previous month' }).click();
  await s.page.locator('pga-schedule-calendar').getByText('February 2026').waitFor();
  assert.is(await s.page.locator('pga-schedule-calendar [part~="fire-day"]').count(), 0);
});

test('a truncated list marks counts as lower bounds', async () => {
  await s.page.evaluate(() => {
    const el = document.querySelector('pga-schedule-calendar') as any;
    el.month = '2026-03';
    el.truncated = true;
  });
  assert.is(await s.page.getByRole('gridcell', { name: '2026-03-02: 2+ fires' }).count(), 1);
  assert.equal(s.browser.errors, []);
});

test.run();

/**
 * The schedule editor's cron mode (issue 16), in Chromium against a real gateway and database:
 * pick cron, type an expression, read it in plain words, see the engine's preview as a list and on
 * the calendar; a bad expression is named under its field and disables saving; saving creates the
 * schedule through the gateway; an existing cron schedule loads, reads and saves back unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextFires } from '../../extension-src/engine/index.ts';
import { startUiHarness, type UiHarness } from './support/ui-harness.ts';

let h: UiHarness;
const editor = () => h.page.locator('pga-schedule-editor');
const expression = () => editor().getByLabel('Cron expression');
const reading = () => editor().locator('.cron-reading');

test.before(async () => {
  h = await startUiHarness('ui_schedule_cron');
});

test.after(async () => {
  await h?.close();
});

/** The wall clock now in `zone`, as the editor's preview starts from it. */
const wallClock = (zone: string) =>
  h.page.evaluate((z) => new Intl.DateTimeFormat('en-CA', { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date()).replace(', ', ' '), zone);

test('picking cron shows the expression, its reading, the dates and the exceptions, and no sub-day or every controls', async () => {
  await h.mount('<pga-schedule-editor gateway-url=""></pga-schedule-editor>');
  await editor().getByRole('heading', { name: 'New schedule' }).waitFor();
  await editor().getByLabel('Type').selectOption('cron');
  await expression().waitFor();
  await reading().filter({ hasText: 'At minute 0 past hour 9 on Monday through Friday' }).waitFor();
  await editor().getByLabel('Start date (optional)').waitFor();
  await editor().getByLabel('End date (optional)').waitFor();
  await editor().getByRole('button', { name: 'Add exception' }).waitFor();
  assert.is(await editor().getByLabel('Repeat within the day').count(), 0);
  assert.is(await editor().locator('input[name="every"]').count(), 0);
  await editor().getByText('Valid schedule.').waitFor();
  const spec = await editor().evaluate((el) => (el as any).spec);
  assert.is(spec.type, 'cron');
  assert.is(spec.sub, undefined);
  assert.is(spec.every, undefined);
});

test('an expression reads in plain words; the preview list and the calendar are the engine\'s nextFires', async () => {
  await editor().getByLabel('Time zone').fill('Europe/Berlin');
  await expression().fill('*/15 9-17 * * mon-fri');
  await reading().filter({ hasText: 'At every 15th minute past hour 9 through 17 on Monday through Friday' }).waitFor();
  await editor().getByText('Valid schedule.').waitFor();
  const spec = await editor().evaluate((el) => (el as any).spec);
  assert.equal(spec.expression, '*/15 9-17 * * mon-fri');
  const shown = await editor().getByRole('list', { name: 'Next fires' }).getByRole('listitem').allTextContents();
  assert.equal(shown, nextFires(spec, await wallClock('Europe/Berlin'), 10));
  for (const f of shown) assert.match(f, /^\d{4}-\d{2}-\d{2} (09|1[0-7]):(00|15|30|45):00$/);
  // The first fire's day is marked on the calendar with its count of fires after now.
  const now = await wallClock('Europe/Berlin');
  const day = shown[0].slice(0, 10);
  const count = nextFires(spec, now, 100).filter((f) => f.startsWith(day)).length;
  await editor().locator('pga-schedule-calendar').getByRole('gridcell', { name: `${day}: ${count} fire${count === 1 ? '' : 's'}` }).waitFor();
  // Both day fields restricted: either matches, and the reading says so.
  await expression().fill('0 12 13 * fri');
  await reading().filter({ hasText: 'At minute 0 past hour 12 on day-of-month 13 or on Friday' }).waitFor();
  // A macro reads as its meaning.
  await expression().fill('@daily');
  await reading().filter({ hasText: 'Once a day, at midnight' }).waitFor();
  const daily = await editor().getByRole('list', { name: 'Next fires' }).getByRole('listitem').allTextContents();
  for (const f of daily) assert.match(f, / 00:00:00$/);
});

test('a bad expression is named under its field, has no reading, and disables saving', async () => {
  await editor().getByLabel('Name', { exact: true }).fill('berlin-office');
  const cases: Array<[string, string]> = [
    ['0 0 32 * *', 'field day-of-month has item "32" outside 1-31'],
    ['0 0 30 2 *', 'can never fire'],
    ['0 9 * *', 'must have five fields'],
    ['@reboot', 'must be one of @yearly'],
  ];
  for (const [text, message] of cases) {
    await expression().fill(text);
    const error = editor().locator('#err-expression');
    await error.filter({ hasText: message }).waitFor();
    assert.match((await error.textContent()) ?? '', 'schedule expression');
    assert.is(await error.getAttribute('role'), 'alert');
    assert.is(await expression().getAttribute('aria-invalid'), 'true');
    assert.is(await reading().count(), 0);
    assert.ok(await editor().getByRole('button', { name: 'Create schedule' }).isDisabled());
    assert.match((await editor().locator('.status.bad').textContent()) ?? '', 'expression');
  }
  await expression().fill('*/15 9-17 * * mon-fri');
  await editor().getByText('Valid schedule.').waitFor();
  assert.is(await expression().getAttribute('aria-invalid'), 'false');
  assert.is(await editor().locator('#err-expression').count(), 0);
  assert.ok(await editor().getByRole('button', { name: 'Create schedule' }).isEnabled());
});

test('saving creates the cron schedule through the gateway; reopening shows the expression and its reading', async () => {
  await editor().getByLabel('Start date (optional)').fill('');
  await editor().getByRole('button', { name: 'Add exception' }).click();
  await editor().locator('input[name="exception-0-from"]').fill('2027-12-24');
  await editor().getByText('Valid schedule.').waitFor();
  const spec = await editor().evaluate((el) => (el as any).spec);
  assert.equal(spec, { type: 'cron', time_zone: 'Europe/Berlin', expression: '*/15 9-17 * * mon-fri', exceptions: ['2027-12-24'] });
  await editor().getByRole('button', { name: 'Create schedule' }).click();
  await editor().getByText('Saved schedule “berlin-office”.').waitFor();
  const stored = (await h.api.getSchedule({ name: 'berlin-office' })) as { schedule: { spec: Record<string, unknown>; next_fire_at?: unknown } };
  assert.equal(stored.schedule.spec, spec);

  await h.mount('<pga-schedule-editor gateway-url="" schedule="berlin-office"></pga-schedule-editor>');
  await editor().getByRole('heading', { name: 'Schedule “berlin-office”' }).waitFor();
  assert.is(await editor().getByLabel('Type').inputValue(), 'cron');
  assert.is(await expression().inputValue(), '*/15 9-17 * * mon-fri');
  assert.is(await editor().getByLabel('Start date (optional)').inputValue(), '');
  await reading().filter({ hasText: 'At every 15th minute past hour 9 through 17 on Monday through Friday' }).waitFor();
});

test('an existing cron schedule saves back the same spec', async () => {
  const spec = { type: 'cron', time_zone: 'America/New_York', expression: '0 12 13 * fri', start_date: '2026-01-01', end_date: '2030-12-31', exceptions: [{ from: '2027-12-20', to: '2027-12-31' }] };
  await h.api.createSchedule({ name: 'thirteenth-or-friday', spec });
  await h.mount('<pga-schedule-editor gateway-url="" schedule="thirteenth-or-friday"></pga-schedule-editor>');
  await editor().getByRole('heading', { name: 'Schedule “thirteenth-or-friday”' }).waitFor();
  await reading().filter({ hasText: 'on day-of-month 13 or on Friday' }).waitFor();
  assert.equal(await editor().evaluate((el) => (el as any).spec), spec);
  await editor().getByLabel('Description').fill('noon on the 13th and on Fridays');
  await editor().getByRole('button', { name: 'Save schedule' }).click();
  await editor().getByText('Saved schedule “thirteenth-or-friday”.').waitFor();
  const stored = (await h.api.getSchedule({ name: 'thirteenth-or-friday' })) as { schedule: { spec: Record<string, unknown>; description: string } };
  assert.equal(stored.schedule.spec, spec);
  assert.is(stored.schedule.description, 'noon on the 13th and on Fridays');
});

test('a cron spec without a time zone loads with the field empty (UTC by default) and saves back without one', async () => {
  const spec = { type: 'cron', expression: '@weekly' };
  await h.api.createSchedule({ name: 'sunday-midnight', spec });
  await h.mount('<pga-schedule-editor gateway-url="" schedule="sunday-midnight"></pga-schedule-editor>');
  await reading().filter({ hasText: 'Once a week, at midnight on Sunday' }).waitFor();
  assert.is(await editor().getByLabel('Time zone').inputValue(), '');
  await editor().getByText('Wall-clock times in UTC').waitFor();
  await editor().getByRole('button', { name: 'Save schedule' }).click();
  await editor().getByText('Saved schedule “sunday-midnight”.').waitFor();
  const stored = (await h.api.getSchedule({ name: 'sunday-midnight' })) as { schedule: { spec: Record<string, unknown> } };
  assert.equal(stored.schedule.spec, spec);
  assert.equal(h.browser.errors, []);
});

test.run();

/**
 * pga-schedule-editor alone in Chromium against a real gateway and database: login through the
 * element, validation naming the field as you type, the preview computed by the engine (list and
 * calendar, equal to nextFires), saving, editing, and the database's own refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextFires } from '../../../../extension-src/engine/index.ts';
import { startUiHarness, type UiHarness } from '../../../../test/ui/support/ui-harness.ts';

let h: UiHarness;
const editor = () => h.page.locator('pga-schedule-editor');

test.before(async () => {
  h = await startUiHarness('ui_schedule_editor');
});

test.after(async () => {
  await h?.close();
});

test('alone and anonymous it asks for a login, then shows the form', async () => {
  await h.mount('<pga-schedule-editor gateway-url=""></pga-schedule-editor>', null);
  await editor().getByLabel('Database role').fill(h.roles.admin);
  await editor().getByLabel('Password').fill(h.password);
  await editor().getByRole('button', { name: 'Log in' }).click();
  await editor().getByRole('heading', { name: 'New schedule' }).waitFor();
});

test('validation as you type names the field at fault', async () => {
  await h.page.evaluate(() => {
    (window as any).changes = [];
    document.addEventListener('pga-schedule-change', (e) => (window as any).changes.push((e as CustomEvent).detail));
  });
  const cases: Array<[() => Promise<void>, string]> = [
    [() => editor().getByLabel('Start date').fill('2026-13-01'), 'start_date'],
    [() => editor().getByLabel('Start date').fill('2026-01-05'), ''],
    [() => editor().getByLabel('Every N days').fill('0'), 'every'],
    [() => editor().getByLabel('Every N days').fill('2'), ''],
    [() => editor().getByLabel('Time (HH:MM[:SS])').fill('25:00'), 'sub.time'],
    [() => editor().getByLabel('Time (HH:MM[:SS])').fill('06:30'), ''],
  ];
  for (const [act, field] of cases) {
    await act();
    const last = await h.page.evaluate(() => (window as any).changes.at(-1));
    assert.is(last.field ?? '', field, JSON.stringify(last));
    if (field) {
      await editor().getByRole('alert').filter({ hasText: field }).waitFor();
      assert.ok(await editor().getByRole('button', { name: 'Create schedule' }).isDisabled());
      assert.match((await editor().locator('.status.bad').textContent()) ?? '', field);
    } else await editor().getByText('Valid schedule.').waitFor();
  }
  // Weekly: no weekday at all is an error of weekdays.
  await editor().getByLabel('Type').selectOption('weekly');
  await editor().locator('input[name="weekday-mon"]').uncheck();
  await editor().getByRole('alert').filter({ hasText: 'weekdays' }).waitFor();
  await editor().locator('input[name="weekday-sat"]').check();
  // An exception period backwards names exceptions[0].to.
  await editor().getByRole('button', { name: 'Add exception' }).click();
  await editor().locator('input[name="exception-0-from"]').fill('2026-02-10');
  await editor().locator('input[name="exception-0-to"]').fill('2026-02-01');
  await editor().getByRole('alert').filter({ hasText: 'exceptions[0]' }).waitFor();
  await editor().locator('input[name="exception-0-to"]').fill('2026-02-20');
  await editor().getByText('Valid schedule.').waitFor();
});

test('the preview is the engine\'s nextFires, as a list and on the calendar', async () => {
  await editor().getByLabel('Type').selectOption('monthly');
  await editor().getByLabel('Day of the month (1-31; clamps to the last day)').fill('31');
  await editor().getByLabel('Time zone').fill('America/New_York');
  await editor().getByText('Valid schedule.').waitFor();
  const spec = await editor().evaluate((el) => (el as any).spec);
  assert.equal(spec, { type: 'monthly', time_zone: 'America/New_York', start_date: '2026-01-05', every: 2, day: 31, sub: { type: 'once', time: '06:30' }, exceptions: [{ from: '2026-02-10', to: '2026-02-20' }] });
  const shown = await editor().getByRole('list', { name: 'Next fires' }).getByRole('listitem').allTextContents();
  const now = await h.page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date()).replace(', ', ' '));
  assert.equal(shown, nextFires(spec, now, 10));
  // Every other month on the 31st clamps to the month's last day; the calendar shows it.
  const first = shown[0];
  await editor().locator('pga-schedule-calendar').getByRole('gridcell', { name: `${first.slice(0, 10)}: 1 fire` }).waitFor();
  await editor().getByText('Wall-clock times in America/New_York').waitFor();
  await editor().getByRole('button', { name: 'Next month' }).click();
  assert.is(await editor().locator('pga-schedule-calendar [part~="fire-day"]').count(), 0); // every 2 months
  await editor().getByRole('button', { name: 'Next month' }).click();
  assert.is(await editor().locator('pga-schedule-calendar [part~="fire-day"]').count(), 1);
});

test('save creates the schedule; an unknown zone is named at its field at once and cannot be saved', async () => {
  await h.page.evaluate(() => document.addEventListener('pga-schedule-save', (e) => ((window as any).saved = (e as CustomEvent).detail)));
  await editor().getByLabel('Name', { exact: true }).fill('month-end');
  await editor().getByLabel('Time zone').fill('Mars/Olympus_Mons');
  await editor().getByRole('alert').filter({ hasText: 'Mars/Olympus_Mons' }).first().waitFor();
  assert.ok(await editor().getByRole('button', { name: 'Create schedule' }).isDisabled());
  await editor().getByLabel('Time zone').fill('America/New_York');
  await editor().getByRole('button', { name: 'Create schedule' }).click();
  await editor().getByText('Saved schedule “month-end”.').waitFor();
  assert.equal(await h.page.evaluate(() => (window as any).saved), { name: 'month-end' });
  const stored = (await h.api.getSchedule({ name: 'month-end' })) as { schedule: { spec: Record<string, unknown> } };
  assert.is(stored.schedule.spec.day, 31);
  assert.is(stored.schedule.spec.time_zone, 'America/New_York');
});

test('an existing schedule loads into the form and saves changes', async () => {
  await h.api.createSchedule({ name: 'business-hours', spec: { type: 'weekly', weekdays: ['mon', 'fri'], start_date: '2026-01-01', sub: { type: 'every', every: 30, unit: 'minute', start_time: '09:00', end_time: '17:00' } } });
  await h.mount('<pga-schedule-editor gateway-url="" schedule="business-hours"></pga-schedule-editor>');
  await editor().getByRole('heading', { name: 'Schedule “business-hours”' }).waitFor();
  assert.ok(await editor().locator('input[name="weekday-fri"]').isChecked());
  assert.is(await editor().getByLabel('Every', { exact: true }).inputValue(), '30');
  await editor().locator('input[name="weekday-wed"]').check();
  await editor().getByRole('button', { name: 'Save schedule' }).click();
  await editor().getByText('Saved schedule “business-hours”.').waitFor();
  const stored = (await h.api.getSchedule({ name: 'business-hours' })) as { schedule: { spec: { weekdays: string[] } } };
  assert.equal(stored.schedule.spec.weekdays, ['mon', 'wed', 'fri']);
  assert.equal(h.browser.errors, []);
});

test.run();

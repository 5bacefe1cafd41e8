import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidCases, scheduleCases } from './fixtures.ts';
import { ScheduleSpecError, checkSchedule, normalize, validateSchedule } from './index.ts';

function errorOf(spec: unknown): ScheduleSpecError {
  try {
    validateSchedule(spec);
  } catch (e) {
    if (e instanceof ScheduleSpecError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be invalid`);
}

for (const c of invalidCases) {
  test(`invalid: ${c.name}`, () => {
    const e = errorOf(c.spec);
    assert.is(e.field, c.field);
    assert.ok(e.message.startsWith(`schedule ${c.field} `), e.message);
    assert.is(e.name, 'ScheduleSpecError');
    assert.is(e.code, 'PA001');
    assert.equal(checkSchedule(JSON.stringify(c.spec)), { field: c.field, message: e.message });
  });
}

test('invalid fixtures: unique names, JSON round-trip unchanged', () => {
  assert.is(new Set(invalidCases.map((c) => c.name)).size, invalidCases.length);
  assert.equal(JSON.parse(JSON.stringify(invalidCases)), invalidCases);
});

test('invalid fixtures cover every field-path rule', () => {
  const shapes = new Set(invalidCases.map((c) => c.field.replace(/\[\d+\]/g, '[i]')));
  const required = [
    'spec', 'type', 'time_zone', 'date', 'start_date', 'end_date', 'every', 'weekdays', 'weekdays[i]', 'day', 'ordinal', 'weekday',
    'sub', 'sub.type', 'sub.time', 'sub.every', 'sub.unit', 'sub.start_time', 'sub.end_time',
    'exceptions', 'exceptions[i]', 'exceptions[i].from', 'exceptions[i].to', 'exceptions[i].until', 'sub.end', 'end_dat',
  ];
  for (const r of required) assert.ok(shapes.has(r), r);
});

test('every valid fixture validates', () => {
  for (const c of scheduleCases) assert.is(checkSchedule(JSON.stringify(c.spec)), null, c.name);
});

test('messages: the documented examples', () => {
  assert.is(errorOf({ type: 'daily', start_date: '2026-02-01', end_date: '2026-01-01' }).message, 'schedule end_date (2026-01-01) is before start_date (2026-02-01)');
  assert.is(
    errorOf({ type: 'weekly', start_date: '2026-01-01', weekdays: ['mon', 'mo'] }).message,
    'schedule weekdays[1] must be one of mon, tue, wed, thu, fri, sat, sun (got "mo")',
  );
  assert.is(
    errorOf({ type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour', start_time: '09:00', end_time: '08:00' } }).message,
    'schedule sub.end_time (08:00) is before sub.start_time (09:00)',
  );
  assert.is(
    errorOf({ type: 'daily', start_date: '2026-01-01', exceptions: [{ from: '2026-01-02', to: '2026-01-01' }] }).message,
    'schedule exceptions[0].to (2026-01-01) is before exceptions[0].from (2026-01-02)',
  );
});

test('messages cut a long value to 60 UTF-16 units, never inside a character beyond U+FFFF', () => {
  // The cut at 57 units falls between the two halves of U+1D49C: the character is left out whole.
  const cut = errorOf({ type: 'daily', start_date: '2026-01-01', every: `${'a'.repeat(55)}\u{1D49C}bbbbbbbb` }).message;
  assert.is(cut, `schedule every must be an integer from 1 to 100000 (got "${'a'.repeat(55)}...)`);
  assert.not.match(cut, /[\ud800-\udbff](?![\udc00-\udfff])/);
  const whole = errorOf({ type: 'daily', start_date: '2026-01-01', every: `${'a'.repeat(54)}\u{1D49C}bbbbbbbb` }).message;
  assert.is(whole, `schedule every must be an integer from 1 to 100000 (got "${'a'.repeat(54)}\u{1D49C}...)`);
});

test('messages say what is allowed', () => {
  assert.match(errorOf({ type: 'hourly' }).message, /one of once, daily, weekly, monthly, monthly_relative, cron \(got "hourly"\)/);
  assert.match(errorOf({ type: 'daily', start_date: '2026-01-01', every: '2' }).message, /every must be an integer from 1 to 100000 \(got "2"\)/);
  assert.match(errorOf({ type: 'daily', start_date: '2026-01-01', day: 3 }).message, /^schedule day is not allowed in a daily schedule; allowed fields: /);
  assert.match(errorOf({ type: 'once', date: '2023-02-29' }).message, /YYYY-MM-DD in years 0001\.\.9999 \(got "2023-02-29"\)/);
  assert.match(errorOf({ type: 'daily' }).message, /^schedule start_date is required/);
  assert.match(errorOf(null).message, /^schedule spec must be a JSON object \(got null\)/);
});

test('cron messages name the cron field, the item and what is allowed', () => {
  const cron = (expression: unknown) => errorOf({ type: 'cron', expression }).message;
  assert.is(cron('* * 32 * *'), 'schedule expression field day-of-month has item "32" outside 1-31');
  assert.is(cron('* * * foo *'), 'schedule expression field month has item "foo" that is not *, N, A-B, */S or A-B/S with values 1-12 or jan-dec');
  assert.is(cron('5/10 * * * *'), 'schedule expression field minute has item "5/10" that is not *, N, A-B, */S or A-B/S with values 0-59');
  assert.is(cron('* * * * mon-sun'), 'schedule expression field day-of-week has item "mon-sun" whose range is reversed (write the smaller value first)');
  assert.is(cron('* */0 * * *'), 'schedule expression field hour has item "*/0" whose step is not at least 1');
  assert.match(cron('* * * *'), /^schedule expression must have five fields separated by blanks, "minute hour day-of-month month day-of-week" \(got 4: "\* \* \* \*"\)$/);
  assert.match(cron('@reboot'), /^schedule expression must be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly when it begins with @ \(got "@reboot"\)$/);
  assert.match(cron('0 0 30 2 *'), /^schedule expression can never fire: no month it allows has a day of month it allows/);
  assert.match(errorOf({ type: 'cron' }).message, /^schedule expression is required for a cron schedule: a cron expression: five fields/);
  assert.match(errorOf({ type: 'cron', expression: '* * * * *', every: 1 }).message, /^schedule every is not allowed in a cron schedule; allowed fields: type, time_zone, exceptions, start_date, end_date, expression$/);
});

test('cron: normalised with defaults, the expression kept as written', () => {
  assert.equal(validateSchedule({ expression: ' @daily ', type: 'cron' }), { type: 'cron', expression: ' @daily ', time_zone: 'UTC', exceptions: [] });
  assert.equal(validateSchedule({ type: 'cron', expression: '0 9 * * 1', end_date: '2026-12-31', start_date: '2026-01-01', time_zone: 'Europe/Berlin' }), {
    type: 'cron', expression: '0 9 * * 1', time_zone: 'Europe/Berlin', start_date: '2026-01-01', end_date: '2026-12-31', exceptions: [],
  });
});

/** validateSchedule's answer without throwing, for any JS value (checkSchedule takes JSON text). */
function problemOf(spec: unknown): { field: string; message: string } | null {
  try {
    validateSchedule(spec);
    return null;
  } catch (e) {
    if (e instanceof ScheduleSpecError) return { field: e.field, message: e.message };
    throw e;
  }
}

test('validateSchedule throws only ScheduleSpecError for odd inputs', () => {
  const cyclic: Record<string, unknown> = { type: 'daily', start_date: '2026-01-01' };
  cyclic.sub = cyclic;
  const odd: unknown[] = [undefined, 1n, Symbol('x'), () => 1, new Date(0), new Map(), cyclic, { type: 'daily', start_date: '2026-01-01', every: 10n }];
  for (const spec of odd) {
    const r = problemOf(spec);
    assert.ok(r !== null && typeof r.field === 'string' && r.message.startsWith(`schedule ${r.field} `), String(r?.message));
  }
});

test('keys whose value is undefined count as absent (JSON has no undefined)', () => {
  assert.is(problemOf({ type: 'daily', start_date: '2026-01-01', end_date: undefined, nonsense: undefined }), null);
});

test('validateSchedule fills the defaults', () => {
  assert.equal(validateSchedule({ type: 'daily', start_date: '2026-01-01' }), {
    type: 'daily',
    start_date: '2026-01-01',
    every: 1,
    time_zone: 'UTC',
    sub: { type: 'once', time: '00:00:00' },
    exceptions: [],
  });
  assert.equal(validateSchedule({ type: 'once', date: '2026-01-01', time_zone: 'Europe/Berlin', sub: { type: 'once', time: '08:00' } }), {
    type: 'once',
    date: '2026-01-01',
    time_zone: 'Europe/Berlin',
    sub: { type: 'once', time: '08:00:00' },
    exceptions: [],
  });
  assert.equal(
    validateSchedule({
      type: 'weekly',
      weekdays: ['sun', 'mon', 'sun'],
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      every: 2,
      sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00' },
      exceptions: ['2026-12-25', { from: '2026-08-01', to: '2026-08-15' }],
    }),
    {
      type: 'weekly',
      weekdays: ['mon', 'sun'],
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      every: 2,
      time_zone: 'UTC',
      sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00:00', end_time: '23:59:59' },
      exceptions: ['2026-12-25', { from: '2026-08-01', to: '2026-08-15' }],
    },
  );
});

test('normalize works on typed input from a form', () => {
  assert.equal(normalize({ type: 'monthly_relative', ordinal: 'last', weekday: 'weekday', start_date: '2026-01-01' }), {
    type: 'monthly_relative',
    ordinal: 'last',
    weekday: 'weekday',
    start_date: '2026-01-01',
    every: 1,
    time_zone: 'UTC',
    sub: { type: 'once', time: '00:00:00' },
    exceptions: [],
  });
  const monthly = normalize({ type: 'monthly', day: 31, start_date: '2026-01-01', every: 3 });
  assert.is(monthly.type === 'monthly' ? monthly.every : 0, 3);
});

test('the returned spec shares nothing with the input', () => {
  const input = { type: 'weekly', weekdays: ['mon'], start_date: '2026-01-01', exceptions: [{ from: '2026-01-02', to: '2026-01-03' }], sub: { type: 'once', time: '08:00:00' } };
  const out = validateSchedule(input);
  assert.is.not(out.exceptions, input.exceptions);
  assert.is.not(out.exceptions[0], input.exceptions[0]);
  assert.is.not((out as { sub: unknown }).sub, input.sub);
  assert.is.not((out as { weekdays: string[] }).weekdays, input.weekdays);
});

test.run();

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MAX_DAY,
  MIN_DAY,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  firstDayOfMonthIndex,
  formatIsoDate,
  monthIndexOfDay,
  parseIsoDate,
  weekdayOf,
} from './civil-date.ts';
import { formatClockTime, parseClockTime } from './clock-time.ts';
import { formatLocalTimestamp, parseLocalTimestamp } from './local-timestamp.ts';

test('daysFromCivil: known day numbers', () => {
  const known: Array<[number, number, number, number]> = [
    [1970, 1, 1, 0],
    [1969, 12, 31, -1],
    [2000, 3, 1, 11017],
    [2026, 1, 1, 20454],
    [1, 1, 1, -719162],
    [9999, 12, 31, 2932896],
  ];
  for (const [y, m, d, z] of known) assert.is(daysFromCivil(y, m, d), z, `${y}-${m}-${d}`);
  assert.is(MIN_DAY, -719162);
  assert.is(MAX_DAY, 2932896);
});

test('civilFromDays inverts daysFromCivil over the whole range 0001..9999', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_DAY, max: MAX_DAY }), (z) => {
      const c = civilFromDays(z);
      assert.is(daysFromCivil(c.year, c.month, c.day), z);
      assert.ok(c.day >= 1 && c.day <= daysInMonth(c.year, c.month));
    }),
    { seed: 1, numRuns: 2000 },
  );
});

test('day numbers agree with JavaScript Date (a test-only reference)', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_DAY, max: MAX_DAY }), (z) => {
      const d = new Date(z * 86400000);
      assert.is(formatIsoDate(z), d.toISOString().slice(0, 10).padStart(10, '0'));
      assert.is(weekdayOf(z), (d.getUTCDay() + 6) % 7);
    }),
    { seed: 2, numRuns: 2000 },
  );
});

test('weekdayOf: Monday-based', () => {
  assert.is(weekdayOf(daysFromCivil(2026, 1, 5)), 0); // Monday
  assert.is(weekdayOf(daysFromCivil(2026, 1, 1)), 3); // Thursday
  assert.is(weekdayOf(daysFromCivil(2026, 1, 11)), 6); // Sunday
  assert.is(weekdayOf(daysFromCivil(1969, 12, 28)), 6); // Sunday before the epoch
  assert.is(weekdayOf(daysFromCivil(1, 1, 1)), 0); // proleptic 0001-01-01 was a Monday
});

test('month indexes', () => {
  assert.is(monthIndexOfDay(daysFromCivil(2026, 3, 31)), 2026 * 12 + 2);
  assert.is(firstDayOfMonthIndex(2026 * 12 + 2), daysFromCivil(2026, 3, 1));
  assert.is(monthIndexOfDay(daysFromCivil(1, 1, 1)), 12);
});

test('leap years', () => {
  assert.is(daysInMonth(2024, 2), 29);
  assert.is(daysInMonth(2023, 2), 28);
  assert.is(daysInMonth(1900, 2), 28);
  assert.is(daysInMonth(2000, 2), 29);
  assert.is(daysInMonth(2026, 4), 30);
});

test('parseIsoDate: exact shape, real dates, years 0001..9999', () => {
  assert.is(parseIsoDate('2024-02-29'), daysFromCivil(2024, 2, 29));
  assert.is(parseIsoDate('0001-01-01'), MIN_DAY);
  assert.is(parseIsoDate('9999-12-31'), MAX_DAY);
  for (const bad of ['2023-02-29', '0000-01-01', '2026-13-01', '2026-00-10', '2026-01-00', '2026-04-31', '2026-1-1', '26-01-01', '2026-01-01 ', ' 2026-01-01', '2026-01-01T00:00', '+02026-01-01', '2026/01/01', '２０２６-01-01']) {
    assert.is(parseIsoDate(bad), undefined, bad);
  }
  assert.is(parseIsoDate(20260101), undefined);
  assert.is(parseIsoDate(null), undefined);
});

test('formatIsoDate pads years below 1000', () => {
  assert.is(formatIsoDate(MIN_DAY), '0001-01-01');
  assert.is(formatIsoDate(daysFromCivil(999, 7, 4)), '0999-07-04');
});

test('clock times', () => {
  assert.is(parseClockTime('00:00'), 0);
  assert.is(parseClockTime('23:59:59'), 86399);
  assert.is(parseClockTime('08:30'), 30600);
  for (const bad of ['24:00', '23:60', '23:59:60', '8:00', '08:00:0', '08:00:00.5', '0800', '', ' 08:00']) {
    assert.is(parseClockTime(bad), undefined, bad);
  }
  assert.is(formatClockTime(0), '00:00:00');
  assert.is(formatClockTime(86399), '23:59:59');
  assert.is(formatClockTime(3723), '01:02:03');
});

test('local timestamps', () => {
  assert.equal(parseLocalTimestamp('2026-01-05 08:20:30.123456'), { day: daysFromCivil(2026, 1, 5), second: 30030 });
  assert.equal(parseLocalTimestamp('2026-01-05T08:20:30'), { day: daysFromCivil(2026, 1, 5), second: 30030 });
  assert.is(formatLocalTimestamp(MAX_DAY, 86399), '9999-12-31 23:59:59');
  assert.throws(() => parseLocalTimestamp('2026-01-05 08:20'), /after must be a local timestamp/);
});

test.run();

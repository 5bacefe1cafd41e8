/**
 * Property tests of `cron` schedules against the minute-scan oracle (cron-minute-oracle.ts,
 * which shares no code with the engine): every fire matches the expression, nothing matching is
 * skipped between two fires (a brute-force minute scan over small windows), the fixtures agree,
 * and "can never fire" is said exactly of the expressions that match no day. Seeded.
 */

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cronMatcher, cronOracleFires, nextDate } from './cron-minute-oracle.ts';
import { scheduleCases } from './fixtures.ts';
import { checkSchedule, nextFires, validateSchedule } from './index.ts';
import type { CronSchedule } from './spec.ts';

const SEED = 20261205;
const RUNS = 300;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const BOUNDS: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

/** One item of field f: *, N, A-B, * /S or A-B/S, sometimes with names, sometimes in upper case. */
const item = (f: number) => {
  const [lo, hi] = BOUNDS[f];
  const value = fc.integer({ min: lo, max: hi });
  const show = (v: number, useName: boolean, upper: boolean) => {
    const name = f === 3 ? MONTHS[v - 1] : f === 4 && v < 7 ? DAYS[v] : undefined;
    if (!useName || name === undefined) return String(v);
    return upper ? name.toUpperCase() : name;
  };
  return fc.oneof(
    fc.constant('*'),
    fc.tuple(value, fc.boolean(), fc.boolean()).map(([v, n, u]) => show(v, n, u)),
    fc.tuple(value, value, fc.boolean(), fc.boolean()).map(([a, b, n, u]) => `${show(Math.min(a, b), n, u)}-${show(Math.max(a, b), n, u)}`),
    fc.integer({ min: 1, max: hi + 2 }).map((s) => `*/${s}`),
    fc.tuple(value, value, fc.integer({ min: 1, max: 20 })).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
  );
};
const field = (f: number) => fc.array(item(f), { minLength: 1, maxLength: 3 }).map((items) => items.join(','));

/** Minute and hour fields lean towards few values so that days have few fires. */
const expression = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(field(0), field(1), field(2), field(3), field(4)).map((fs) => fs.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom('@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly') },
);

const isoDate = fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

const scenario = fc
  .record({
    expression,
    anchor: isoDate,
    startIn: fc.option(fc.integer({ min: -30, max: 60 }), { nil: undefined }),
    endIn: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
    exceptions: fc.option(fc.array(fc.tuple(fc.integer({ min: -5, max: 200 }), fc.integer({ min: 0, max: 20 })), { maxLength: 3 }), { nil: undefined }),
    minute: fc.integer({ min: 0, max: 86399 }),
    count: fc.integer({ min: 1, max: 8 }),
  })
  .filter((r) => checkSchedule(JSON.stringify({ type: 'cron', expression: r.expression })) === null)
  .map((r) => {
    const spec: Record<string, unknown> = { type: 'cron', expression: r.expression };
    if (r.startIn !== undefined) spec.start_date = addDays(r.anchor, r.startIn);
    if (r.endIn !== undefined) spec.end_date = addDays(r.anchor, Math.max(r.startIn ?? 0, 0) + r.endIn);
    if (r.exceptions !== undefined) spec.exceptions = r.exceptions.map(([n, len]) => (len === 0 ? addDays(r.anchor, n) : { from: addDays(r.anchor, n), to: addDays(r.anchor, n + len) }));
    const s = r.minute;
    const after = `${r.anchor} ${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    return { spec, after, count: r.count };
  });

/** Days the oracle may scan; 29 February every 8 years is the longest wait. */
const ORACLE_DAYS = 3000;

test('cron fixtures agree with the minute-scan oracle (checks the hand-computed expectations)', () => {
  let checked = 0;
  for (const c of scheduleCases) {
    if ((c.spec as { type?: string }).type !== 'cron') continue;
    const r = cronOracleFires(validateSchedule(c.spec) as CronSchedule, c.after, c.count, 4000);
    assert.equal(r.fires, c.expect, c.name);
    checked++;
  }
  assert.ok(checked >= 25, `${checked} cron fixtures`);
});

test('cron: engine = minute-scan oracle on random expressions, windows and exceptions', () => {
  fc.assert(
    fc.property(scenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count);
      const oracle = cronOracleFires(validateSchedule(spec) as CronSchedule, after, count, ORACLE_DAYS);
      if (oracle.exhaustive) assert.equal(fires, oracle.fires);
      else assert.equal(fires.slice(0, oracle.fires.length), oracle.fires);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('cron: every fire matches the expression, and no matching minute between two fires is skipped', () => {
  fc.assert(
    fc.property(scenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count);
      const normal = validateSchedule(spec) as CronSchedule;
      const match = cronMatcher(normal.expression);
      for (const f of fires) {
        const minute = Number(f.slice(11, 13)) * 60 + Number(f.slice(14, 16));
        assert.ok(match.day(f.slice(0, 10)) && match.minute(minute) && f.endsWith(':00'), `${f} matches ${normal.expression}`);
      }
      // Brute force, minute by minute, from `after` to the last fire when that window is small.
      if (fires.length === 0) return;
      const last = fires[fires.length - 1];
      let date = after.slice(0, 10);
      if (Date.parse(`${last.slice(0, 10)}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`) > 40 * 86400000) return;
      const seen: string[] = [];
      for (;;) {
        const excepted = normal.exceptions.some((e) => (typeof e === 'string' ? e === date : e.from <= date && date <= e.to));
        const inWindow = (normal.start_date === undefined || date >= normal.start_date) && (normal.end_date === undefined || date <= normal.end_date);
        for (let minute = 0; minute < 1440; minute++) {
          const t = `${date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
          if (t <= after || t > last) continue;
          if (inWindow && !excepted && match.day(date) && match.minute(minute)) seen.push(t);
        }
        if (date >= last.slice(0, 10)) break;
        date = nextDate(date);
      }
      assert.equal(fires, seen);
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
});

test('cron: "can never fire" is said of exactly the expressions that match no day of 2000-2031', () => {
  // Every date of the calendar, 29 February included, falls on every weekday within 2000-2031.
  const days: string[] = [];
  for (let d = '2000-01-01'; d <= '2031-12-31'; d = nextDate(d)) days.push(d);
  // Half the time biased towards the short months' missing days, where "never" lives.
  const lateDays = fc.array(fc.constantFrom('29', '30', '31', '30-31', '29-31/2', '31'), { minLength: 1, maxLength: 2 }).map((a) => a.join(','));
  const shortMonths = fc.array(fc.constantFrom('2', 'feb', 'FEB', '4', 'apr', '6', '9', '11', 'nov', '4-6/2', '2'), { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
  const starDays = fc.oneof(fc.constantFrom('*', '*/2', '*/7', '*/3'), field(4));
  const dayHeavy = fc.oneof(
    fc.tuple(fc.constant('0'), fc.constant('0'), field(2), field(3), field(4)).map((fs) => fs.join(' ')),
    fc.tuple(fc.constant('0'), fc.constant('0'), lateDays, shortMonths, starDays).map((fs) => fs.join(' ')),
  );
  let never = 0;
  fc.assert(
    fc.property(dayHeavy, (expr) => {
      const problem = checkSchedule(JSON.stringify({ type: 'cron', expression: expr }));
      const neverFires = problem !== null && problem.message.includes('can never fire');
      assert.ok(problem === null || neverFires, `${expr}: ${problem?.message}`);
      const match = cronMatcher(expr);
      assert.is(neverFires, !days.some((d) => match.day(d)), expr);
      if (neverFires) never++;
    }),
    { seed: SEED + 2, numRuns: 600 },
  );
  assert.ok(never > 0, 'the generator produced never-firing expressions');
});

test('cron: nextFires(spec, fires[i], 1) is fires[i + 1]', () => {
  fc.assert(
    fc.property(scenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count + 1);
      for (let i = 0; i + 1 < fires.length; i++) assert.equal(nextFires(spec, fires[i], 1), [fires[i + 1]]);
    }),
    { seed: SEED + 3, numRuns: RUNS },
  );
});

test.run();

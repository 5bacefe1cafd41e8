/**
 * Property tests: the engine against the day-by-day oracle (a real differential) and the
 * algebra of nextFires (ascending, strictly after, prefix-stable, chainable). Seeded, so a
 * failure reproduces; fast-check prints the shrunk counterexample.
 */

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { oracleFiringDates, oracleFires, oracleSlots } from './day-by-day-oracle.ts';
import { scheduleCases } from './fixtures.ts';
import { checkSchedule, nextFires, validateSchedule } from './index.ts';

const SEED = 20260101;
const RUNS = 400;

// ---- generators (test code may use Date; the engine may not) ----

const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** date + n days, clamped to 9999-12-31 (toISOString would print '+010000-...'). */
const addDays = (date: string, n: number) => {
  const t = Date.parse(`${date}T00:00:00Z`) + n * 86400000;
  return t > Date.parse('9999-12-31T00:00:00Z') ? '9999-12-31' : new Date(t).toISOString().slice(0, 10);
};

const pad = (n: number) => String(n).padStart(2, '0');
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.boolean());
const clockText = ([h, m, s, short]: [number, number, number, boolean]) => (short ? `${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s)}`);
const clockSeconds = ([h, m, s, short]: [number, number, number, boolean]) => h * 3600 + m * 60 + (short ? 0 : s);

const subDay = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: clock.map((t) => ({ type: 'once', time: clockText(t) })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        unit: fc.constantFrom('second', 'minute', 'hour'),
        every: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 100000 })),
        a: clock,
        b: clock,
        withStart: fc.boolean(),
        withEnd: fc.boolean(),
      })
      .map(({ unit, every, a, b, withStart, withEnd }) => {
        const [lo, hi] = clockSeconds(a) <= clockSeconds(b) ? [a, b] : [b, a];
        return {
          type: 'every',
          every,
          unit,
          ...(withStart ? { start_time: clockText(lo) } : {}),
          ...(withEnd ? { end_time: clockText(hi) } : {}),
        };
      }),
  },
);

const exceptionsNear = (start: string) =>
  fc.array(
    fc.oneof(
      fc.integer({ min: -30, max: 500 }).map((n) => addDays(start, n)),
      fc.tuple(fc.integer({ min: -30, max: 500 }), fc.integer({ min: 0, max: 90 })).map(([n, len]) => ({ from: addDays(start, n), to: addDays(start, n + len) })),
    ),
    { maxLength: 5 },
  );

const weekdayName = fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');

/** A valid spec near `start`, with `after` near it too. */
const scenario = (startRange: [string, string]) =>
  isoDate(...startRange).chain((start) =>
    fc.record({
      spec: fc
        .record({
          kind: fc.constantFrom('once', 'daily', 'weekly', 'monthly', 'monthly_relative'),
          every: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 })),
          endIn: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 900 })),
          weekdays: fc.array(weekdayName, { minLength: 1, maxLength: 9 }),
          day: fc.integer({ min: 1, max: 31 }),
          ordinal: fc.constantFrom('first', 'second', 'third', 'fourth', 'last'),
          weekday: fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'day', 'weekday', 'weekend_day'),
          sub: subDay,
          exceptions: fc.oneof(fc.constant(undefined), exceptionsNear(start)),
        })
        .map((r) => {
          const common = { ...(r.sub ? { sub: r.sub } : {}), ...(r.exceptions ? { exceptions: r.exceptions } : {}) };
          if (r.kind === 'once') return { type: 'once', date: start, ...common };
          const endDate = r.endIn === undefined ? undefined : addDays(start, r.endIn);
          const recurring = {
            start_date: start,
            ...(endDate !== undefined ? { end_date: endDate } : {}),
            ...(r.every !== undefined ? { every: r.every } : {}),
            ...common,
          };
          if (r.kind === 'weekly') return { type: 'weekly', weekdays: r.weekdays, ...recurring };
          if (r.kind === 'monthly') return { type: 'monthly', day: r.day, ...recurring };
          if (r.kind === 'monthly_relative') return { type: 'monthly_relative', ordinal: r.ordinal, weekday: r.weekday, ...recurring };
          return { type: 'daily', ...recurring };
        }),
      after: fc
        .tuple(fc.oneof(fc.integer({ min: -3, max: 0 }), fc.integer({ min: -40, max: 700 })), clock, fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 999999 }).map((f) => `.${String(f).padStart(6, '0')}`)), fc.boolean())
        .map(([n, t, frac, useT]) => {
          return `${addDays(start, n)}${useT ? 'T' : ' '}${clockText([t[0], t[1], t[2], false])}${frac}`;
        }),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  );

const ordinary = scenario(['2019-01-01', '2031-12-31']);
const nearHorizon = scenario(['9997-06-01', '9999-12-31']);
const anyScenario = fc.oneof({ weight: 5, arbitrary: ordinary }, { weight: 1, arbitrary: nearHorizon });

const ORACLE_WINDOW_DAYS = 5000;

// ---- the differential ----

test('fixtures agree with the day-by-day oracle (checks the hand-computed expectations)', () => {
  for (const c of scheduleCases) {
    // cron cases have their own oracle (cron.property.test.ts).
    if (c.count <= 0 || (c.spec as { type?: string }).type === 'cron') continue;
    const result = oracleFires(validateSchedule(c.spec), c.after, c.count, 4_000_000);
    assert.equal(result.fires, c.expect, c.name);
  }
});

test('engine = day-by-day oracle on random schedules', () => {
  fc.assert(
    fc.property(anyScenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count);
      const oracle = oracleFires(validateSchedule(spec), after, count, ORACLE_WINDOW_DAYS);
      if (oracle.fires.length === count) {
        assert.equal(fires, oracle.fires);
      } else {
        // The oracle ran out of window: it is exhaustive up to coveredThrough.
        const limit = `${oracle.coveredThrough} 23:59:59`;
        assert.equal(fires.filter((f) => f <= limit), oracle.fires);
      }
      // Every fire is on a firing day, at a slot, according to the oracle.
      if (fires.length > 0) {
        const normal = validateSchedule(spec);
        const days = oracleFiringDates(normal, fires[0].slice(0, 10), fires[fires.length - 1].slice(0, 10));
        const slots = new Set(oracleSlots(normal));
        for (const f of fires) assert.ok(days.has(f.slice(0, 10)) && slots.has(f.slice(11)), `${f} is a firing day and slot per the oracle`);
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

// ---- the algebra ----

test('fires are strictly ascending and strictly after `after`', () => {
  fc.assert(
    fc.property(anyScenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count);
      assert.ok(fires.length <= count);
      const afterText = after.replace('T', ' ');
      for (let i = 0; i < fires.length; i++) {
        assert.match(fires[i], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        assert.ok(fires[i] > afterText, `${fires[i]} > ${afterText}`);
        if (i > 0) assert.ok(fires[i] > fires[i - 1], `${fires[i]} > ${fires[i - 1]}`);
      }
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
});

test('nextFires(n) is a prefix of nextFires(n + k)', () => {
  fc.assert(
    fc.property(anyScenario, fc.integer({ min: 1, max: 20 }), ({ spec, after, count }, k) => {
      const short = nextFires(spec, after, count);
      const long = nextFires(spec, after, count + k);
      assert.equal(long.slice(0, short.length), short);
      if (short.length < count) assert.equal(long, short); // no more fires at all
    }),
    { seed: SEED + 2, numRuns: RUNS },
  );
});

test('nextFires(spec, fires[i], 1)[0] === fires[i + 1]', () => {
  fc.assert(
    fc.property(anyScenario, ({ spec, after, count }) => {
      const fires = nextFires(spec, after, count + 1);
      for (let i = 0; i + 1 < fires.length; i++) {
        assert.equal(nextFires(spec, fires[i], 1), [fires[i + 1]]);
      }
      if (fires.length > 0 && fires.length < count + 1) {
        assert.equal(nextFires(spec, fires[fires.length - 1], 1), []); // the last one is the last
      }
    }),
    { seed: SEED + 3, numRuns: RUNS },
  );
});

test('validation of a normalised spec is idempotent and survives JSON', () => {
  fc.assert(
    fc.property(anyScenario, ({ spec }) => {
      const normal = validateSchedule(spec);
      assert.equal(validateSchedule(JSON.parse(JSON.stringify(normal))), normal);
    }),
    { seed: SEED + 4, numRuns: RUNS },
  );
});

test('checkSchedule never throws, whatever JSON it is given', () => {
  const jsonish = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom('type', 'date', 'start_date', 'end_date', 'every', 'weekdays', 'day', 'ordinal', 'weekday', 'sub', 'exceptions', 'time_zone', 'x'), fc.jsonValue()),
  );
  fc.assert(
    fc.property(jsonish, (spec) => {
      const r = checkSchedule(JSON.stringify(spec));
      if (r !== null) assert.ok(r.message.startsWith(`schedule ${r.field} `), r.message);
    }),
    { seed: SEED + 5, numRuns: 2000 },
  );
});

test('an unknown key on a valid spec is reported by name (first in sorted order)', () => {
  const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !['type', 'time_zone', 'sub', 'exceptions', 'date', 'start_date', 'end_date', 'every', 'weekdays', 'day', 'ordinal', 'weekday', '__proto__'].includes(k));
  fc.assert(
    fc.property(ordinary, fc.uniqueArray(key, { minLength: 1, maxLength: 3 }), ({ spec }, extra) => {
      const bad: Record<string, unknown> = { ...spec };
      for (const k of extra) bad[k] = 1;
      assert.is(checkSchedule(JSON.stringify(bad))?.field, [...extra].sort()[0]);
    }),
    { seed: SEED + 6, numRuns: RUNS },
  );
});

test.run();

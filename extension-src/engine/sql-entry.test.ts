import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidCases, scheduleCases } from './fixtures.ts';
import { CHECKED_SPECS_LIMIT, checkSchedule, nextFireAt, nextFireEach, nextFiresAt, nextFiresLocal } from './sql-entry.ts';
import type { ZoneRules } from './zone-instants.ts';

// The SQL wrappers pass the spec as jsonb's text (`spec::text`); plv8 hands text over as a string.
const asPlv8Jsonb = (v: unknown) => JSON.stringify(v);

test('checkSchedule: null for every valid fixture', () => {
  for (const c of scheduleCases) assert.is(checkSchedule(asPlv8Jsonb(c.spec)), null, c.name);
});

test('checkSchedule: field and message for every invalid fixture, never a throw', () => {
  for (const c of invalidCases) {
    const r = checkSchedule(asPlv8Jsonb(c.spec));
    assert.ok(r !== null, c.name);
    assert.is(r!.field, c.field, c.name);
    assert.ok(r!.message.startsWith(`schedule ${c.field} `), r!.message);
  }
});

test('checkSchedule: the result is plain JSON (returned as jsonb)', () => {
  const r = checkSchedule(JSON.stringify({ type: 'daily' }));
  assert.equal(JSON.parse(JSON.stringify(r)), r);
  assert.equal(Object.keys(r!), ['field', 'message']);
});

test('nextFiresLocal: every fixture, a text[] of local timestamps', () => {
  for (const c of scheduleCases) assert.equal(nextFiresLocal(asPlv8Jsonb(c.spec), c.after, c.count), c.expect, c.name);
});

test('answers kept per spec text: asked again, interleaved, past the cache bound, and after a caller edits one', () => {
  const all = [...scheduleCases, ...invalidCases];
  const first = all.map((c) => checkSchedule(asPlv8Jsonb(c.spec)));
  const edited = first.find((r) => r !== null)!;
  edited.field = 'edited';
  // More other (distinct) specs in between than the cache holds: it starts again at least once.
  for (let i = 0; i < CHECKED_SPECS_LIMIT + 100; i++) {
    const start = `2026-${String(1 + (Math.floor(i / 365) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / 4380) % 28)).padStart(2, '0')}`;
    assert.is(checkSchedule(JSON.stringify({ type: 'daily', start_date: start, every: (i % 365) + 1 })), null);
  }
  for (const c of [...all].reverse()) {
    const again = checkSchedule(asPlv8Jsonb(c.spec));
    assert.equal(again, 'field' in c ? { field: c.field, message: again!.message } : null, c.name);
  }
  for (const c of scheduleCases) assert.equal(nextFiresLocal(asPlv8Jsonb(c.spec), c.after, c.count), c.expect, c.name);
  for (const c of invalidCases) assert.throws(() => nextFiresLocal(asPlv8Jsonb(c.spec), '2026-01-01 00:00:00', 1), (e: Error) => e.message.startsWith(`schedule ${c.field} `), c.name);
});

// A zone with Berlin's 2026 rules only (+1 h, +2 h from 2026-03-29 01:00Z, +1 h again from
// 2026-10-25 01:00Z), written out so the expected instants can be read off; and UTC. The rules
// count the questions asked, as plv8's SPI would be asked them.
const SPRING = Date.UTC(2026, 2, 29, 1) / 1000;
const AUTUMN = Date.UTC(2026, 9, 25, 1) / 1000;
const periods = [
  { from: -Infinity, to: SPRING, offset: 3600 },
  { from: SPRING, to: AUTUMN, offset: 7200 },
  { from: AUTUMN, to: Infinity, offset: 3600 },
];
const offsetAt = (zone: string, at: number) => (zone === 'UTC' ? 0 : periods.find((p) => at >= p.from && at < p.to)!.offset);
/** The first instant whose reading is at or after `local`: a period's own instant, else (a gap) the start of the next period. */
function instantOf(zone: string, local: number): number {
  for (const p of periods) {
    const t = local - p.offset;
    if (t >= p.from && t < p.to) return t; // first pass wins: periods in time order
    if (t < p.from) return p.from; // skipped by a gap: the gap's end
  }
  throw new Error('unreachable');
}
function countingRules(): ZoneRules & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    midnightOffsets(zones, firstDays, days) {
      asked.push(`offsets ${zones.length}`);
      return zones.flatMap((zone, k) => Array.from({ length: days }, (_, d) => offsetAt(zone, (firstDays[k] + d) * 86400)));
    },
    readings(zones, instants) {
      asked.push(`readings ${zones.length}`);
      return zones.map((zone, k) => instants[k] + offsetAt(zone, instants[k]));
    },
    instants(zones, locals) {
      asked.push(`instants ${zones.length}`);
      return zones.map((zone, k) => instantOf(zone, locals[k]));
    },
  };
}
const at = (iso: string) => Date.parse(iso) / 1000;
const berlin = (spec: Record<string, unknown>) => JSON.stringify({ ...spec, time_zone: 'Test/Berlin-2026' });

test('nextFireAt: the next instant, through a gap and an overlap, and NaN for the SQL wrapper', () => {
  const rules = countingRules();
  const daily0230 = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '02:30' } });
  assert.is(nextFireAt(daily0230, at('2026-03-20T12:00:00.5Z'), rules), at('2026-03-21T01:30:00Z'), 'ordinary time');
  assert.is(nextFireAt(daily0230, at('2026-03-28T12:00:00Z'), rules), at('2026-03-29T01:00:00Z'), 'in the gap: its end');
  assert.is(nextFireAt(daily0230, at('2026-10-24T12:00:00Z'), rules), at('2026-10-25T00:30:00Z'), 'in the overlap: the first pass');
  assert.ok(Number.isNaN(nextFireAt(daily0230, at('2026-10-25T01:10:00Z'), rules)), 'after in the second pass, fire already passed: NaN');
  assert.is(nextFireAt(JSON.stringify({ type: 'daily', start_date: '2026-01-01' }), at('2026-05-01T12:00:00.999Z'), rules), at('2026-05-02T00:00:00Z'), 'UTC');
  assert.is(nextFireAt(JSON.stringify({ type: 'daily', start_date: '2020-01-01', end_date: '2020-12-31' }), at('2026-05-01T12:00:00Z'), rules), null, 'never again');
  assert.ok(Number.isNaN(nextFireAt(daily0230, 2 ** 34, rules)), 'past the years a float8 after is read exactly: NaN');
  assert.ok(Number.isNaN(nextFireAt(daily0230, Infinity, rules)), 'infinity: NaN');
  assert.throws(() => nextFireAt(JSON.stringify({ type: 'daily' }), 0, rules), /schedule start_date /);
  // Whole seconds: strictly after 01:29:59.5Z is 01:30Z the same day; strictly after 01:30:00.5Z the next day's.
  assert.is(nextFireAt(daily0230, at('2026-03-21T01:29:59.5Z'), rules), at('2026-03-21T01:30:00Z'));
  assert.is(nextFireAt(daily0230, at('2026-03-21T01:30:00.5Z'), rules), at('2026-03-22T01:30:00Z'));
});

test('zone offsets are asked once per block and kept; exact answers only near a transition', () => {
  const rules = countingRules();
  const every = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour' } });
  nextFireAt(every, at('2026-06-10T10:00:00Z'), rules);
  const first = [...rules.asked];
  assert.ok(first.length <= 2 && first.every((q) => q.startsWith('offsets')), first.join(', '));
  rules.asked.length = 0;
  for (let h = 0; h < 48; h++) nextFireAt(every, at('2026-06-10T10:00:00Z') + h * 3600, rules);
  assert.equal(rules.asked, [], 'kept');
  // 00:10Z reads 02:10 CEST (first pass): the next slot is 03:00, which comes after the overlap, in CET.
  assert.is(nextFireAt(every, at('2026-10-25T00:10:00Z'), rules), at('2026-10-25T02:00:00Z'), 'next to a transition: asked exactly');
  assert.ok(rules.asked.includes('instants 1'), rules.asked.join(', '));
});

test('nextFireEach: nextFireAt of each, null for a null input, in one call with at most three questions', () => {
  const rules = countingRules();
  const daily = JSON.stringify({ type: 'daily', start_date: '2026-01-01' });
  const daily0230 = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '02:30' } });
  const ended = JSON.stringify({ type: 'daily', start_date: '2020-01-01', end_date: '2020-12-31' });
  const specs = [daily, null, daily, ended, daily0230, daily0230, daily0230];
  const afters = [at('2026-05-01T12:00:00Z'), at('2026-05-01T12:00:00Z'), null, at('2026-05-01T12:00:00Z'), at('2026-03-28T12:00:00Z'), at('2026-10-25T01:10:00Z'), at('2027-03-28T12:00:00Z')];
  const answers = nextFireEach(specs, afters, rules);
  assert.ok(rules.asked.length <= 3, rules.asked.join(', '));
  assert.equal(answers.slice(0, 5), [at('2026-05-02T00:00:00Z'), null, null, null, at('2026-03-29T01:00:00Z')]);
  assert.ok(Number.isNaN(answers[5]), 'second pass: NaN');
  assert.is(answers[6], at('2027-03-29T01:30:00Z'), 'a block of another year (+1 h after 2026 in this zone)');
  specs.forEach((spec, i) => {
    if (spec !== null && afters[i] !== null) assert.equal(nextFireAt(spec, afters[i]!, countingRules()), answers[i], `element ${i}`);
  });
  assert.equal(nextFireEach([], [], rules), []);
  assert.throws(() => nextFireEach([daily, JSON.stringify({ type: 'daily' })], [0, 0], rules), /schedule start_date /);
});

test('nextFiresAt: distinct instants by the wall-clock rule; null for what the SQL wrapper decides', () => {
  const rules = countingRules();
  const daily0230 = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '02:30' } });
  assert.equal(nextFiresAt(daily0230, at('2026-03-27T12:00:00Z'), 4, rules), [
    at('2026-03-28T01:30:00Z'), at('2026-03-29T01:00:00Z'), at('2026-03-30T00:30:00Z'), at('2026-03-31T00:30:00Z'),
  ]);
  // Every 20 minutes across the spring gap: 02:00, 02:20, 02:40 all map to 03:00 CEST (01:00Z), once.
  const every20 = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 20, unit: 'minute' } });
  assert.equal(nextFiresAt(every20, at('2026-03-29T00:30:00Z'), 4, rules), [
    at('2026-03-29T00:40:00Z'), at('2026-03-29T01:00:00Z'), at('2026-03-29T01:20:00Z'), at('2026-03-29T01:40:00Z'),
  ]);
  // After in the second pass of the autumn overlap (02:10 CET): 02:20 and 02:40 fired on the first
  // pass (00:20Z, 00:40Z), so 03:00 CET (02:00Z) comes next.
  assert.equal(nextFiresAt(every20, at('2026-10-25T01:10:00Z'), 3, rules), [
    at('2026-10-25T02:00:00Z'), at('2026-10-25T02:20:00Z'), at('2026-10-25T02:40:00Z'),
  ]);
  // Every second in that second pass: thousands of slots to drop, left to the wrapper's jump.
  const everySecond = berlin({ type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'second' } });
  assert.is(nextFiresAt(everySecond, at('2026-10-25T01:00:00Z'), 2, rules), null);
  assert.equal(nextFiresAt(daily0230, at('2026-03-27T12:00:00Z'), 0, rules), []);
  assert.is(nextFiresAt(daily0230, Infinity, 3, rules), null);
  assert.equal(nextFiresAt(JSON.stringify({ type: 'once', date: '2026-07-01' }), at('2026-01-01T00:00:00Z'), 3, rules), [at('2026-07-01T00:00:00Z')]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleCases } from './fixtures.ts';
import { nextFire, nextFires, ScheduleSpecError } from './index.ts';
import { nextFiresLocal } from './sql-entry.ts';

for (const c of scheduleCases) {
  test(`fixture: ${c.name}`, () => {
    assert.equal(nextFires(c.spec, c.after, c.count), c.expect);
    assert.equal(nextFiresLocal(JSON.stringify(c.spec), c.after, c.count), c.expect);
  });
}

test('fixtures: at least 60 cases, unique names, JSON round-trip unchanged', () => {
  assert.ok(scheduleCases.length >= 60, `${scheduleCases.length} cases`);
  assert.is(new Set(scheduleCases.map((c) => c.name)).size, scheduleCases.length);
  assert.equal(JSON.parse(JSON.stringify(scheduleCases)), scheduleCases);
});

test('fixtures: the answer survives a JSON round trip of the spec (what plv8 and the mirror see)', () => {
  for (const c of scheduleCases) {
    assert.equal(nextFires(JSON.parse(JSON.stringify(c.spec)), c.after, c.count), c.expect, c.name);
  }
});

test('nextFire: first fire or null', () => {
  const spec = { type: 'daily', start_date: '2026-01-01', end_date: '2026-01-02', sub: { type: 'once', time: '09:00' } };
  assert.is(nextFire(spec, '2026-01-01 09:00:00'), '2026-01-02 09:00:00');
  assert.is(nextFire(spec, '2026-01-02 09:00:00'), null);
});

test('nextFires: validates the spec first', () => {
  assert.throws(() => nextFires({ type: 'daily' }, '2026-01-01 00:00:00', 1), (e: unknown) => e instanceof ScheduleSpecError && e.field === 'start_date');
  assert.throws(() => nextFires({ type: 'daily' }, '2026-01-01 00:00:00', 0), (e: unknown) => e instanceof ScheduleSpecError);
});

test('nextFires: a malformed after is a RangeError', () => {
  const spec = { type: 'daily', start_date: '2026-01-01' };
  for (const bad of ['2026-01-01', '2026-01-01 24:00:00', '2026-02-30 00:00:00', '2026-01-01 00:00', '2026-01-01 00:00:00.1234567', '2026-01-01 00:00:00Z', '0000-12-31 23:59:59', ' 2026-01-01 00:00:00']) {
    assert.throws(() => nextFires(spec, bad, 1), (e: unknown) => e instanceof RangeError, bad);
  }
  assert.throws(() => nextFires(spec, 5 as unknown as string, 1), (e: unknown) => e instanceof RangeError);
});

test('nextFires: count is floored; infinite count refused', () => {
  const spec = { type: 'daily', start_date: '2026-01-01' };
  assert.equal(nextFires(spec, '2026-01-01 00:00:00', 2.9), ['2026-01-02 00:00:00', '2026-01-03 00:00:00']);
  assert.equal(nextFires(spec, '2026-01-01 00:00:00', 0.5), []);
  assert.equal(nextFires(spec, '2026-01-01 00:00:00', Number.NaN), []);
  assert.throws(() => nextFires(spec, '2026-01-01 00:00:00', Infinity), (e: unknown) => e instanceof RangeError);
});

test('nextFires: accepts 1 to 6 fraction digits, as PostgreSQL prints timestamps', () => {
  const spec = { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '08:00' } };
  assert.equal(nextFires(spec, '2026-01-01 07:59:59.9', 1), ['2026-01-01 08:00:00']);
  assert.equal(nextFires(spec, '2026-01-01 08:00:00.000000', 1), ['2026-01-02 08:00:00']);
  assert.equal(nextFires(spec, '2026-01-01T08:00:00.25', 1), ['2026-01-02 08:00:00']);
});

test('nextFires: a long run of exception periods is passed one period at a time', () => {
  // 2000 one-day exceptions on consecutive Mondays: the next fire is the Monday after them.
  const exceptions: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const day = new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10);
    exceptions.push(day);
  }
  const spec = { type: 'weekly', weekdays: ['mon'], start_date: '2026-01-05', exceptions };
  const expected = new Date(Date.UTC(2026, 0, 5 + 7 * 2000)).toISOString().slice(0, 10);
  assert.equal(nextFires(spec, '2026-01-01 00:00:00', 1), [`${expected} 00:00:00`]);
});

test('nextFires: does not mutate the spec', () => {
  const spec = { type: 'weekly', weekdays: ['fri', 'mon', 'fri'], start_date: '2026-01-01', exceptions: [{ from: '2026-02-01', to: '2026-01-31T' }] };
  const copy = JSON.parse(JSON.stringify(spec));
  try {
    nextFires(spec, '2026-01-01 00:00:00', 3);
  } catch {
    // invalid on purpose (exceptions[0].to); the point is the input is left alone
  }
  assert.equal(spec, copy);
  const valid = { type: 'weekly', weekdays: ['fri', 'mon', 'fri'], start_date: '2026-01-01', exceptions: ['2026-01-02'] };
  const validCopy = JSON.parse(JSON.stringify(valid));
  nextFires(valid, '2026-01-01 00:00:00', 3);
  assert.equal(valid, validCopy);
});

test.run();

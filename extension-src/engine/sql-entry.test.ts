import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidCases, scheduleCases } from './fixtures.ts';
import { CHECKED_SPECS_LIMIT, checkSchedule, nextFireLocalEach, nextFiresLocal } from './sql-entry.ts';

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

test('nextFireLocalEach: each element is nextFiresLocal(spec, after, 1)[0], null for a null input or no fire', () => {
  const specs = scheduleCases.map((c) => asPlv8Jsonb(c.spec));
  const afters = scheduleCases.map((c) => c.after);
  assert.equal(
    nextFireLocalEach(specs, afters),
    scheduleCases.map((c) => nextFiresLocal(asPlv8Jsonb(c.spec), c.after, 1)[0] ?? null),
  );
  const daily = JSON.stringify({ type: 'daily', start_date: '2026-01-01' });
  const ended = JSON.stringify({ type: 'daily', start_date: '2020-01-01', end_date: '2020-12-31' });
  assert.equal(nextFireLocalEach([daily, null, daily, ended], ['2026-05-01 12:00:00', '2026-05-01 12:00:00', null, '2026-05-01 12:00:00']), [
    '2026-05-02 00:00:00', null, null, null,
  ]);
  assert.equal(nextFireLocalEach([], []), []);
  assert.throws(() => nextFireLocalEach([daily, JSON.stringify({ type: 'daily' })], ['2026-05-01 12:00:00', '2026-05-01 12:00:00']), /schedule start_date /);
});

test.run();

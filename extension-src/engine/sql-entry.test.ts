import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidCases, scheduleCases } from './fixtures.ts';
import { checkSchedule, nextFiresLocal } from './sql-entry.ts';

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
  // Over a thousand other specs in between: the bounded cache starts again at least once.
  for (let i = 0; i < 1100; i++) assert.is(checkSchedule(JSON.stringify({ type: 'daily', start_date: '2026-01-01', every: (i % 365) + 1 })), null);
  for (const c of [...all].reverse()) {
    const again = checkSchedule(asPlv8Jsonb(c.spec));
    assert.equal(again, 'field' in c ? { field: c.field, message: again!.message } : null, c.name);
  }
  for (const c of scheduleCases) assert.equal(nextFiresLocal(asPlv8Jsonb(c.spec), c.after, c.count), c.expect, c.name);
  for (const c of invalidCases) assert.throws(() => nextFiresLocal(asPlv8Jsonb(c.spec), '2026-01-01 00:00:00', 1), (e: Error) => e.message.startsWith(`schedule ${c.field} `), c.name);
});

test.run();

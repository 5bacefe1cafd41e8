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

test.run();

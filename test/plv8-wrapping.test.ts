/**
 * The generated plv8 functions, run in Node as plv8 would run them (scripts/build/plv8-sandbox.ts),
 * answer exactly as the TypeScript engine on the shared fixtures. A bundling or wrapping mistake
 * (a wrong argument order, a JSON string returned for jsonb, a bundle that needs Node or Intl, a
 * cache that re-evaluates the bundle) fails here even on a server without plv8.
 *
 *   npx tsx test/plv8-wrapping.test.ts
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSchedule, nextFireLocalEach, nextFiresLocal } from '../extension-src/engine/sql-entry.ts';
import { invalidCases, scheduleCases } from '../extension-src/engine/fixtures.ts';
import { plv8Functions } from '../extension-src/plv8.ts';
import { asJsonbText, JsonbText, loadGeneratedPlv8Functions, packageVersion, Plv8Session, readPlv8Source } from '../scripts/build/plv8-sandbox.ts';

const generated = loadGeneratedPlv8Functions();
const version = packageVersion();
const cacheKeyPattern = new RegExp(`^__pgautomator_engine_${version.replace(/\./g, '_')}_[0-9a-f]{8}$`);

/** The spec as plv8 hands it to JavaScript: the SQL wrappers pass `spec::text`, jsonb's text (keys reordered). */
const asPlv8 = (spec: unknown): string | null => (spec === null ? null : asJsonbText(spec));
/** The same, as the SQL-side argument of a generated function. */
const specArg = (spec: unknown): JsonbText | null => (spec === null ? null : new JsonbText(asJsonbText(spec)));

/** What the TS engine answers, in the shape SQL would see (an exception as its message). */
function tsAnswer(run: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(JSON.stringify(run() ?? null)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function plv8Answer(session: Plv8Session, sqlName: string, ...args: unknown[]): { value: unknown } | { error: string } {
  try {
    return { value: session.call(sqlName, ...args) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

test('the generated functions are the manifest, with its signatures and attributes', () => {
  assert.equal(
    generated.map((fn) => fn.sqlName),
    plv8Functions.map((fn) => fn.sqlName),
  );
  for (const fn of plv8Functions) {
    const g = generated.find((x) => x.sqlName === fn.sqlName)!;
    assert.equal(g.args, fn.args.map((a) => ({ name: a.name, sqlType: a.sqlType })), `${fn.sqlName} args`);
    assert.is(g.returns, fn.returns, `${fn.sqlName} returns`);
    assert.ok(g.attributes.startsWith(fn.volatility), `${fn.sqlName} volatility: ${g.attributes}`);
    assert.is(g.attributes.includes('PARALLEL SAFE'), fn.parallelSafe, `${fn.sqlName} parallel`);
    assert.ok(g.body.trimEnd().endsWith(`return engine.${fn.entry}(${fn.args.map((a) => a.name).join(', ')});`), `${fn.sqlName} calls ${fn.entry}`);
  }
  // Every plv8 statement of _plv8_source() was understood (none silently skipped by the parser).
  assert.is((readPlv8Source().match(/^CREATE OR REPLACE FUNCTION/gm) ?? []).length, generated.length);
});

test(`_plv8_next_fires answers as nextFiresLocal on the ${scheduleCases.length} schedule fixtures`, () => {
  const session = new Plv8Session(generated);
  let compared = 0;
  for (const c of scheduleCases) {
    const expected = tsAnswer(() => nextFiresLocal(asPlv8(c.spec)!, c.after, c.count));
    const actual = plv8Answer(session, '_plv8_next_fires', specArg(c.spec), c.after, c.count);
    assert.equal(actual, expected, `${c.name}: ${JSON.stringify(c.spec)} after ${c.after}`);
    assert.ok(Array.isArray((actual as { value: unknown }).value), `${c.name}: returns an array (text[]), not a string`);
    compared++;
  }
  assert.is(compared, scheduleCases.length);
});

test(`_plv8_next_fire_each answers as nextFireLocalEach on the ${scheduleCases.length} schedule fixtures in one call, NULLs kept in place`, () => {
  const session = new Plv8Session(generated);
  const specs = scheduleCases.flatMap((c) => [asPlv8(c.spec), null, asPlv8(c.spec)]);
  const afters = scheduleCases.flatMap((c) => [c.after, c.after, null]);
  const expected = tsAnswer(() => nextFireLocalEach(specs, afters));
  const actual = plv8Answer(session, '_plv8_next_fire_each', specs, afters);
  assert.equal(actual, expected);
  const value = (actual as { value: (string | null)[] }).value;
  assert.is(value.length, specs.length, 'one element per schedule (text[])');
  assert.equal(value.filter((_, i) => i % 3 !== 0), new Array<null>(2 * scheduleCases.length).fill(null), 'NULL spec or after: NULL');
  for (const [k, c] of scheduleCases.entries()) assert.is(value[3 * k], nextFiresLocal(asPlv8(c.spec)!, c.after, 1)[0] ?? null, c.name);
});

test(`_plv8_validate_schedule answers as checkSchedule on all ${scheduleCases.length + invalidCases.length} fixtures`, () => {
  const session = new Plv8Session(generated);
  for (const c of [...scheduleCases, ...invalidCases]) {
    const expected = tsAnswer(() => checkSchedule(asPlv8(c.spec)));
    const actual = plv8Answer(session, '_plv8_validate_schedule', specArg(c.spec));
    assert.equal(actual, expected, `${c.name}: ${JSON.stringify(c.spec)}`);
  }
  for (const c of scheduleCases) assert.is(session.call('_plv8_validate_schedule', specArg(c.spec)), null, c.name);
  for (const c of invalidCases) {
    const answer = session.call('_plv8_validate_schedule', specArg(c.spec)) as { field: string; message: string };
    assert.is(answer?.field, c.field, `${c.name}: ${JSON.stringify(c.spec)}`);
    assert.type(answer.message, 'string');
  }
});

test(`_plv8_next_fires raises the engine's error on the ${invalidCases.length} invalid fixtures`, () => {
  const session = new Plv8Session(generated);
  for (const c of invalidCases) {
    const expected = tsAnswer(() => nextFiresLocal(asPlv8(c.spec)!, '2026-01-01 00:00:00', 3));
    assert.ok('error' in expected, `${c.name}: the TS engine throws`);
    assert.equal(plv8Answer(session, '_plv8_next_fires', specArg(c.spec), '2026-01-01 00:00:00', 3), expected, c.name);
  }
});

test('plv8 conversions: the spec arrives as jsonb text, SQL NULL as null, count as a number', () => {
  const session = new Plv8Session(generated);
  const spec = { weekdays: ['fri', 'mon'], type: 'weekly', start_date: '2026-01-05' };
  const fromJsonText = session.call('_plv8_next_fires', new JsonbText(JSON.stringify(spec)), '2026-01-05 00:00:00.5', 3);
  assert.equal(fromJsonText, ['2026-01-09 00:00:00', '2026-01-12 00:00:00', '2026-01-16 00:00:00']);
  assert.equal(session.call('_plv8_next_fires', spec, '2026-01-05 00:00:00.5', 3), fromJsonText);
  assert.equal(session.call('_plv8_validate_schedule', null), JSON.parse(JSON.stringify(checkSchedule(null))));
  assert.equal(session.call('_plv8_next_fires', spec, '2026-01-05 00:00:00', 0), []);
  // A number past the double range: a real plv8 fails to convert it as jsonb (22003); as text it
  // reaches the engine, which names the field like the other engines.
  const huge = new JsonbText(`{"type": "daily", "every": 1${'0'.repeat(400)}, "start_date": "2026-01-01"}`);
  assert.equal(session.call('_plv8_validate_schedule', huge), JSON.parse(JSON.stringify(checkSchedule(huge.text))));
  assert.is((session.call('_plv8_validate_schedule', huge) as { field: string }).field, 'every');
});

test('the bundle is evaluated once per session and cached under a version-keyed global', () => {
  const session = new Plv8Session(generated);
  const engineKeys = () => Object.keys(session.global).filter((key) => key.startsWith('__pgautomator'));
  assert.equal(engineKeys(), [], 'nothing cached before the first call');

  assert.is(session.call('_plv8_validate_schedule', { type: 'daily', start_date: '2026-01-01' }), null);
  const keys = engineKeys();
  assert.is(keys.length, 1, `one cache entry: ${keys.join(', ')}`);
  const [key] = keys;
  assert.match(key, cacheKeyPattern);
  const engine = session.global[key];
  assert.type(engine, 'object');

  // The other function finds the same engine: it does not evaluate the bundle again.
  session.call('_plv8_next_fires', { type: 'daily', start_date: '2026-01-01' }, '2026-01-01 00:00:00', 2);
  assert.is(session.global[key], engine, 'same cached engine object after a call of another function');
  assert.equal(engineKeys(), [key]);

  // Proof that later calls use the cache: swap the cached engine for a sentinel and see it answer.
  const sentinel = { checkSchedule: () => ({ field: 'sentinel', message: 'cached' }), nextFiresLocal: () => ['cached'] };
  session.global[key] = sentinel;
  assert.equal(session.call('_plv8_validate_schedule', { type: 'daily', start_date: '2026-01-01' }), { field: 'sentinel', message: 'cached' });
  assert.equal(session.call('_plv8_next_fires', { type: 'daily' }, '2026-01-01 00:00:00', 1), ['cached']);

  // A new session (another backend, or another role) evaluates its own copy.
  const other = new Plv8Session(generated);
  assert.is(other.call('_plv8_validate_schedule', { type: 'daily', start_date: '2026-01-01' }), null);
  assert.ok(other.global[key] !== sentinel);
});

test('every generated function carries the same bundle and cache key', () => {
  const keys = generated.map((fn) => /globalThis\.(__pgautomator_engine_\w+) = engine;/.exec(fn.body)?.[1]);
  assert.ok(keys[0] && cacheKeyPattern.test(keys[0]), `key ${keys[0]}`);
  assert.ok(keys.every((key) => key === keys[0]), keys.join(', '));
  const bundles = generated.map((fn) => fn.body.slice(fn.body.indexOf('engine = (function () {'), fn.body.lastIndexOf('globalThis.')));
  assert.ok(bundles.every((b) => b === bundles[0]));
});

test.run();

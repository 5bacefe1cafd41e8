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
import { checkSchedule, nextFiresLocal } from '../extension-src/engine/sql-entry.ts';
import { invalidCases, scheduleCases } from '../extension-src/engine/fixtures.ts';
import { plv8Functions } from '../extension-src/plv8.ts';
import {
  asJsonbText, JsonbText, loadGeneratedPlv8Functions, packageVersion, Plv8Session, readPlv8Source, zoneInstantOf, zoneOffsetAt,
} from '../scripts/build/plv8-sandbox.ts';

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
    const callArgs = [...fn.args.map((a) => a.name), ...('zoneRules' in fn && fn.zoneRules ? ['engine.spiZoneRules(plv8)'] : [])];
    assert.ok(g.body.trimEnd().endsWith(`return engine.${fn.entry}(${callArgs.join(', ')});`), `${fn.sqlName} calls ${fn.entry}`);
    if ('zoneRules' in fn && fn.zoneRules) assert.ok(g.attributes.includes('PARALLEL UNSAFE'), `${fn.sqlName}: SPI opens a subtransaction`);
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

/**
 * The instants plv8's instant functions must answer, from the TypeScript engine's local fires
 * mapped one by one by the wall-clock rule (_local_to_instant, ported in the sandbox, with Node's
 * Intl for the zone): the first `count` distinct instants strictly after `after`.
 */
function expectedInstants(spec: unknown, after: number, count: number): { first: number | null; instants: number[] } {
  const zone = (spec as { time_zone?: string }).time_zone ?? 'UTC';
  const afterSecond = Math.floor(after);
  const reading = afterSecond + zoneOffsetAt(zone, afterSecond);
  const localText = new Date(reading * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const locals = nextFiresLocal(asPlv8(spec)!, localText, count + 400).map((l) => Date.parse(`${l.replace(' ', 'T')}Z`) / 1000);
  const mapped = locals.map((l) => zoneInstantOf(zone, l));
  const instants: number[] = [];
  let last = afterSecond;
  for (const instant of mapped) {
    if (instant > last && instants.length < count) instants.push((last = instant));
  }
  return { first: mapped.length === 0 ? null : mapped[0], instants };
}

/** Each fixture's `after` (a local time) read as an instant in its zone, and a second later. */
function fixtureAfters(c: (typeof scheduleCases)[number]): number[] {
  const zone = (c.spec as { time_zone?: string }).time_zone ?? 'UTC';
  const local = Date.parse(`${c.after.replace(' ', 'T')}Z`) / 1000;
  const instant = zoneInstantOf(zone, Math.floor(local)) + (local - Math.floor(local));
  return [instant, instant + 1.25];
}

test(`_plv8_next_fire, _plv8_next_fire_each and _plv8_next_fires_at answer with the instants of the wall-clock rule on the ${scheduleCases.length} schedule fixtures`, () => {
  const session = new Plv8Session(generated);
  const specs: (JsonbText | null)[] = [];
  const afters: (number | null)[] = [];
  const firsts: (number | null)[] = [];
  let compared = 0;
  for (const c of scheduleCases) {
    for (const after of fixtureAfters(c)) {
      // Past the years a float8 `after` is read exactly (2^33 s from 1970), the SQL wrapper decides.
      const inexact = !(Math.abs(after) < 2 ** 33);
      const want = inexact ? { first: null, instants: [] } : expectedInstants(c.spec, after, c.count);
      const fires = session.call('_plv8_next_fires_at', specArg(c.spec), after, c.count) as number[] | null;
      // null: the SQL wrapper decides (such an `after`, or a long second pass: none among the fixtures).
      if (fires === null || inexact) assert.ok(inexact && fires === null, `${c.name}: null for an inexact after, and only then`);
      else assert.equal(fires, want.instants.slice(0, Math.max(0, c.count)), `${c.name}: ${JSON.stringify(c.spec)} after ${after}`);
      const one = session.call('_plv8_next_fire', specArg(c.spec), after) as number | null;
      // NaN: the first local fire maps to `after` or earlier, or an inexact after; the SQL wrapper decides.
      if (inexact) assert.ok(Number.isNaN(one), `${c.name}: NaN for an inexact after`);
      else if (one !== null && Number.isNaN(one)) assert.ok((want.first !== null && want.first <= Math.floor(after)), `${c.name}: NaN only for a passed fire`);
      else assert.is(one, want.first, `${c.name}: next fire after ${after}`);
      specs.push(specArg(c.spec), null, specArg(c.spec));
      afters.push(after, after, null);
      firsts.push(one, null, null);
      compared++;
    }
  }
  // All of them in one call, NULLs in place, as one call of each would answer.
  const each = session.call('_plv8_next_fire_each', specs.map((s) => s?.text ?? null), afters) as (number | null)[];
  assert.is(each.length, specs.length, 'one element per schedule (float8[])');
  each.forEach((answer, i) => assert.ok(Object.is(answer, firsts[i]) || answer === firsts[i], `element ${i}: ${answer} vs ${firsts[i]}`));
  assert.is(compared, 2 * scheduleCases.length);
  assert.ok(session.executed.length > 0 && session.executed.every((sql) => /^SELECT pgautomator\._zone_\w+\(\$1::text\[\]/.test(sql)), session.executed[0]);
});

test('zone offsets are read through plv8.execute once per block, then kept in the session', () => {
  const session = new Plv8Session(generated);
  const spec = new JsonbText(JSON.stringify({ type: 'daily', start_date: '2026-01-01', time_zone: 'Europe/Berlin', sub: { type: 'once', time: '02:30' } }));
  const after = Date.parse('2026-06-01T12:00:00Z') / 1000;
  assert.is(session.call('_plv8_next_fire', spec, after), Date.parse('2026-06-02T00:30:00Z') / 1000);
  const asked = session.executed.length;
  assert.ok(asked >= 1 && asked <= 2, `asked ${asked}`);
  for (let d = 0; d < 30; d++) session.call('_plv8_next_fire', spec, after + d * 86400);
  assert.is(session.executed.length, asked, 'no more questions for days of blocks already kept');
  // The gap of 2026-03-29: an exact answer, asked for.
  assert.is(session.call('_plv8_next_fire', spec, Date.parse('2026-03-28T12:00:00Z') / 1000), Date.parse('2026-03-29T01:00:00Z') / 1000);
  assert.ok(session.executed.some((sql) => sql.includes('_zone_instants')), session.executed.join('\n'));
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

/**
 * The plv8 manifest: which functions exported by `engine/sql-entry.ts` become which `LANGUAGE plv8`
 * SQL functions. Read by scripts/build-extension.ts, which bundles the engine with esbuild, wraps
 * each entry into a `CREATE OR REPLACE FUNCTION pgautomator.<sqlName>`, and fails the build when an
 * entry disagrees with the TypeScript signature of its function (parameter count, names, types).
 *
 * Types cross the plv8 boundary by plv8's own conversions (DESIGN.md section 2): `jsonb` arrives
 * parsed and is returned from a JS value (never a JSON string), `text` is a string, `int` and
 * `float8` are numbers, `text[]` and `float8[]` arrays of them. Specs go in as `text` (see
 * engine/sql-entry.ts: cheaper to cross, and plv8's jsonb conversion fails on numbers past the
 * double range). Keep to those: instants cross as float8 seconds since 1970 (`date_part('epoch',
 * ...)` in, `to_timestamp` out: no parsing or formatting, no Date cut to milliseconds), so nothing
 * here takes or returns a `timestamptz`.
 *
 * These functions are created only where the `plv8` extension exists (see
 * `sql/functions/internal/_install_plv8_engine.sql`); elsewhere the PL/pgSQL engine answers.
 */

/** SQL types the build knows how to map to and from TypeScript. */
export const plv8SqlTypes = ['jsonb', 'text', 'text[]', 'int', 'float8', 'float8[]', 'numeric', 'boolean'] as const;
export type Plv8SqlType = (typeof plv8SqlTypes)[number];

export const plv8Volatilities = ['IMMUTABLE', 'STABLE', 'VOLATILE'] as const;
export type Plv8Volatility = (typeof plv8Volatilities)[number];

export interface Plv8Arg {
  readonly name: string;
  readonly sqlType: Plv8SqlType;
}

export interface Plv8Function {
  /** Name of the SQL function in schema `pgautomator`; `_plv8_` prefixed (internal). */
  readonly sqlName: string;
  /** Name of the function exported by `extension-src/engine/sql-entry.ts`. */
  readonly entry: string;
  readonly args: readonly Plv8Arg[];
  readonly returns: Plv8SqlType;
  readonly volatility: Plv8Volatility;
  readonly parallelSafe: boolean;
  /** `STRICT`: SQL NULL in any argument answers NULL without calling the engine. */
  readonly strict: boolean;
  /** Becomes the function's `COMMENT ON FUNCTION`. */
  readonly comment: string;
  /**
   * The entry takes one more, last, argument `zoneRules` (engine/zone-instants.ts ZoneRules): the
   * generated body passes `engine.spiZoneRules(plv8)`, which reads zone offsets from PostgreSQL
   * through plv8's SPI. SPI opens a subtransaction, so such a function must not be PARALLEL SAFE.
   */
  readonly zoneRules?: boolean;
}

export const plv8Functions = [
  {
    sqlName: '_plv8_validate_schedule',
    entry: 'checkSchedule',
    args: [{ name: 'spec', sqlType: 'text' }],
    returns: 'jsonb',
    volatility: 'IMMUTABLE',
    parallelSafe: true,
    strict: false,
    comment:
      'plv8 engine: null when the schedule spec (jsonb as text) is valid, else {"field", "message"} naming the first invalid field. ' +
      'Generated from extension-src/engine/sql-entry.ts checkSchedule.',
  },
  {
    sqlName: '_plv8_next_fires',
    entry: 'nextFiresLocal',
    args: [
      { name: 'spec', sqlType: 'text' },
      { name: 'after', sqlType: 'text' },
      { name: 'count', sqlType: 'int' },
    ],
    // text[], not jsonb: plv8 builds the array directly, and the SQL wrapper casts it to
    // timestamp[] without unnesting a jsonb array in a subquery on every call.
    returns: 'text[]',
    volatility: 'IMMUTABLE',
    parallelSafe: true,
    strict: false,
    comment:
      'plv8 engine: array of the first `count` local fire times (YYYY-MM-DD HH:MM:SS) strictly after local time `after`. ' +
      'Generated from extension-src/engine/sql-entry.ts nextFiresLocal.',
  },
  {
    sqlName: '_plv8_next_fire',
    entry: 'nextFireAt',
    // Numbers, not timestamps or text: float8 crosses without parsing or formatting either way.
    args: [
      { name: 'spec', sqlType: 'text' },
      { name: 'after', sqlType: 'float8' },
    ],
    returns: 'float8',
    volatility: 'IMMUTABLE',
    parallelSafe: false,
    strict: true,
    zoneRules: true,
    comment:
      'plv8 engine: the first instant (seconds since 1970) strictly after the instant after (seconds since 1970) at which the schedule spec (jsonb as text) fires; ' +
      'NULL when none, NaN when the SQL wrapper must decide. Generated from extension-src/engine/sql-entry.ts nextFireAt.',
  },
  {
    sqlName: '_plv8_next_fire_each',
    entry: 'nextFireEach',
    // Arrays in, an array out: one crossing for all the schedules a bulk path asks about.
    args: [
      { name: 'specs', sqlType: 'text[]' },
      { name: 'afters', sqlType: 'float8[]' },
    ],
    returns: 'float8[]',
    volatility: 'IMMUTABLE',
    parallelSafe: false,
    strict: true,
    zoneRules: true,
    comment:
      'plv8 engine: for each i, the first instant (seconds since 1970) strictly after afters[i] (seconds since 1970) at which the spec specs[i] (jsonb as text) fires; ' +
      'NULL when there is none or either is NULL, NaN when the SQL wrapper must decide. Generated from extension-src/engine/sql-entry.ts nextFireEach.',
  },
  {
    sqlName: '_plv8_next_fires_at',
    entry: 'nextFiresAt',
    args: [
      { name: 'spec', sqlType: 'text' },
      { name: 'after', sqlType: 'float8' },
      { name: 'count', sqlType: 'int' },
    ],
    returns: 'float8[]',
    volatility: 'IMMUTABLE',
    parallelSafe: false,
    strict: true,
    zoneRules: true,
    comment:
      'plv8 engine: the first count distinct instants (seconds since 1970) strictly after the instant after (seconds since 1970) at which the schedule spec (jsonb as text) fires, ' +
      'by the wall-clock rule of docs/schedule-spec.md; NULL when the SQL wrapper must decide. Generated from extension-src/engine/sql-entry.ts nextFiresAt.',
  },
] as const satisfies readonly Plv8Function[];

/**
 * Runs the GENERATED plv8 functions in Node, the way plv8 would, so that a bundling or wrapping
 * mistake fails a test even where the server has no plv8 (test/plv8-wrapping.test.ts,
 * test/engine-differential.test.ts, bench/engine-next-fire.ts).
 *
 * It reads the statements back out of the built install script (`_plv8_source()`'s text), compiles
 * each body as plv8 does, `(function (<arg names>) {\n<body>\n})`, in a fresh V8 context per
 * simulated session (no Node globals, no `Intl`: plv8 builds may lack ICU), and applies plv8's
 * conversions at the boundary (DESIGN.md section 2): a `jsonb` argument arrives parsed from
 * jsonb's text (keys in jsonb's order), `text` as a string, `int` as a number; a returned value
 * becomes `jsonb` through JSON.stringify, and `null`/`undefined` become SQL NULL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export interface GeneratedPlv8Function {
  sqlName: string;
  args: { name: string; sqlType: string }[];
  returns: string;
  attributes: string;
  body: string;
}

const root = path.resolve(import.meta.dirname, '../..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The text `_plv8_source()` returns, read from `extension-build/pgautomator--<version>.sql`. */
export function readPlv8Source(version = packageVersion()): string {
  const script = readFileSync(path.join(root, 'extension-build', `pgautomator--${version}.sql`), 'utf8');
  const match = /\$plv8_source\$([\s\S]*?)\$plv8_source\$/.exec(script); // exactly the function's text
  if (!match) throw new Error(`extension-build/pgautomator--${version}.sql has no _plv8_source() text: run npm run build`);
  return match[1];
}

/** Parses the CREATE FUNCTION statements of `_plv8_source()`'s text. */
export function parsePlv8Functions(source: string): GeneratedPlv8Function[] {
  const pattern =
    /CREATE OR REPLACE FUNCTION pgautomator\.(\w+)\(([^)]*)\)\nRETURNS (\w+(?:\[\])?)\nLANGUAGE plv8 ([^\n]*)\nAS \$plv8\$\n([\s\S]*?)\n\$plv8\$;/g;
  const functions: GeneratedPlv8Function[] = [];
  for (const m of source.matchAll(pattern)) {
    const args = m[2].trim() === '' ? [] : m[2].split(',').map((arg) => {
      const [name, sqlType] = arg.trim().split(/\s+/);
      return { name, sqlType };
    });
    functions.push({ sqlName: m[1], args, returns: m[3], attributes: m[4], body: m[5] });
  }
  return functions;
}

/** jsonb's key order: shorter keys first, then bytewise (and one value per key). */
function jsonbKeyOrder(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length - bb.length || Buffer.compare(ba, bb);
}

/** What plv8 hands a function for a jsonb value: jsonb's canonical text, parsed. */
export function asJsonbText(value: unknown): string {
  const reorder = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(reorder);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort(jsonbKeyOrder)) out[key] = reorder((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`not a JSON value: ${String(value)}`);
  return JSON.stringify(reorder(JSON.parse(text)));
}

/** A jsonb argument given as JSON text (as jsonb prints it), e.g. to keep `2.0` or `1e400` as written. */
export class JsonbText {
  constructor(readonly text: string) {}
}

/** One simulated plv8 session: a fresh global scope in which the functions are compiled. */
export class Plv8Session {
  readonly context: vm.Context;
  private readonly compiled = new Map<string, { fn: GeneratedPlv8Function; call: (...args: unknown[]) => unknown }>();

  /** The statements the functions ran through `plv8.execute` (the zone rules' SPI questions). */
  readonly executed: string[] = [];

  constructor(functions: GeneratedPlv8Function[]) {
    this.context = vm.createContext({});
    vm.runInContext('delete globalThis.Intl;', this.context);
    // plv8's `plv8` object, for the zone rules' SPI questions (engine/sql-entry.ts spiZoneRules),
    // answered from Node's own tz data (Intl, outside the context) by the SQL functions' rules.
    this.global.plv8 = {
      execute: (sql: string, params: unknown[]) => {
        this.executed.push(sql);
        return executeZoneQuestion(sql, params);
      },
    };
    for (const fn of functions) {
      const call = vm.runInContext(`(function (${fn.args.map((a) => a.name).join(', ')}) {\n${fn.body}\n})`, this.context, {
        filename: `pgautomator.${fn.sqlName}`,
      }) as (...args: unknown[]) => unknown;
      this.compiled.set(fn.sqlName, { fn, call });
    }
  }

  /** The global object of this session (where the engine is cached). */
  get global(): Record<string, unknown> {
    return vm.runInContext('globalThis', this.context) as Record<string, unknown>;
  }

  /**
   * Calls `pgautomator.<sqlName>` with SQL-side values: jsonb arguments as JS values (or
   * `JsonbText`), text as strings (a JS object or `JsonbText` for a text argument stands for
   * `jsonb::text`), int as numbers. Returns what SQL would get
   * back, as a JS value (jsonb parsed again; SQL NULL as null). A JS exception is rethrown as an
   * Error with plv8's message, like the ERROR plv8 raises.
   */
  call(sqlName: string, ...args: unknown[]): unknown {
    const entry = this.compiled.get(sqlName);
    if (!entry) throw new Error(`no generated plv8 function ${sqlName}`);
    const converted = entry.fn.args.map((arg, i) => {
      const value = args[i];
      if (value === null || value === undefined) return null;
      switch (arg.sqlType) {
        case 'jsonb': {
          const text = value instanceof JsonbText ? value.text : asJsonbText(value);
          return (vm.runInContext('JSON.parse', this.context) as (t: string) => unknown)(text);
        }
        case 'text':
          // A JSON value for a text argument is what `spec::text` hands over: jsonb's text.
          if (value instanceof JsonbText) return value.text;
          return typeof value === 'string' ? value : asJsonbText(value);
        case 'text[]': {
          // plv8 hands a SQL array over as an array of this context, NULL elements as null.
          const elements = (value as unknown[]).map((e) => (e === null || e === undefined ? null : String(e)));
          return (vm.runInContext('(items) => Array.from(items)', this.context) as (items: unknown[]) => unknown[])(elements);
        }
        case 'float8[]': {
          const elements = (value as unknown[]).map((e) => (e === null || e === undefined ? null : Number(e)));
          return (vm.runInContext('(items) => Array.from(items)', this.context) as (items: unknown[]) => unknown[])(elements);
        }
        case 'int':
        case 'float8':
        case 'numeric':
          return Number(value);
        default:
          return value;
      }
    });
    let result: unknown;
    try {
      result = entry.call(...converted);
    } catch (error) {
      const message = error !== null && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
      throw new Error(message);
    }
    if (result === null || result === undefined) return null;
    if (entry.fn.returns === 'text[]') {
      // plv8 makes a SQL array of a JS array, each element converted to text; anything else fails.
      if (!Array.isArray(result)) throw new Error(`${sqlName} returned ${typeof result}, not an array, for text[]`);
      return Array.from(result as unknown[], (element) => (element === null || element === undefined ? null : String(element)));
    }
    if (entry.fn.returns === 'float8[]') {
      // As text[]: a JS array, each element a number (NaN kept: float8 has it) or null.
      if (!Array.isArray(result)) throw new Error(`${sqlName} returned ${typeof result}, not an array, for float8[]`);
      return Array.from(result as unknown[], (element) => {
        if (element === null || element === undefined) return null;
        if (typeof element !== 'number') throw new Error(`${sqlName} returned a ${typeof element} element for float8[]`);
        return element;
      });
    }
    if (entry.fn.returns === 'float8') {
      if (typeof result !== 'number') throw new Error(`${sqlName} returned ${typeof result}, not a number, for float8`);
      return result;
    }
    if (entry.fn.returns === 'jsonb') {
      const text = (vm.runInContext('JSON.stringify', this.context) as (v: unknown) => string | undefined)(result);
      return text === undefined ? null : JSON.parse(text);
    }
    return result;
  }
}

/** The generated functions of the current build, ready for sessions. */
export function loadGeneratedPlv8Functions(): GeneratedPlv8Function[] {
  return parsePlv8Functions(readPlv8Source());
}

// ---------------------------------------------------------------------------------------------
// The zone rules' SPI questions (extension-src/sql/engine/_zone_*.sql), answered with Node's Intl.

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** UTC offset in seconds (local - instant) of `zone` at the instant `at` (seconds since 1970). */
export function zoneOffsetAt(zone: string, at: number): number {
  let format = zoneFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    zoneFormats.set(zone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(at * 1000))) parts[part.type] = part.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return local.getTime() / 1000 - at;
}

const readingAt = (zone: string, at: number) => at + zoneOffsetAt(zone, at);

/** pgautomator._local_to_instant, step by step, with Intl's offsets. */
export function zoneInstantOf(zone: string, local: number): number {
  const o1 = zoneOffsetAt(zone, local - 86400);
  let o2 = zoneOffsetAt(zone, local + 86400);
  const c1 = local - o1;
  if (o1 === o2) {
    if (readingAt(zone, c1) === local) return c1;
    o2 = zoneOffsetAt(zone, local);
  }
  const c2 = local - o2;
  const ok1 = readingAt(zone, c1) === local;
  const ok2 = readingAt(zone, c2) === local;
  if (ok1 && ok2) return Math.min(c1, c2);
  if (ok1) return c1;
  if (ok2) return c2;
  let lo = Math.floor(Math.min(c1, c2));
  let hi = Math.ceil(Math.max(c1, c2));
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (readingAt(zone, mid) >= local) hi = mid;
    else lo = mid;
  }
  return hi;
}

function executeZoneQuestion(sql: string, params: unknown[]): Record<string, unknown>[] {
  const zones = params[0] as string[];
  if (sql.includes('pgautomator._zone_midnight_offsets(')) {
    const firstDays = params[1] as number[];
    const days = params[2] as number;
    const out: number[] = [];
    zones.forEach((zone, k) => {
      for (let d = 0; d < days; d++) out.push(zoneOffsetAt(zone, (firstDays[k] + d) * 86400));
    });
    return [{ o: out }];
  }
  if (sql.includes('pgautomator._zone_readings(')) {
    return [{ r: zones.map((zone, k) => readingAt(zone, (params[1] as number[])[k])) }];
  }
  if (sql.includes('pgautomator._zone_instants(')) {
    return [{ i: zones.map((zone, k) => zoneInstantOf(zone, (params[1] as number[])[k])) }];
  }
  throw new Error(`plv8.execute in the sandbox knows only the zone rules' questions, not: ${sql}`);
}

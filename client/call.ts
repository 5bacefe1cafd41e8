/**
 * Runs one API function by its manifest entry: named arguments only (so defaults apply), values
 * always as parameters, our SQLSTATEs turned into typed errors. The only SQL text the agent, the
 * gateway and the CLI send is built here, from identifiers of the generated manifest.
 */
import { toTypedError } from './errors.ts';

export interface QueryResultLike {
  rows: Record<string, unknown>[];
}
/** A pg.Pool, pg.Client or pg.PoolClient. */
export interface Queryable {
  query(config: { text: string; values?: unknown[]; types?: unknown }): Promise<QueryResultLike>;
}

export interface ApiArgument {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
}
export interface ApiColumn {
  readonly name: string;
  readonly type: string;
}
export interface ApiFunction {
  readonly args: readonly ApiArgument[];
  readonly returns: string;
  readonly returnsSet: boolean;
  readonly columns: readonly ApiColumn[] | null;
  readonly volatility: 'immutable' | 'stable' | 'volatile';
  readonly roles: readonly string[];
  readonly comment: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Values leave JS as text the server parses: jsonb as JSON text (arrays included, which pg would
// otherwise send as Postgres arrays), Dates as ISO strings.
function encode(type: string, value: unknown): unknown {
  if (value === null) return null;
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** pg type parsers for our results: bigint as number (ids stay below 2^53), date and interval as text. */
const textParsers: Record<number, (value: string) => unknown> = {
  20: (v) => Number(v), // int8
  1700: (v) => Number(v), // numeric
  1082: (v) => v, // date
  1186: (v) => v, // interval
};
type TypeParserSource = { getTypeParser: (oid: number, format?: 'text' | 'binary') => unknown };
let defaultTypes: TypeParserSource | undefined;
/** Parsers for every type we do not override (pass pg.types). */
export function configureTypes(pgTypes: TypeParserSource): void {
  defaultTypes = pgTypes;
}
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const parser = textParsers[oid];
    if (parser && format !== 'binary') return parser;
    if (!defaultTypes) throw new Error('call configureTypes(pg.types) first');
    return defaultTypes.getTypeParser(oid, format);
  },
};

export async function callApi(db: Queryable, name: string, fn: ApiFunction, args: Record<string, unknown> = {}): Promise<unknown> {
  const known = new Map(fn.args.map((a) => [a.name, a]));
  const values: unknown[] = [];
  const named: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    const arg = known.get(key);
    if (!arg) throw new TypeError(`pgautomator.${name}() has no argument "${key}" (it takes: ${fn.args.map((a) => a.name).join(', ') || 'none'})`);
    values.push(encode(arg.type, value));
    named.push(`${quoteIdent(key)} => $${values.length}::${arg.type}`);
  }
  for (const arg of fn.args) {
    if (!arg.hasDefault && args[arg.name] === undefined) throw new TypeError(`pgautomator.${name}() needs argument "${arg.name}"`);
  }
  const call = `pgautomator.${quoteIdent(name)}(${named.join(', ')})`;
  const text = fn.columns ? `SELECT * FROM ${call}` : fn.returnsSet ? `SELECT * FROM ${call} AS result` : `SELECT ${call} AS result`;
  let result: QueryResultLike;
  try {
    result = await db.query({ text, values, types });
  } catch (error) {
    throw toTypedError(error);
  }
  if (fn.columns) return fn.returnsSet ? result.rows : (result.rows[0] ?? null);
  if (fn.returns === 'void') return undefined;
  if (fn.returnsSet) return result.rows.map((row) => row.result);
  return result.rows[0]?.result ?? null;
}

/**
 * `POST /rpc/<function>` (JSON object of named arguments) and `GET /rpc/<function>?arg=...` (read
 * functions only): the PostgREST convention over the API functions of the generated manifest, and
 * nothing else. Calls run as the caller's database role; the database decides what is allowed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiFunctions, callByName, httpStatusOf, PgAutomatorError, type ApiFunction } from '../client/index.ts';
import { HttpError, readJsonObject, sendJson } from './http.ts';
import type { Caller } from './identity.ts';

const manifest = apiFunctions as unknown as Record<string, ApiFunction>;

/** The manifest entry of an API function, or undefined (never inherited object keys). */
export function apiFunction(name: string): ApiFunction | undefined {
  return Object.prototype.hasOwnProperty.call(manifest, name) ? manifest[name] : undefined;
}

export const isReadFunction = (fn: ApiFunction) => fn.volatility === 'stable' || fn.volatility === 'immutable';

/** Query-string values to the JSON values the POST form would carry, by the argument's SQL type. */
export function argsFromQuery(fn: ApiFunction, query: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const arg = fn.args.find((a) => a.name === key);
    if (!arg) throw new HttpError(400, 'unknown_argument', `unknown argument "${key}" (this function takes: ${fn.args.map((a) => a.name).join(', ') || 'none'})`);
    const values = query.getAll(key);
    args[key] = convert(arg.type, values, key);
  }
  return args;
}

function convert(type: string, values: string[], key: string): unknown {
  if (type.endsWith('[]')) {
    // ?tag=a&tag=b, or one JSON array ?tag=["a","b"]
    if (values.length === 1 && values[0].startsWith('[')) return parseJson(values[0], key);
    return values.map((v) => convert(type.slice(0, -2), [v], key));
  }
  const value = values[values.length - 1];
  if (value === 'null') return null;
  if (type === 'jsonb' || type === 'json') return parseJson(value, key);
  if (type === 'boolean') {
    if (value === 'true' || value === 'false') return value === 'true';
    throw new HttpError(400, 'invalid_argument', `argument "${key}" must be true or false`);
  }
  if (['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric'].includes(type)) {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new HttpError(400, 'invalid_argument', `argument "${key}" must be a number`);
    return n;
  }
  return value;
}

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_argument', `argument "${key}" must be JSON`);
  }
}

/** The JSON body of a database error: the database's own message, code, field, detail and hint. */
export function errorBody(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, body: { code: error.code, message: error.message } };
  if (error instanceof PgAutomatorError) {
    return {
      status: httpStatusOf(error),
      body: { code: error.code, message: error.message, field: error.field ?? null, detail: error.detail ?? null, hint: error.hint ?? null },
    };
  }
  const e = error as { code?: unknown; message?: string; detail?: string; hint?: string };
  if (error instanceof TypeError) return { status: 400, body: { code: 'invalid_arguments', message: error.message } };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    const status = httpStatusOf(error);
    return { status, body: { code: e.code, message: e.message ?? 'database error', field: null, detail: e.detail ?? null, hint: e.hint ?? null } };
  }
  return { status: 500, body: { code: 'internal_error', message: 'the gateway failed to run the call; see its log' } };
}

export async function handleRpc(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams, caller: Caller | undefined, checkCsrf: (caller: Caller) => void, log: (line: string) => void): Promise<void> {
  const fn = apiFunction(name);
  if (!fn) throw new HttpError(404, 'unknown_function', `pgautomator.${name} is not an API function`);
  let args: Record<string, unknown>;
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (!isReadFunction(fn)) {
      res.setHeader('Allow', 'POST');
      throw new HttpError(405, 'method_not_allowed', `pgautomator.${name} changes data: call it with POST (and the X-CSRF-Token header)`);
    }
    if (!caller) throw new HttpError(401, 'login_required', 'log in first: POST /auth/login');
    args = argsFromQuery(fn, query);
  } else if (req.method === 'POST') {
    if (!caller) throw new HttpError(401, 'login_required', 'log in first: POST /auth/login');
    checkCsrf(caller);
    args = await readJsonObject(req);
  } else {
    res.setHeader('Allow', isReadFunction(fn) ? 'GET, POST' : 'POST');
    throw new HttpError(405, 'method_not_allowed', `use POST${isReadFunction(fn) ? ' or GET' : ''}`);
  }
  try {
    const result = await caller.run((db) => callByName(db, name, args));
    sendJson(res, 200, result === undefined ? null : result);
  } catch (error) {
    const { status, body } = errorBody(error);
    if (status >= 500) log(`rpc ${name} as ${caller.user}: ${(error as Error)?.stack ?? String(error)}`);
    sendJson(res, status, body, error instanceof HttpError ? error.headers : {}); // Retry-After of 503 gateway_busy
  }
}

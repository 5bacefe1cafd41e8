/**
 * `POST /rpc` {"calls": [{"fn": "<api function>", "args": {...}}, ...]}: several API calls in ONE
 * transaction, as the caller's role. Either every call is committed or none is: the console saves
 * a job together with the category typed into it (create_category + create_job / update_job), and
 * a failed save must leave nothing behind. Each call is still only an API function of the
 * generated allow-list with named arguments as bind parameters (callByName), exactly as
 * `POST /rpc/<fn>`; the batch adds no power a caller did not have call by call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callByName } from '../client/index.ts';
import { HttpError, readJsonObject, sendJson } from './http.ts';
import type { Caller } from './identity.ts';
import { apiFunction, errorBody } from './rpc.ts';

/** A batch is a save of one form, not a bulk loader: keep it small. */
export const MAX_BATCH_CALLS = 50;

export interface BatchCall {
  fn: string;
  args: Record<string, unknown>;
}

/** The calls of a batch body, checked against the allow-list before any SQL is sent. */
export function parseBatch(body: Record<string, unknown>): BatchCall[] {
  const calls = body.calls;
  if (!Array.isArray(calls) || calls.length === 0) throw new HttpError(400, 'invalid_batch', 'the body must be {"calls": [{"fn": "<api function>", "args": {...}}, ...]} with at least one call');
  if (calls.length > MAX_BATCH_CALLS) throw new HttpError(400, 'invalid_batch', `a batch holds at most ${MAX_BATCH_CALLS} calls (got ${calls.length})`);
  return calls.map((call: unknown, index) => {
    const c = call as { fn?: unknown; args?: unknown };
    if (!c || typeof c !== 'object' || typeof c.fn !== 'string') throw new HttpError(400, 'invalid_batch', `call ${index} must be an object with "fn" (an API function name) and "args" (an object)`);
    if (!apiFunction(c.fn)) throw new HttpError(404, 'unknown_function', `call ${index}: pgautomator.${c.fn} is not an API function`);
    const args = c.args ?? {};
    if (typeof args !== 'object' || Array.isArray(args) || args === null) throw new HttpError(400, 'invalid_batch', `call ${index}: "args" must be a JSON object`);
    return { fn: c.fn, args: args as Record<string, unknown> };
  });
}

/** An error of call `index`: the usual error body plus which call failed. */
class BatchCallError extends Error {
  constructor(
    readonly index: number,
    readonly fn: string,
    readonly error: unknown,
  ) {
    super(`call ${index} (${fn}) failed`);
  }
}

export async function handleBatch(req: IncomingMessage, res: ServerResponse, caller: Caller | undefined, checkCsrf: (caller: Caller) => void, log: (line: string) => void): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new HttpError(405, 'method_not_allowed', 'POST /rpc takes a batch of calls (and the X-CSRF-Token header)');
  }
  if (!caller) throw new HttpError(401, 'login_required', 'log in first: POST /auth/login');
  checkCsrf(caller);
  const calls = parseBatch(await readJsonObject(req));
  try {
    // One connection, one transaction (identity.ts): committed only when every call succeeded.
    const results = await caller.run(async (tx) => {
      const out: unknown[] = [];
      for (const [index, call] of calls.entries()) {
        try {
          const result = await callByName(tx, call.fn, call.args);
          out.push(result === undefined ? null : result);
        } catch (error) {
          throw new BatchCallError(index, call.fn, error);
        }
      }
      return out;
    }, { transaction: true });
    sendJson(res, 200, { results });
  } catch (error) {
    const failed = error instanceof BatchCallError ? error : undefined;
    const { status, body } = errorBody(failed ? failed.error : error);
    if (status >= 500) log(`rpc batch as ${caller.user}: ${((failed?.error ?? error) as Error)?.stack ?? String(error)}`);
    sendJson(res, status, failed ? { ...body, index: failed.index, fn: failed.fn, committed: false } : body);
  }
}

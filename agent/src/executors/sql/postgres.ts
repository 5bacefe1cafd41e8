/**
 * SQL steps against PostgreSQL: the script goes as one simple-protocol query, so several
 * statements may follow each other (one implicit transaction unless the script says BEGIN/COMMIT,
 * as with `psql -c`). Server notices go to the `notice` stream, rows and command tags with row
 * counts to stdout, errors (with DETAIL, HINT and position) to stderr.
 *
 * Kill: the query is cancelled on its server with pg_cancel_backend from a second connection; if it
 * has not stopped after the grace period, its backend is terminated, and then its socket closed.
 *
 * Sessions are reused between steps on the same target, reset with DISCARD ALL (postgres-sessions.ts);
 * application_name names the current run and step.
 */
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { abortedResult, graceFor, sleep, type StepContext, type StepResult } from '../executor.ts';
import { closeSession, PostgresSessions } from './postgres-sessions.ts';
import { formatRows, summarize, type SqlDriver, type SqlTarget } from './sql-driver.ts';

const sessions = new PostgresSessions();

/** Closes the idle sessions (agent shutdown). */
export function closePostgresSessions(): Promise<void> {
  return sessions.closeAll();
}

/** Sessions are shared by steps whose server, database, role and secret are the same. */
const sessionKey = (target: SqlTarget) => JSON.stringify([target.dsn, target.password]);

// Values stay as the server's text (no Date or number conversions): they are only printed.
const asText = { getTypeParser: () => (value: string) => value };

function clientConfig(target: SqlTarget): pg.ClientConfig {
  // node-postgres lets a connectionString override explicit fields (its password, absent from our
  // DSNs by design, would blank the secret): parse the DSN here and put the secret on top.
  const fromDsn = parseConnectionString(target.dsn) as pg.ClientConfig;
  return {
    ...fromDsn,
    ...(target.password !== null ? { password: target.password } : {}),
    application_name: target.label.slice(0, 63),
    connectionTimeoutMillis: 30_000,
    // A long statement's session is idle on the wire: keepalives notice a server that vanished.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: asText as unknown as pg.CustomTypesConfig,
  };
}

function describeError(error: unknown): { text: string; message: string } {
  const e = error as pg.DatabaseError;
  if (!e || typeof e !== 'object' || !('severity' in e) || !e.code) {
    const message = (error as Error)?.message ?? String(error);
    return { text: `${message}\n`, message };
  }
  const lines = [`${e.severity ?? 'ERROR'}:  ${e.message}`];
  if (e.detail) lines.push(`DETAIL:  ${e.detail}`);
  if (e.hint) lines.push(`HINT:  ${e.hint}`);
  if (e.position) lines.push(`POSITION:  ${e.position}`);
  if (e.where) lines.push(`CONTEXT:  ${e.where}`);
  return { text: `${lines.join('\n')}\n`, message: `${e.code}: ${e.message}` };
}

/** Stops the query of the backend `pid`: cancel, then terminate after the grace period. */
async function stopBackend(target: SqlTarget, pid: number, graceMs: number, done: () => boolean, context: StepContext): Promise<void> {
  // Connecting to cancel must not outlast the grace by much (a server that is unreachable now).
  const admin = new pg.Client({ ...clientConfig({ ...target, label: `${target.label} (cancel)` }), connectionTimeoutMillis: Math.max(1_000, graceMs) });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]);
    const deadline = Date.now() + graceMs;
    while (!done() && Date.now() < deadline) await sleep(25);
    if (!done()) {
      context.logger.warn('the query did not stop on cancel: terminating its backend', { pid });
      await admin.query('SELECT pg_catalog.pg_terminate_backend($1)', [pid]);
    }
  } catch (error) {
    context.logger.warn('could not cancel the query from a second connection', { pid, error });
  } finally {
    await admin.end().catch(() => {});
  }
}

export const runPostgres: SqlDriver = async (script: string, target: SqlTarget, context: StepContext): Promise<StepResult> => {
  const { signal, output } = context;
  const key = sessionKey(target);
  const onError = () => {}; // surfaced by the pending query instead
  const onNotice = (notice: { severity?: string; message?: string }) => output.write('notice', `${notice.severity ?? 'NOTICE'}:  ${notice.message}\n`);
  /** This step's listeners on a session (a kept one serves other steps after it). */
  const listen = (c: pg.Client) => c.on('error', onError).on('notice', onNotice);
  const unlisten = (c: pg.Client) => c.off('error', onError).off('notice', onNotice);
  const kept = sessions.take(key);
  let reused = kept !== undefined;
  let client = listen(kept ?? new pg.Client(clientConfig(target)));
  /** The session is clean and may serve the next step. */
  let reusable = false;
  let settled = false;
  let stopping: Promise<void> | undefined;
  const forceClose = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  const onAbort = () => {
    const pid = (client as unknown as { processID?: number }).processID;
    if (stopping) return;
    if (!pid) {
      forceClose(); // still connecting
      return;
    }
    stopping = stopBackend(target, pid, graceFor(context), () => settled, context).then(async () => {
      // Terminated but the socket still hangs: give up on it.
      for (let i = 0; i < 40 && !settled; i++) await sleep(25);
      if (!settled) forceClose();
    });
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) return abortedResult(signal);
    if (reused) {
      try {
        await client.query('SELECT pg_catalog.set_config($1, $2, false)', ['application_name', target.label.slice(0, 63)]);
      } catch {
        // Ended while idle: a new session instead.
        void closeSession(unlisten(client));
        client = listen(new pg.Client(clientConfig(target)));
        reused = false;
      }
    }
    if (signal.aborted) return abortedResult(signal);
    if (!reused) try {
      await client.connect();
    } catch (error) {
      if (signal.aborted) return abortedResult(signal);
      const { text, message } = describeError(error);
      output.write('stderr', text);
      return { state: 'failed', exitCode: null, message: `cannot connect: ${message}` };
    }
    if (signal.aborted) return abortedResult(signal);
    try {
      const raw = (await client.query({ text: script, rowMode: 'array' } as pg.QueryConfig)) as unknown as pg.QueryResult | pg.QueryResult[];
      settled = true;
      const results = Array.isArray(raw) ? raw : [raw];
      const tags: string[] = [];
      for (const result of results) {
        if (!result.command) continue; // an empty statement
        if (result.fields?.length) output.write('stdout', formatRows(result.fields.map((f) => f.name), result.rows as unknown[][]));
        const tag = result.rowCount === null ? result.command : `${result.command} ${result.rowCount}`;
        output.write('stdout', `${tag}\n`);
        tags.push(tag);
      }
      if (signal.aborted) return abortedResult(signal);
      reusable = true;
      return { state: 'succeeded', exitCode: null, message: summarize(tags) };
    } catch (error) {
      settled = true;
      if (signal.aborted) return abortedResult(signal);
      // A failed script leaves a usable session (DISCARD ALL refuses it if a transaction is open).
      reusable = isServerError(error);
      const { text, message } = describeError(error);
      output.write('stderr', text);
      return { state: 'failed', exitCode: null, message };
    }
  } finally {
    settled = true;
    signal.removeEventListener('abort', onAbort);
    if (stopping) await stopping;
    unlisten(client);
    // Reset before the step counts as ended, so that the run's next step finds it.
    if (reusable && !stopping && !signal.aborted) await sessions.giveBack(key, client);
    else await closeSession(client);
  }
};

/** An error the server sent (the session is still there), not one of the socket. */
function isServerError(error: unknown): boolean {
  const e = error as { severity?: unknown; code?: unknown } | null;
  return !!e && typeof e === 'object' && typeof e.severity === 'string' && typeof e.code === 'string' && !/^(08|57P)/.test(e.code);
}

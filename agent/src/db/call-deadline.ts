/**
 * Deadlines on the agent's own database calls. A TCP path that goes silent (an address that moved,
 * a host gone without a reset, a firewall that drops) answers nothing and resets nothing: without a
 * deadline a call waits for the kernel's retransmission timeout (about 15 minutes on Linux) and the
 * agent hangs with it. Keepalives do not help a connection with a request on its way (they only
 * probe idle ones), so every call gets its own deadline here: past it, the connection is destroyed
 * (never returned to the pool), the call fails as unreachable, and the next call opens a new one.
 *
 * The server gets a deadline too, a little longer than the client's, so that the client always
 * gives up first (its error reads as unreachable and the result is spooled) while the server still
 * ends what a vanished client left (a statement, or locks held by a transaction nobody commits).
 * It is set with SET LOCAL in the call's own transaction (BEGIN; SET LOCAL ...; the call; COMMIT),
 * not as a startup `options` parameter nor a session SET: a pooler (PgBouncer) refuses startup
 * options, and in transaction pooling a session SET would land on whichever server connection ran
 * it and leak to other clients. This costs two round trips per call (BEGIN and COMMIT); the
 * agent's calls are few (one heartbeat per interval, batched reports).
 */
import type pg from 'pg';
import type { Queryable } from '../../../client/index.ts';

type QueryResultLike = Awaited<ReturnType<Queryable['query']>>;

/** A call that got no answer in time; `code` makes isUnreachable() see it as a lost connection. */
export class CallDeadlineError extends Error {
  override name = 'CallDeadlineError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly ms: number) {
    super(`no answer from the database within ${ms} ms: connection dropped`);
  }
}

/** Destroys the client's socket at once (client.end() would wait for a goodbye a dead path never carries). */
export function destroyConnection(client: pg.Client | pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** How much longer than the client's deadline the server waits before it ends a call itself. */
export const serverDeadlineMarginMs = 2_000;

/**
 * The text that opens a call's transaction with the server-side deadlines (a constant per pool;
 * only integers computed here go into it). idle_in_transaction_session_timeout covers a client
 * that goes silent between the call and its COMMIT: the locks the call took are released.
 */
export function openingStatement(clientDeadlineMs: number): string {
  const serverMs = Math.ceil(clientDeadlineMs + serverDeadlineMarginMs);
  return `BEGIN; SET LOCAL statement_timeout = ${serverMs}; SET LOCAL idle_in_transaction_session_timeout = ${serverMs}`;
}

/**
 * `pool` as a Queryable whose every call (waiting for a connection included) ends within `ms`,
 * each in its own transaction with the server-side deadlines above.
 * A timed-out connection is destroyed; a connection that failed is dropped; others go back.
 */
export function withDeadline(pool: pg.Pool, ms: number): Queryable {
  const opening = openingStatement(ms);
  return {
    async query(config: { text: string; values?: unknown[]; types?: unknown }): Promise<QueryResultLike> {
      const started = Date.now();
      // A checked-out client's 'error' (the server ended the session mid-call) would be unhandled
      // and end the process; the pending query reports it instead. The handler goes on in
      // pool.connect's callback, synchronously: a promise's continuation comes too late when the
      // server's FATAL arrives in the same packet as the previous call's end (pool.query does so too).
      const onError = () => {};
      // pool.connect() has its own limit (connectionTimeoutMillis): that is the connect deadline.
      const client = await new Promise<pg.PoolClient>((resolve, reject) =>
        pool.connect((error, connected) => {
          if (error || !connected) return reject(error ?? new Error('no connection'));
          connected.on('error', onError);
          resolve(connected);
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CallDeadlineError(ms)), Math.max(1, ms - (Date.now() - started)));
      });
      let open = false;
      try {
        const result = await Promise.race([
          (async () => {
            await client.query(opening);
            open = true;
            const answer = await client.query(config as pg.QueryConfig);
            // Until COMMIT answers, nothing the call did counts (a claim's runs are not ours yet).
            await client.query('COMMIT');
            open = false;
            return answer;
          })(),
          expired,
        ]);
        client.off('error', onError);
        client.release();
        return result as QueryResultLike;
      } catch (error) {
        // A server error inside the transaction: end it so the session goes back clean (a ROLLBACK
        // that fails or hangs loses the session, as any other failure does).
        if (open && !(error instanceof CallDeadlineError) && isServerError(error)) {
          const rolledBack = await Promise.race([client.query('ROLLBACK').then(() => true, () => false), expired.catch(() => false)]);
          if (!rolledBack) {
            client.off('error', onError);
            destroyConnection(client);
            client.release(error as Error);
            throw error;
          }
        }
        if (error instanceof CallDeadlineError) destroyConnection(client);
        const serverError = isServerError(error);
        if (serverError) client.off('error', onError); // else late errors of the dying socket stay handled
        client.release(serverError ? undefined : (error as Error));
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * A server error leaves a good session; anything else may not. 25006 (read-only transaction) is a
 * good session on the wrong server, a standby: dropped, so that the next connection chooses a host
 * again and finds the primary.
 */
function isServerError(error: unknown): boolean {
  return typeof (error as { severity?: unknown }).severity === 'string' && !/^(08|57P|25006)/.test(String((error as { code?: unknown }).code));
}

/** Runs `work` but gives up after `ms` (the work goes on unobserved); for shutdown steps that must not hang. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

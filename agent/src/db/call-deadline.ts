/**
 * Deadlines on the agent's own database calls. A TCP path that goes silent (an address that moved,
 * a host gone without a reset, a firewall that drops) answers nothing and resets nothing: without a
 * deadline a call waits for the kernel's retransmission timeout (about 15 minutes on Linux) and the
 * agent hangs with it. Keepalives do not help a connection with a request on its way (they only
 * probe idle ones), so every call gets its own deadline here: past it, the connection is destroyed
 * (never returned to the pool), the call fails as unreachable, and the next call opens a new one.
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

/**
 * `pool` as a Queryable whose every call (waiting for a connection included) ends within `ms`.
 * A timed-out connection is destroyed; a connection that failed is dropped; others go back.
 */
export function withDeadline(pool: pg.Pool, ms: number): Queryable {
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
      try {
        const result = await Promise.race([client.query(config as pg.QueryConfig), expired]);
        client.off('error', onError);
        client.release();
        return result as QueryResultLike;
      } catch (error) {
        if (error instanceof CallDeadlineError) destroyConnection(client);
        // A server error leaves a good session (single autocommit statements); anything else may not.
        // 25006 (read-only transaction) is a good session on the wrong server: a standby. Dropped,
        // so that the next connection chooses a host again and finds the primary.
        const serverError = typeof (error as { severity?: unknown }).severity === 'string' && !/^(08|57P|25006)/.test(String((error as { code?: unknown }).code));
        if (serverError) client.off('error', onError); // else late errors of the dying socket stay handled
        client.release(serverError ? undefined : (error as Error));
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
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

/**
 * Who a request acts as, and how its API calls reach the database as that role:
 * - a logged-in session: a backend of that role's pool (opened with the password proven at login);
 * - a trusted upstream header (opt-in): a backend of the gateway's own role, `SET LOCAL ROLE <role>`
 *   inside a transaction around each call, so nothing of that role outlives the call on the shared
 *   connection.
 * Both come from one BackendPool (backend-pool.ts), so --max-connections bounds them together.
 */
import type { Queryable } from '../client/index.ts';
import { OWN_KEY, type BackendPool } from './backend-pool.ts';
import { HttpError } from './http.ts';

export interface Caller {
  /** The database role the calls run as. */
  readonly user: string;
  readonly via: 'session' | 'header';
  readonly csrfToken: string;
  /** What per-session limits (event streams) count by: the session id, or `header:<role>`. */
  readonly key: string;
  /**
   * Runs `work` on one connection acting as `user`: with `rollback`, inside a transaction that is
   * rolled back; with `transaction`, inside one that is committed when `work` succeeds (all of its
   * calls or none: the batch call, server/rpc-batch.ts).
   */
  run<T>(work: (db: Queryable) => Promise<T>, options?: RunOptions): Promise<T>;
}

export interface RunOptions {
  rollback?: boolean;
  transaction?: boolean;
}

/** A connection failure (not an SQL error): the backend is not given back to the pool. */
const isConnectionError = (error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P')); // a dropped socket also marks the client dead itself
};

/** Calls on a backend of the role's own pool (logged in as the role). */
export async function runOnBackend<T>(backends: BackendPool, role: string, work: (db: Queryable) => Promise<T>, options: RunOptions = {}): Promise<T> {
  const lease = await backends.acquire(role);
  let broken = false;
  try {
    if (!options.rollback && !options.transaction) return await work(lease.client as unknown as Queryable);
    await lease.client.query('BEGIN');
    let result: T;
    try {
      result = await work(lease.client as unknown as Queryable);
    } catch (error) {
      await lease.client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
    await lease.client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    if (isConnectionError(error)) broken = true;
    throw error;
  } finally {
    lease.release(broken);
  }
}

/**
 * Calls on a backend of the gateway's own role as another role (the gateway's role must be a
 * member of it). A superuser role is refused unless `allowSuperuser`, as at login.
 */
export async function runAsRole<T>(backends: BackendPool, role: string, work: (db: Queryable) => Promise<T>, rollback = false, allowSuperuser = false): Promise<T> {
  const lease = await backends.acquire(OWN_KEY);
  const client = lease.client;
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      // SET LOCAL ROLE as a parameter; is_superuser then tells the assumed role's, in the same round trip.
      const { rows } = await client
        .query<{ superuser: boolean }>("SELECT set_config('role', $1, true) IS NOT NULL AND current_setting('is_superuser') = 'on' AS superuser", [role])
        .catch((error: { code?: string; message?: string }) => {
          // No such role (22023), or the gateway's role is not a member of it (42501).
          throw new HttpError(403, 'role_not_allowed', `the gateway may not act as role "${role}": ${error.message ?? error.code}`);
        });
      if (rows[0]!.superuser && !allowSuperuser) {
        throw new HttpError(403, 'superuser_login_refused', `role "${role}" is a superuser, and the gateway refuses to act as one; name another role, or start the gateway with --allow-superuser-login`);
      }
      const result = await work(client as unknown as Queryable);
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    lease.release(broken);
  }
}

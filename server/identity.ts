/**
 * Who a request acts as, and how its API calls reach the database as that role:
 * - a logged-in session: the role's own pool (opened with its password at login);
 * - a trusted upstream header (opt-in): the gateway's own pool, `SET LOCAL ROLE <role>` inside a
 *   transaction around each call, so nothing of that role outlives the call on the shared connection.
 */
import type pg from 'pg';
import type { Queryable } from '../client/index.ts';
import { HttpError } from './http.ts';

export interface Caller {
  /** The database role the calls run as. */
  readonly user: string;
  readonly via: 'session' | 'header';
  readonly csrfToken: string;
  /** Runs `work` on a connection acting as `user`; with `rollback`, inside a transaction that is rolled back. */
  run<T>(work: (db: Queryable) => Promise<T>, options?: { rollback?: boolean }): Promise<T>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Calls on a pool that is already logged in as the role. */
export async function runOnPool<T>(pool: pg.Pool, work: (db: Queryable) => Promise<T>, rollback = false): Promise<T> {
  if (!rollback) return work(pool as unknown as Queryable);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      return await work(client as unknown as Queryable);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

/** Calls on the gateway's own pool as another role (the gateway's role must be a member of it). */
export async function runAsRole<T>(pool: pg.Pool, role: string, work: (db: Queryable) => Promise<T>, rollback = false): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL ROLE ${quoteIdent(role)}`).catch((error: { code?: string; message?: string }) => {
        // No such role (22023), or the gateway's role is not a member of it (42501).
        throw new HttpError(403, 'role_not_allowed', `the gateway may not act as role "${role}": ${error.message ?? error.code}`);
      });
      const result = await work(client as unknown as Queryable);
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

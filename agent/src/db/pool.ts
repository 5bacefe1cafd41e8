/**
 * The agent's own connections (user SQL steps never use them), as pg pools so that a connection
 * the server drops is replaced on the next call:
 * - control: one connection for register, heartbeat and claim, so that liveness never waits behind
 *   the traffic of busy runs;
 * - reports: `size` connections for begin_step, log_step, end_step, end_run and mail.
 * Idle connections are kept: an idle agent makes one call per heartbeat and should not reconnect
 * for each.
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface ControlDatabase {
  url: string;
  applicationName: string;
}

// The protocol calls are small OLTP statements that JIT compilation never speeds up, but some
// functions pin planner settings (enable_sort = off) whose disable penalty pushes cheap plans past
// jit_above_cost: each agent_heartbeat then spent ~100-300 ms compiling (measured on PG 15).
const sessionOptions = '-c jit=off';

export function createPool(database: ControlDatabase, purpose: 'control' | 'reports', size: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: database.url,
    application_name: `${database.applicationName} ${purpose}`.slice(0, 63),
    options: sessionOptions,
    max: size,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle connection that breaks (server restart, pg_terminate_backend) is dropped by the pool;
  // the next call opens a new one.
  pool.on('error', (error) => logger.debug(`${purpose} connection lost while idle`, { error }));
  return pool;
}

/** Settings of the LISTEN connection: the same server and role as the pool. */
export function listenClientConfig(database: ControlDatabase): pg.ClientConfig {
  return {
    connectionString: database.url,
    application_name: `${database.applicationName} listen`.slice(0, 63),
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/**
 * The agent's own connections (user SQL steps never use them), as pg pools so that a connection
 * the server drops is replaced on the next call:
 * - control: one connection for register, heartbeat and claim, so that liveness never waits behind
 *   the traffic of busy runs;
 * - reports: `size` connections for begin_step, log_step, end_step, end_run and mail.
 * Idle connections are kept: an idle agent makes one call per heartbeat and should not reconnect
 * for each.
 *
 * A silent path must not hang the agent (call-deadline.ts): every connection carries TCP keepalives
 * with short timing (an idle one on a dead path breaks within about keepAliveDelayMs + 10 probes),
 * connecting has a deadline, and each call a server-side statement_timeout a little longer than
 * the client's own deadline (set per call with SET LOCAL, see call-deadline.ts).
 *
 * Nothing is sent at startup that a pooler refuses (PgBouncer closes a connection that sends
 * `options`): only user, database and application_name. The planner settings the agent's calls
 * need (jit = off where a function pins enable_* settings whose penalty pushes cheap plans past
 * jit_above_cost: ~100-300 ms of compiling per agent_heartbeat on PG 15) are SET clauses of those
 * functions in the extension (agent_heartbeat, claim_runs), which hold in any pooling mode.
 *
 * The URL may name several hosts (libpq's `h1:5432,h2:5432`): each new connection tries them in
 * order and keeps the first writable primary (target_session_attrs, default read-write here, since
 * every protocol call writes), so after a failover the agent reconnects to the promoted server
 * (client/multi-host-connection.ts).
 */
import pg from 'pg';
import { multiHostPoolConfig, parseConnectionString, type MultiHostConnection } from '../../../client/multi-host-connection.ts';
import type { Logger } from '../logger.ts';

export interface ControlDatabase {
  url: string;
  /** Where to LISTEN instead of `url` (behind transaction pooling LISTEN needs its own session). */
  listenUrl?: string | null;
  applicationName: string;
}

/** First keepalive probe after this much idleness (the kernel then probes every second or so). */
export const keepAliveDelayMs = 5_000;
/** Longest wait for a new connection (through a black hole the TCP connect may succeed and then nothing). */
const connectTimeoutMs = 10_000;

/** How long the agent waits for its calls: see callDeadlines(). */
export interface CallDeadlines {
  /** register, heartbeat, claim, stop: liveness calls. */
  controlMs: number;
  /** agent_report batches and mail: larger payloads, busier connections. */
  reportMs: number;
}

/**
 * max(heartbeat interval, 5 s) for the liveness calls: a heartbeat that has not come back by the
 * time the next one is due is lost, and the lease (3 intervals) still leaves room for a reconnect.
 * Reports may carry a megabyte and queue behind a busy server's commits: 30 s, at least 3 intervals.
 */
export function callDeadlines(heartbeatIntervalS: number): CallDeadlines {
  return { controlMs: Math.max(heartbeatIntervalS * 1000, 5_000), reportMs: Math.max(3 * heartbeatIntervalS * 1000, 30_000) };
}

/** The agent's database URL parsed (any number of hosts); target_session_attrs defaults to read-write. */
export function agentConnection(url: string): MultiHostConnection {
  return parseConnectionString(url, { defaultTargetSessionAttrs: 'read-write' });
}

export function createPool(database: ControlDatabase, purpose: 'control' | 'reports', size: number, logger: Logger, deadlineMs: number): pg.Pool {
  const pool = new pg.Pool(multiHostPoolConfig(agentConnection(database.url), {
    application_name: `${database.applicationName} ${purpose}`.slice(0, 63),
    max: size,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: Math.min(deadlineMs, connectTimeoutMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: keepAliveDelayMs,
  }));
  // An idle connection that breaks (server restart, pg_terminate_backend) is dropped by the pool;
  // the next call opens a new one.
  pool.on('error', (error) => logger.debug(`${purpose} connection lost while idle`, { error }));
  return pool;
}

/** Settings of the LISTEN connection: the listen URL if given, else the same server and role as the pool. */
export function listenClientConfig(database: ControlDatabase): pg.ClientConfig & { multiHost: MultiHostConnection } {
  return {
    multiHost: agentConnection(database.listenUrl ?? database.url),
    application_name: `${database.applicationName} listen`.slice(0, 63),
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: keepAliveDelayMs,
  };
}

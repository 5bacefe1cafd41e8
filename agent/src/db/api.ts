/**
 * The agent's only door to the database: the protocol functions of docs/agent-protocol.md, called
 * through the generated typed client (no SQL text here, no table names anywhere in the agent), with
 * their jsonb answers parsed into the protocol types.
 */
import { createApi, InvalidStateError, NotFoundError, type Json, type Queryable } from '../../../client/index.ts';
import type { ReportEntry, ReportResult } from '../report-batcher.ts';
import {
  parseClaimedRun,
  parseHeartbeat,
  parseMailMessage,
  parseRegistration,
  type ClaimedRun,
  type Heartbeat,
  type MailMessage,
  type Registration,
} from '../protocol.ts';

export interface RegisterOptions {
  host: string;
  os: string;
  version: string;
  tags: string[];
  maxConcurrent: number;
  /** Seconds. */
  heartbeatInterval: number;
  resumeRuns: number[];
}

export type AgentApi = ReturnType<typeof createAgentApi>;

/** `db`: a pool, wrapped by call-deadline.ts's withDeadline in the agent so no call hangs. */
export function createAgentApi(db: Queryable, name: string) {
  const api = createApi(db);
  return {
    name,
    async register(options: RegisterOptions): Promise<Registration> {
      return parseRegistration(
        await api.registerAgent({
          name,
          host: options.host,
          os: options.os,
          version: options.version,
          tags: options.tags,
          max_concurrent: options.maxConcurrent,
          heartbeat_interval: `${options.heartbeatInterval} seconds`,
          resume_runs: options.resumeRuns,
        }),
      );
    },
    async heartbeat(running: number[]): Promise<Heartbeat> {
      return parseHeartbeat(await api.agentHeartbeat({ name, running }));
    },
    async claim(max: number): Promise<ClaimedRun[]> {
      return (await api.claimRuns({ name, max })).map(parseClaimedRun);
    },
    /** Many reports in one call and one transaction (agent_report); one result per entry. */
    async report(entries: ReportEntry[]): Promise<ReportResult[]> {
      const answer = await api.agentReport({ entries: entries as unknown as Json });
      if (!Array.isArray(answer)) throw new Error(`agent_report returned ${JSON.stringify(answer)}, not an array of results`);
      return answer as unknown as ReportResult[];
    },
    stop(drain: boolean): Promise<void> {
      return api.agentStop({ name, drain });
    },
    async claimNotifications(max: number): Promise<MailMessage[]> {
      return (await api.claimNotifications({ name, max })).map(parseMailMessage);
    },
    notificationSent(id: number): Promise<void> {
      return api.notificationSent({ id });
    },
    notificationFailed(id: number, error: string): Promise<void> {
      return api.notificationFailed({ id, error });
    },
  };
}

// SQLSTATEs meaning "the server is not there (now)": connection exceptions, shutdown, crash
// recovery, too many connections, and 25006 (read_only_sql_transaction): the server we reached is
// a standby (a failover demoted it, or the URL names only standbys), so not the primary: the call
// is retried on a new connection, which chooses among the URL's hosts again. Errors without a
// SQLSTATE come from the socket (refused, reset, timed out, terminated).
const unreachableCodes = /^(08...|57P01|57P02|57P03|53300|53400|25006)$/;

/** The database could not be reached or the connection broke: retry later, result unknown. */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.cause && e.cause !== error && isUnreachable(e.cause)) return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code)) return unreachableCodes.test(code);
  // Node socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, EPIPE...) or pg's own
  // "Connection terminated unexpectedly" / "timeout exceeded when trying to connect".
  return code.startsWith('E') || /connection terminated|timeout exceeded|connection error|not queryable|Client has encountered a connection error/i.test((error as Error).message ?? '');
}

/** The database says the run, step attempt or notification is not (or no longer) in a state to take this. */
export function isGone(error: unknown): boolean {
  return error instanceof InvalidStateError || error instanceof NotFoundError;
}

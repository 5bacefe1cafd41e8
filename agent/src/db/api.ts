/**
 * The agent's only door to the database: the protocol functions of docs/agent-protocol.md, called
 * through the generated typed client (no SQL text here, no table names anywhere in the agent), with
 * their jsonb answers parsed into the protocol types.
 */
import type pg from 'pg';
import { createApi, InvalidStateError, NotFoundError } from '../../../client/index.ts';
import type { OutputStream } from '../output-buffer.ts';
import {
  parseClaimedRun,
  parseHeartbeat,
  parseMailMessage,
  parseRegistration,
  type ClaimedRun,
  type FinalState,
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

export interface EndStepArgs {
  state: FinalState;
  exitCode: number | null;
  message: string | null;
  output: string;
  outputBytes: number;
}

export type AgentApi = ReturnType<typeof createAgentApi>;

export function createAgentApi(pool: pg.Pool, name: string) {
  const api = createApi(pool);
  const endStepArgs = (stepRunId: number, args: EndStepArgs) => ({
    step_run_id: stepRunId,
    state: args.state,
    exit_code: args.exitCode,
    message: args.message,
    output: args.output,
    output_bytes: args.outputBytes,
  });
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
    async beginStep(runId: number, stepId: number, attempt: number): Promise<number> {
      const id = await api.beginStep({ run_id: runId, step_id: stepId, attempt });
      if (typeof id !== 'number') throw new Error(`begin_step returned ${JSON.stringify(id)}, not a step run id`);
      return id;
    },
    logStep(stepRunId: number, chunk: string, stream: OutputStream): Promise<void> {
      return api.logStep({ step_run_id: stepRunId, chunk, stream });
    },
    endStep(stepRunId: number, args: EndStepArgs): Promise<void> {
      return api.endStep(endStepArgs(stepRunId, args));
    },
    /** The last step's end and the run's end in one transaction: one commit instead of two. */
    async endStepAndRun(stepRunId: number, step: EndStepArgs, runId: number, state: FinalState, message: string | null): Promise<void> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const inTransaction = createApi(client);
        await client.query('BEGIN');
        await inTransaction.endStep(endStepArgs(stepRunId, step));
        await inTransaction.endRun({ run_id: runId, state, message });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    endRun(runId: number, state: FinalState, message: string | null): Promise<void> {
      return api.endRun({ run_id: runId, state, message });
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
// recovery, too many connections. Errors without a SQLSTATE come from the socket (refused, reset,
// timed out, terminated).
const unreachableCodes = /^(08...|57P01|57P02|57P03|53300|53400)$/;

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

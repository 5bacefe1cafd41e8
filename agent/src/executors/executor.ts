/**
 * The contract every executor keeps: it takes one step and a context (where to write output, an
 * abort signal, how to resolve secrets, a logger) and returns how the attempt ended. Executors
 * never touch the agent's database: the run flow records what they return.
 */
import type { Logger } from '../logger.ts';
import type { OutputSink } from '../output-buffer.ts';
import type { ClaimedStep, FinalState } from '../protocol.ts';
import type { SecretResolver } from '../secrets.ts';

/** Why a step is being stopped: the signal's reason. */
export class StepAbort extends Error {
  override name = 'StepAbort';
  constructor(
    /** killed: a kill request or the agent shutting down; timed_out: a step or job timeout. */
    readonly state: 'killed' | 'timed_out',
    message: string,
    /** A shorter grace than the usual one (the lease ran out: the stop must be over before anyone retries). */
    readonly graceMs?: number,
    /**
     * The agent gives the run up (its lease ran out, it is stopping): the step is recorded killed,
     * the run abandoned, so that the job's on_abandon decides whether it is retried.
     */
    readonly givesUpRun = false,
  ) {
    super(message);
  }
}

/** Who watches the process groups of running steps (the agent's step guardian). */
export interface ProcessGroupWatch {
  /**
   * A step's group exists; its command waits behind a gate until this settles (the guardian has
   * been told), so that no command runs unguarded.
   */
  started(pgid: number): Promise<void> | void;
  ended(pgid: number): void;
}

export interface StepContext {
  runId: number;
  job: string;
  attempt: number;
  /** Aborted with a StepAbort when the step must stop. */
  signal: AbortSignal;
  output: OutputSink;
  secrets: SecretResolver;
  logger: Logger;
  /** Milliseconds between the polite stop (SIGTERM, query cancel) and the forced one. */
  killGraceMs: number;
  /** Told each process group a step starts and when it is gone (POSIX shell steps). */
  processGroups?: ProcessGroupWatch;
  /**
   * Asks the agent to check its lease now. A step that ended by a signal may have been fenced by
   * the guardian while the agent was paused; if so, the check aborts `signal` with the reason.
   */
  checkLease?(): void;
}

/** The grace period for stopping this step: the usual one, or the abort reason's shorter one. */
export function graceFor(context: StepContext): number {
  const reason = context.signal.reason;
  return reason instanceof StepAbort && reason.graceMs !== undefined ? Math.min(reason.graceMs, context.killGraceMs) : context.killGraceMs;
}

export interface StepResult {
  state: FinalState;
  exitCode: number | null;
  message: string | null;
  /** It ended no later than this (ISO), where that is known and earlier than now (see StepEnd.endedAt). */
  endedBy?: string;
}

export type StepExecutor = (step: ClaimedStep, context: StepContext) => Promise<StepResult>;

/** The result of a step stopped by its signal. */
export function abortedResult(signal: AbortSignal, exitCode: number | null = null): StepResult {
  const reason = signal.reason;
  if (reason instanceof StepAbort) return { state: reason.state, exitCode, message: reason.message };
  return { state: 'killed', exitCode, message: String(reason ?? 'aborted') };
}

/** Resolves after ms, or at once when the signal aborts (then it resolves false). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

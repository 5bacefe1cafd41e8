/**
 * One run, step by step: where it starts (start_position), which step comes next (on_success /
 * on_failure: next, goto, quit_success, quit_failure), disabled steps passed over, retries with
 * delay and backoff, step and job timeouts, kill requests. Executors do the steps; a RunReporter
 * records them (the database, through the spool when it is away). Nothing here talks to the
 * database itself.
 *
 * Outcomes:
 * - quit_success / quit_failure end the run succeeded / failed at once.
 * - Running past the last step ends the run as its last executed step ended (a failed step whose
 *   on_failure is `next` and that is the last one fails the run).
 * - A step that timed out counts as failed for retries and on_failure; a run that fails because of
 *   it is recorded timed_out.
 * - Job timeout, kill request: the current step is stopped and the run ends timed_out or killed
 *   without running further steps. Lost lease, shutdown: the step is stopped (recorded killed) and
 *   the run is given up, recorded abandoned: the job's on_abandon decides whether it is retried.
 * - More than maxStepExecutions step attempts (a goto loop) fail the run.
 */
import { abortedResult, sleep, StepAbort, type StepContext, type StepExecutor, type StepResult } from './executors/executor.ts';
import type { Logger } from './logger.ts';
import { OutputBuffer, type OutputStream } from './output-buffer.ts';
import type { ClaimedRun, ClaimedStep, FinalState, RunEndState } from './protocol.ts';
import type { SecretResolver } from './secrets.ts';
import type { StepEnd } from './spool.ts';

/** Where a run's progress is recorded. */
export interface RunReporter {
  /**
   * An attempt begins; returns its step_run id. Throws RunLostError when the run is no longer this
   * agent's, or the signal's StepAbort when it is stopped while waiting.
   */
  beginStep(runId: number, stepId: number, attempt: number, signal: AbortSignal): Promise<number>;
  /** Live output (best effort). */
  logStep(stepRunId: number, chunk: string, stream: OutputStream): Promise<void>;
  endStep(runId: number, step: StepEnd): Promise<void>;
  /** The run ended; lastStep: the end of its last attempt, not recorded yet (written together). */
  endRun(runId: number, state: RunEndState, message: string | null, lastStep?: StepEnd): Promise<void>;
}

/** The database no longer has the run running on this agent (abandoned, timed out, finished). */
export class RunLostError extends Error {
  override name = 'RunLostError';
}

export interface RunFlowOptions {
  reporter: RunReporter;
  executors: { shell: StepExecutor; sql: StepExecutor };
  secrets: SecretResolver;
  logger: Logger;
  killGraceMs: number;
  output: { keepBytes: number; flushMs: number; flushBytes: number };
  maxStepExecutions?: number;
}

export interface RunOutcome {
  /** lost: the database took the run away; nothing more was recorded. */
  state: RunEndState | 'lost';
  message: string | null;
}

/** Aborts `target` with the source's reason when `source` aborts; returns the unlink function. */
function follow(source: AbortSignal, target: AbortController): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/** A timer that aborts the controller with `reason` after `seconds` (none when null). */
function deadline(seconds: number | null, controller: AbortController, reason: () => StepAbort): () => void {
  if (seconds === null || seconds <= 0) return () => {};
  const timer = setTimeout(() => controller.abort(reason()), Math.min(seconds * 1000, 2 ** 31 - 1));
  return () => clearTimeout(timer);
}

const describeStep = (step: ClaimedStep) => `step ${step.position} "${step.name}"`;
/** "step 2 "load" failed: exit code 3" */
const describeEnd = (step: ClaimedStep, result: StepResult) =>
  result.state === 'succeeded'
    ? `${describeStep(step)} succeeded`
    : `${describeStep(step)} ${result.state === 'timed_out' ? 'timed out' : 'failed'}${result.message ? `: ${result.message}` : ''}`;
/** The state of a run that fails because of this attempt. */
const failedAs = (result: StepResult): FinalState => (result.state === 'timed_out' ? 'timed_out' : 'failed');

/** How a run stopped by its signal ends: as its step, or abandoned when the agent gave it up. */
function stoppedRunEnd(signal: AbortSignal): { state: RunEndState; message: string } {
  const reason = signal.reason;
  const step = abortedResult(signal);
  return { state: reason instanceof StepAbort && reason.givesUpRun ? 'abandoned' : step.state, message: step.message ?? 'stopped' };
}

/**
 * Where a run continues when an agent restarted with one of its step ends in the spool: after
 * that attempt, as if this process had run it (recorded already: the spool replayed it).
 */
export interface ResumePoint {
  stepId: number;
  attempt: number;
  result: StepResult;
}

export async function executeRun(run: ClaimedRun, options: RunFlowOptions, signal: AbortSignal, resume?: ResumePoint): Promise<RunOutcome> {
  const log = options.logger.child({ run: run.runId, job: run.job });
  const maxExecutions = options.maxStepExecutions ?? 1000;
  const runAbort = new AbortController();
  const unfollow = follow(signal, runAbort);
  const clearJobTimeout = deadline(run.timeout, runAbort, () => new StepAbort('timed_out', `job timeout of ${run.timeout} s exceeded`));
  const byPosition = new Map(run.steps.map((s) => [s.position, s]));
  const positions = run.steps.map((s) => s.position);
  const after = (position: number) => positions.find((p) => p > position) ?? null;

  // The end of the latest attempt waits here until the flow knows what comes next: when the run
  // ends with it, both are written in one transaction; otherwise it is written before anything else.
  let unrecorded: StepEnd | undefined;
  const record = async () => {
    if (!unrecorded) return;
    const step = unrecorded;
    unrecorded = undefined;
    await options.reporter.endStep(run.runId, step);
  };
  const finish = async (state: RunEndState, message: string | null): Promise<RunOutcome> => {
    log.info('run finished', { state, message: message ?? undefined });
    const lastStep = unrecorded;
    unrecorded = undefined;
    await options.reporter.endRun(run.runId, state, message, lastStep);
    return { state, message };
  };

  try {
    let resumed = resume && run.steps.find((s) => s.stepId === resume.stepId) ? resume : undefined;
    if (resume && !resumed) return await finish('failed', `the agent restarted after a step this job no longer has (step id ${resume.stepId}); the run cannot continue`);
    if (resumed) log.info('run resumed after an agent restart', { step_id: resumed.stepId, attempt: resumed.attempt, state: resumed.result.state });
    else log.info('run started', { trigger: run.trigger, schedule: run.schedule ?? undefined, scheduled_for: run.scheduledFor, attempt: run.attempt, steps: run.steps.length });
    if (run.steps.length === 0) return await finish('failed', 'the job has no steps');
    let position: number | null = resumed ? run.steps.find((s) => s.stepId === resumed!.stepId)!.position : (positions.find((p) => p >= run.startPosition) ?? null);
    if (position === null) return await finish('failed', `the job has no step at position ${run.startPosition} or after`);
    let last: { step: ClaimedStep; result: StepResult } | undefined;
    let executions = 0;
    /** The last attempt number of each step in this run. */
    const lastAttempt = new Map<number, number>();

    while (position !== null) {
      if (runAbort.signal.aborted) {
        const stopped = stoppedRunEnd(runAbort.signal);
        return await finish(stopped.state, stopped.message);
      }
      const step = byPosition.get(position);
      if (!step) return await finish('failed', `goto step ${position}: the job has no step at that position`);
      if (!step.enabled && resumed?.stepId !== step.stepId) {
        log.info('step disabled: passed over', { step: step.name, position: step.position });
        position = after(position);
        continue;
      }

      // Tries 1..retries + 1 in this visit of the step; a resumed run enters its step with the
      // spooled attempt done. Attempt numbers go on across visits (a goto back to a step), since
      // the database takes only a step's next attempt: one number is one execution.
      let result: StepResult | undefined;
      let tries = 0;
      if (resumed?.stepId === step.stepId) {
        result = resumed.result;
        tries = resumed.attempt; // after a goto loop this counts earlier visits too: fewer retries, never more
        lastAttempt.set(step.stepId, resumed.attempt);
        resumed = undefined;
        if (result.state === 'killed') return await finish('killed', `${describeStep(step)} was killed before the agent restarted`);
      }
      for (;;) {
        if (result) {
          if (result.state === 'succeeded' || runAbort.signal.aborted || tries > step.retries) break;
          await record();
          const delay = step.retryDelay * step.retryBackoff ** (tries - 1);
          log.info('step failed: retrying', { step: step.name, position: step.position, attempt: lastAttempt.get(step.stepId), retry_in_s: delay, reason: result.message ?? undefined });
          if (!(await sleep(delay * 1000, runAbort.signal))) break;
        }
        tries++;
        const attempt = (lastAttempt.get(step.stepId) ?? 0) + 1;
        lastAttempt.set(step.stepId, attempt);
        if (++executions > maxExecutions) {
          return await finish('failed', `more than ${maxExecutions} step attempts in one run (a goto loop?); stopped at ${describeStep(step)}`);
        }
        await record();
        // The run's first attempt was begun by its claim when it is the one the flow picked (the
        // database picks it by the same rule: attempt 1 of the first enabled step from the start).
        const begun = executions === 1 && attempt === 1 && run.begun?.stepId === step.stepId ? run.begun.stepRunId : undefined;
        const attempted = await runAttempt(run, step, attempt, options, runAbort.signal, log, begun);
        result = attempted.result;
        unrecorded = attempted.end;
      }
      const succeeded = result!.state === 'succeeded';
      const action = succeeded ? step.onSuccess : step.onFailure;
      const target = succeeded ? step.onSuccessGoto : step.onFailureGoto;
      if (runAbort.signal.aborted) {
        // Stopped (kill, timeout, lost lease). An attempt that had ended on its own first (an agent
        // resumed from a pause sees its end and its lost lease at once) still decides the run
        // when nothing comes after it: the run did all its work and is recorded as it ended.
        const ownEnd = result!.state === 'succeeded' || result!.state === 'failed';
        const endsHere = action === 'quit_success' || action === 'quit_failure' || (action === 'next' && after(position) === null);
        if (!ownEnd || !endsHere) {
          const stopped = stoppedRunEnd(runAbort.signal);
          return await finish(stopped.state, `${stopped.message} (during ${describeStep(step)})`);
        }
      }
      last = { step, result: result! };
      const what = describeEnd(step, result!);
      switch (action) {
        case 'quit_success':
          return await finish('succeeded', succeeded ? null : `${what}; its on_failure is quit_success`);
        case 'quit_failure':
          return await finish(failedAs(result!), succeeded ? `${what}; its on_success is quit_failure` : what);
        case 'goto':
          if (target === null) return await finish('failed', `${what}; its goto step no longer exists`);
          position = target;
          break;
        case 'next':
          position = after(position);
          break;
      }
    }
    // Ran past the last step: the run ends as its last executed step did.
    if (!last) return await finish('succeeded', 'every step from the start position on is disabled');
    if (last.result.state === 'succeeded') return await finish('succeeded', null);
    return await finish(failedAs(last.result), describeEnd(last.step, last.result));
  } catch (error) {
    if (error instanceof StepAbort) {
      // Stopped before a step could begin (the database was away): record why.
      return await finish(error.givesUpRun ? 'abandoned' : error.state, `${error.message} (before the next step began)`);
    }
    if (error instanceof RunLostError) {
      log.warn('the database no longer has this run running on this agent: stopping it', { reason: error.message });
      runAbort.abort(new StepAbort('killed', error.message));
      return { state: 'lost', message: error.message };
    }
    throw error;
  } finally {
    clearJobTimeout();
    unfollow();
  }
}

/** One attempt of a step: begun in the database, executed; its end is returned, not yet recorded. */
async function runAttempt(
  run: ClaimedRun,
  step: ClaimedStep,
  attempt: number,
  options: RunFlowOptions,
  runSignal: AbortSignal,
  runLog: Logger,
  begunStepRunId?: number,
): Promise<{ result: StepResult; end: StepEnd }> {
  const log = runLog.child({ step: step.name, position: step.position, attempt });
  const stepRunId = begunStepRunId ?? (await options.reporter.beginStep(run.runId, step.stepId, attempt, runSignal));
  const attemptAbort = new AbortController();
  const unfollow = follow(runSignal, attemptAbort);
  const clearStepTimeout = deadline(step.timeout, attemptAbort, () => new StepAbort('timed_out', `step timeout of ${step.timeout} s exceeded`));
  const output = new OutputBuffer({ ...options.output, send: (chunk, stream) => options.reporter.logStep(stepRunId, chunk, stream) });
  const context: StepContext = {
    runId: run.runId,
    job: run.job,
    attempt,
    signal: attemptAbort.signal,
    output,
    secrets: options.secrets,
    logger: log,
    killGraceMs: options.killGraceMs,
  };
  log.info('step started', { kind: step.kind, step_run: stepRunId });
  const started = Date.now();
  let result: StepResult;
  try {
    result = await options.executors[step.kind](step, context);
  } catch (error) {
    result = { state: 'failed', exitCode: null, message: `the agent could not run the step: ${(error as Error).message}` };
  } finally {
    clearStepTimeout();
    unfollow();
  }
  await output.close();
  log.info('step finished', { state: result.state, exit_code: result.exitCode ?? undefined, ms: Date.now() - started, output_bytes: output.totalBytes, message: result.message ?? undefined });
  return { result, end: { stepRunId, state: result.state, exitCode: result.exitCode, message: result.message, output: output.text(), outputBytes: output.totalBytes, stepId: step.stepId, attempt, endedAt: result.endedBy } };
}

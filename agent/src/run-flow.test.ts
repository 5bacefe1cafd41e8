/**
 * The run flow with a recording reporter (no database): the attempt a claim began is used for the
 * run's first attempt, and only for it; every other attempt is begun through the reporter.
 * (test/agent/run-flow.test.ts runs the flow's actions through a real agent and database.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepAbort, type StepResult } from './executors/executor.ts';
import { createLogger } from './logger.ts';
import type { ClaimedRun, ClaimedStep } from './protocol.ts';
import { executeRun, type ResumePoint, type RunReporter } from './run-flow.ts';

function step(stepId: number, position: number, overrides: Partial<ClaimedStep> = {}): ClaimedStep {
  return {
    stepId,
    position,
    name: `s${position}`,
    enabled: true,
    kind: 'shell',
    command: 'true',
    shell: null,
    workingDir: null,
    env: {},
    successCodes: [0],
    timeout: null,
    retries: 0,
    retryDelay: 0,
    retryBackoff: 1,
    onSuccess: 'next',
    onSuccessGoto: null,
    onFailure: 'quit_failure',
    onFailureGoto: null,
    connection: null,
    ...overrides,
  };
}

function run(steps: ClaimedStep[], begun: ClaimedRun['begun'], startPosition = 1): ClaimedRun {
  return { runId: 7, jobId: 1, job: 'j', trigger: 'manual', schedule: null, scheduledFor: '2030-01-01T00:00:00Z', attempt: 1, startPosition, timeout: null, onAbandon: 'fail', begun, steps };
}

/** Runs the flow; each step's results come from `outcomes` (by step id, in order of attempts). */
async function flow(claimed: ClaimedRun, outcomes: Record<number, Array<StepResult['state']>> = {}, resume?: ResumePoint) {
  const begins: Array<[stepId: number, attempt: number]> = [];
  const ends: number[] = [];
  let nextId = 100;
  const reporter: RunReporter = {
    beginStep: async (_runId, stepId, attempt) => {
      begins.push([stepId, attempt]);
      return nextId++;
    },
    logStep: async () => {},
    endStep: async (_runId, end) => {
      ends.push(end.stepRunId);
    },
    endRun: async (_runId, _state, _message, lastStep) => {
      if (lastStep) ends.push(lastStep.stepRunId);
    },
  };
  const executor = async (s: ClaimedStep): Promise<StepResult> => {
    const state = outcomes[s.stepId]?.shift() ?? 'succeeded';
    return { state, exitCode: state === 'succeeded' ? 0 : 1, message: null };
  };
  const outcome = await executeRun(
    claimed,
    {
      reporter,
      executors: { shell: executor, sql: executor },
      secrets: { resolve: async () => '' },
      logger: createLogger({ format: 'json', level: 'error', write: () => {} }),
      killGraceMs: 100,
      output: { keepBytes: 1024, flushMs: 50, flushBytes: 1024 },
    },
    new AbortController().signal,
    resume,
  );
  return { outcome, begins, ends };
}

test('the attempt the claim began is the run\'s first: no begin for it, the others begun as usual', async () => {
  const { outcome, begins, ends } = await flow(run([step(11, 1, { retries: 1, retryDelay: 0 }), step(12, 2)], { stepId: 11, stepRunId: 55 }), { 11: ['failed', 'succeeded'] });
  assert.is(outcome.state, 'succeeded');
  assert.equal(begins, [[11, 2], [12, 1]], 'the retry and the next step are begun; the first attempt is not');
  assert.equal(ends, [55, 100, 101], 'the first attempt ends under the claim\'s step run id');
});

test('a begun attempt of another step than the flow starts with is not used', async () => {
  // The database and the agent pick the first step by the same rule; should they ever differ, the
  // agent begins its own (the database ends the other with the run).
  const { begins, ends } = await flow(run([step(11, 1), step(12, 2)], { stepId: 12, stepRunId: 55 }));
  assert.equal(begins, [[11, 1], [12, 1]]);
  assert.equal(ends, [100, 101]);
});

test('without a begun attempt (an older database, or no enabled step) every attempt is begun', async () => {
  const { begins } = await flow(run([step(11, 1, { enabled: false }), step(12, 2)], null));
  assert.equal(begins, [[12, 1]]);
});

test('a goto back to the first step begins it again: the claim\'s attempt is used once', async () => {
  const steps = [step(11, 1), step(12, 2, { onSuccess: 'goto', onSuccessGoto: 1 })];
  // Step 1 succeeds, step 2 goes back to 1, which fails the run the second time.
  const { outcome, begins, ends } = await flow(run(steps, { stepId: 11, stepRunId: 55 }), { 11: ['succeeded', 'failed'] });
  assert.is(outcome.state, 'failed');
  assert.equal(begins, [[12, 1], [11, 2]], 'the second visit of step 1 is its attempt 2: attempt numbers go on across visits');
  assert.equal(ends, [55, 100, 101]);
});

const ended = (state: StepResult['state']): StepResult => ({ state, exitCode: state === 'succeeded' ? 0 : 1, message: null });

test('resumed after a restart: the run goes on after the spooled attempt, which is not run again', async () => {
  const { outcome, begins } = await flow(run([step(11, 1), step(12, 2), step(13, 3)], null), {}, { stepId: 11, attempt: 1, result: ended('succeeded') });
  assert.is(outcome.state, 'succeeded');
  assert.equal(begins, [[12, 1], [13, 1]]);
});

test('resumed after a failed attempt with retries left: the next attempt of that step', async () => {
  const steps = [step(11, 1), step(12, 2, { retries: 2 }), step(13, 3)];
  const { outcome, begins } = await flow(run(steps, null), { 12: ['failed', 'succeeded'] }, { stepId: 12, attempt: 1, result: ended('failed') });
  assert.is(outcome.state, 'succeeded');
  assert.equal(begins, [[12, 2], [12, 3], [13, 1]]);
});

test('resumed after the last allowed attempt failed: its on_failure applies at once', async () => {
  const { outcome, begins } = await flow(run([step(11, 1, { retries: 1 }), step(12, 2)], null), {}, { stepId: 11, attempt: 2, result: ended('failed') });
  assert.is(outcome.state, 'failed');
  assert.equal(begins, []);
});

test('resumed at a step disabled meanwhile, or one the job no longer has', async () => {
  const disabled = await flow(run([step(11, 1, { enabled: false }), step(12, 2)], null), {}, { stepId: 11, attempt: 1, result: ended('succeeded') });
  assert.equal(disabled.begins, [[12, 1]], 'the spooled attempt still decides what comes next');
  const gone = await flow(run([step(12, 2)], null), {}, { stepId: 11, attempt: 1, result: ended('succeeded') });
  assert.is(gone.outcome.state, 'failed');
  assert.match(gone.outcome.message!, /no longer has/);
  assert.equal(gone.begins, []);
});

/** A run stopped (lost lease) while step `stopAt` was ending on its own: how it is recorded. */
async function stoppedWhileEnding(steps: ClaimedStep[], stopAt: number, why = new StepAbort('killed', 'kill requested')) {
  const controller = new AbortController();
  const endedRuns: Array<[string, string | null]> = [];
  let nextId = 100;
  const executor = async (s: ClaimedStep): Promise<StepResult> => {
    if (s.stepId === stopAt) controller.abort(why);
    return { state: 'succeeded', exitCode: 0, message: null };
  };
  const reporter: RunReporter = { beginStep: async () => nextId++, logStep: async () => {}, endStep: async () => {}, endRun: async (_r, state, message) => void endedRuns.push([state, message]) };
  const outcome = await executeRun(run(steps, null), quietOptions(reporter, executor), controller.signal);
  return { outcome, endedRuns };
}

/** Flow options with a given reporter and one executor for every kind, logging nothing. */
function quietOptions(reporter: RunReporter, executor: (s: ClaimedStep) => Promise<StepResult>) {
  return {
    reporter,
    executors: { shell: executor, sql: executor },
    secrets: { resolve: async () => '' },
    logger: createLogger({ format: 'json', level: 'error', write: () => {} }),
    killGraceMs: 100,
    output: { keepBytes: 1024, flushMs: 50, flushBytes: 1024 },
  };
}

test('stopped while its last step ended on its own: the run is recorded as it ended, since all its work was done', async () => {
  const { outcome } = await stoppedWhileEnding([step(11, 1), step(12, 2)], 12);
  assert.is(outcome.state, 'succeeded');
});

test('stopped (a kill) while a step with more to come ended on its own: the run is recorded killed, nothing more begins', async () => {
  const { outcome, endedRuns } = await stoppedWhileEnding([step(11, 1), step(12, 2)], 11);
  assert.is(outcome.state, 'killed');
  assert.equal(endedRuns.map(([state]) => state), ['killed']);
});

test('given up by the agent (lost lease) with more to come: the run is recorded abandoned, so on_abandon decides', async () => {
  const { outcome, endedRuns } = await stoppedWhileEnding([step(11, 1), step(12, 2)], 11, new StepAbort('killed', 'the agent lost its lease', 100, true));
  assert.is(outcome.state, 'abandoned');
  assert.equal(endedRuns.map(([state]) => state), ['abandoned']);
  assert.match(outcome.message!, /lost its lease/);
});

test('given up by the agent before a step could begin: abandoned too', async () => {
  const controller = new AbortController();
  controller.abort(new StepAbort('killed', 'agent stopping: drain timeout of 1 s exceeded', undefined, true));
  const ended: string[] = [];
  const reporter: RunReporter = { beginStep: async () => 100, logStep: async () => {}, endStep: async () => {}, endRun: async (_r, state) => void ended.push(state) };
  const outcome = await executeRun(run([step(11, 1)], null), quietOptions(reporter, async () => ({ state: 'succeeded', exitCode: 0, message: null })), controller.signal);
  assert.is(outcome.state, 'abandoned');
  assert.equal(ended, ['abandoned']);
});

test.run();

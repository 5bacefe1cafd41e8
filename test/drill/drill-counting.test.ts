/**
 * The drill's counts (bench/drill/counting.ts) on made-up ledgers and snapshots: each count sees
 * the case it claims to see, and a clean history counts nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { count, type RunRow, type Snapshot, type StepRunRow } from '../../bench/drill/counting.ts';
import { executionKey, type Execution } from '../../bench/drill/ledger.ts';
import type { DrillJob } from '../../bench/drill/workload.ts';

const jobs: DrillJob[] = [
  { name: 'drill-1', steps: 2, overlap: 'allow', everyS: 3, longSteps: [] },
  { name: 'drill-2', steps: 1, overlap: 'skip', everyS: 3, longSteps: [] },
];
const t = (s: number) => 1_000_000 + s * 1000;
const run = (id: number, job: string, state: string, retryOf: number | null = null, finishedS: number | null = null): RunRow => ({
  id, job, state, trigger: retryOf ? 'retry' : 'schedule', retry_of: retryOf, agent: 'a1', started_at: null, finished_at: finishedS === null ? null : new Date(t(finishedS)), message: null,
});
const stepRun = (runId: number, position: number, attempt: number, state: string): StepRunRow => ({
  run_id: runId, position, attempt, state, agent: 'a1', exit_code: null, started_at: new Date(0), finished_at: null,
});
const exec = (runId: number, position: number, attempt: number, job: string, startS: number, endS?: number, exitCode = 0, pid = 100 + runId * 10 + position): Execution => ({
  key: executionKey(runId, position, attempt), runId, position, attempt, job, pid, startMs: t(startS), endMs: endS === undefined ? undefined : t(endS), exitCode: endS === undefined ? undefined : exitCode, lastSeenMs: t(endS ?? startS + 1),
});

// A clean history: run 1 (2 steps, the second retried), run 2 of the skip job, run 3 of it later.
const clean = (): { executions: Execution[]; snapshot: Snapshot } => ({
  executions: [exec(1, 1, 1, 'drill-1', 0, 1), exec(1, 2, 1, 'drill-1', 1.1, 2, 1), exec(1, 2, 2, 'drill-1', 2.5, 3), exec(2, 1, 1, 'drill-2', 0, 1), exec(3, 1, 1, 'drill-2', 3, 4)],
  snapshot: {
    runs: [run(1, 'drill-1', 'succeeded'), run(2, 'drill-2', 'succeeded'), run(3, 'drill-2', 'succeeded')],
    stepRuns: [stepRun(1, 1, 1, 'succeeded'), stepRun(1, 2, 1, 'failed'), stepRun(1, 2, 2, 'succeeded'), stepRun(2, 1, 1, 'succeeded'), stepRun(3, 1, 1, 'succeeded')],
  },
});

const counted = (executions: Execution[], snapshot: Snapshot) => count(executions, snapshot, jobs, [], []);

test('a clean history counts nothing', () => {
  const { executions, snapshot } = clean();
  const c = counted(executions, snapshot);
  assert.equal([c.twice, c.redone, c.overlapped, c.recordedOtherwise, c.stuck, c.droppedLogged, c.endsUnrecorded], [0, 0, 0, 0, 0, 0, 0], JSON.stringify(c.findings));
});

test('(a) the same attempt started twice', () => {
  const { executions, snapshot } = clean();
  executions.push(exec(3, 1, 1, 'drill-2', 5, 6, 0, 999));
  assert.is(counted(executions, snapshot).twice, 1);
});

test('(a2) a retry of a run whose work was all done; (c, e2) that run recorded abandoned', () => {
  const { executions, snapshot } = clean();
  snapshot.runs[2] = run(3, 'drill-2', 'abandoned');
  snapshot.stepRuns[4] = stepRun(3, 1, 1, 'abandoned');
  snapshot.runs.push(run(4, 'drill-2', 'succeeded', 3));
  snapshot.stepRuns.push(stepRun(4, 1, 1, 'succeeded'));
  executions.push(exec(4, 1, 1, 'drill-2', 10, 11));
  const c = counted(executions, snapshot);
  assert.equal([c.redone, c.recordedOtherwise, c.endsUnrecorded, c.overlapped], [1, 1, 1, 0]);
});

test('a retry of a run that died mid-way runs its first step again: not a2', () => {
  const executions = [exec(1, 1, 1, 'drill-1', 0, 1), exec(1, 2, 1, 'drill-1', 1.1), exec(5, 1, 1, 'drill-1', 5, 6), exec(5, 2, 1, 'drill-1', 6.1, 7)];
  const snapshot: Snapshot = {
    runs: [run(1, 'drill-1', 'abandoned'), run(5, 'drill-1', 'succeeded', 1)],
    stepRuns: [stepRun(1, 1, 1, 'succeeded'), stepRun(1, 2, 1, 'abandoned'), stepRun(5, 1, 1, 'succeeded'), stepRun(5, 2, 1, 'succeeded')],
  };
  const c = counted(executions, snapshot);
  assert.equal([c.redone, c.overlapped, c.recordedOtherwise], [0, 0, 0], JSON.stringify(c.findings));
  assert.is(c.totals['steps run again by a retry of a run that died mid-way (at least once, by design)'], 1);
});

test('(b) a step outliving its agent beside its retry; two fires of a skip job at once', () => {
  const { executions, snapshot } = clean();
  // Run 1's step 2 attempt 2 has no end line and was last seen alive at 12 s; its retry run 6 started at 10 s.
  executions[2] = { ...exec(1, 2, 2, 'drill-1', 2.5), lastSeenMs: t(12) };
  snapshot.runs[0] = run(1, 'drill-1', 'abandoned');
  snapshot.stepRuns[2] = stepRun(1, 2, 2, 'abandoned');
  snapshot.runs.push(run(6, 'drill-1', 'succeeded', 1));
  executions.push(exec(6, 1, 1, 'drill-1', 10, 11), exec(6, 2, 1, 'drill-1', 11.1, 12.5));
  snapshot.stepRuns.push(stepRun(6, 1, 1, 'succeeded'), stepRun(6, 2, 1, 'succeeded'));
  assert.is(counted(executions, snapshot).overlapped, 2);
  const skip = clean();
  skip.executions[4] = exec(3, 1, 1, 'drill-2', 0.5, 4);
  assert.is(counted(skip.executions, skip.snapshot).overlapped, 1);
});

test('(c) an exit recorded as the other outcome, a result without work, work never recorded', () => {
  const { executions, snapshot } = clean();
  snapshot.stepRuns[1] = stepRun(1, 2, 1, 'succeeded'); // exit 1 recorded succeeded
  snapshot.stepRuns.push(stepRun(9, 1, 1, 'succeeded')); // never started
  executions.push(exec(7, 1, 1, 'drill-2', 20)); // no end line...
  snapshot.stepRuns.push(stepRun(7, 1, 1, 'succeeded')); // ...recorded succeeded
  snapshot.runs.push(run(7, 'drill-2', 'succeeded'));
  const c = counted(executions, snapshot);
  assert.equal([c.recordedOtherwise, c.endsUnrecorded], [3, 0], JSON.stringify(c.findings));
});

test('(d) runs still queued or running; (e2) an end line whose step run is still running', () => {
  const { executions, snapshot } = clean();
  snapshot.runs[1] = run(2, 'drill-2', 'running');
  snapshot.stepRuns[3] = stepRun(2, 1, 1, 'running');
  snapshot.runs.push(run(8, 'drill-1', 'queued'));
  const c = counted(executions, snapshot);
  assert.equal([c.stuck, c.endsUnrecorded, c.recordedOtherwise], [2, 1, 1]);
});

test('rescue: seconds from the SIGKILL to the last of its runs recorded abandoned', () => {
  const { executions, snapshot } = clean();
  snapshot.runs[0] = run(1, 'drill-1', 'abandoned', null, 7);
  const c = count(executions, snapshot, jobs, [], [{ kind: 'sigkill', ms: 1000, agent: 'a1', at: t(2), until: t(3), victims: [1] }]);
  assert.equal(c.rescues.map((r) => [r.victims, r.seconds, r.states]), [[1, 5, '1 abandoned']]);
});

test('work that ended just before its agent was SIGKILLed is reported in flight, not counted; a second earlier it is counted', () => {
  // Run 4 (1 step) ended with exit 0; its agent a1 was SIGKILLed; the run was abandoned and retried as run 5.
  const history = (endS: number) => ({
    executions: [exec(4, 1, 1, 'drill-2', 8, endS), exec(5, 1, 1, 'drill-2', 20, 21)],
    snapshot: { runs: [run(4, 'drill-2', 'abandoned'), run(5, 'drill-2', 'succeeded', 4)], stepRuns: [stepRun(4, 1, 1, 'abandoned'), stepRun(5, 1, 1, 'succeeded')] },
  });
  const kill = [{ kind: 'sigkill', agent: 'a1', at: t(11), until: t(12), killedAt: t(11), ms: 1000 }] as unknown as Parameters<typeof count>[4];
  const justBefore = history(10.9);
  const inFlight = count(justBefore.executions, justBefore.snapshot, jobs, [], kill);
  assert.equal([inFlight.redone, inFlight.recordedOtherwise, inFlight.endsUnrecorded], [0, 0, 0], JSON.stringify(inFlight.findings));
  assert.is(inFlight.findings.filter((f) => f.count === 'in flight').length, 2);
  const earlier = history(9);
  const counted2 = count(earlier.executions, earlier.snapshot, jobs, [], kill);
  assert.equal([counted2.redone, counted2.recordedOtherwise, counted2.endsUnrecorded], [1, 1, 1], JSON.stringify(counted2.findings));
});

test('work that ended while the killed agent was dying (after the signal, before its exit) is in flight; after the exit it is counted', () => {
  const history = (endS: number) => ({
    executions: [exec(4, 1, 1, 'drill-2', 8, endS), exec(5, 1, 1, 'drill-2', 20, 21)],
    snapshot: { runs: [run(4, 'drill-2', 'abandoned'), run(5, 'drill-2', 'succeeded', 4)], stepRuns: [stepRun(4, 1, 1, 'abandoned'), stepRun(5, 1, 1, 'succeeded')] },
  });
  // Signalled at 11 s, seen gone at 11.3 s.
  const kill = [{ kind: 'sigkill', agent: 'a1', at: t(11), until: t(12), killedAt: t(11), goneAt: t(11.3), ms: 1000 }] as unknown as Parameters<typeof count>[4];
  const dying = history(11.2);
  const inFlight = count(dying.executions, dying.snapshot, jobs, [], kill);
  assert.equal([inFlight.redone, inFlight.recordedOtherwise, inFlight.endsUnrecorded], [0, 0, 0], JSON.stringify(inFlight.findings));
  const afterDeath = history(11.5);
  const counted2 = count(afterDeath.executions, afterDeath.snapshot, jobs, [], kill);
  assert.equal([counted2.redone, counted2.recordedOtherwise, counted2.endsUnrecorded], [1, 1, 1], JSON.stringify(counted2.findings));
});

test.run();

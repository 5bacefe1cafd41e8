/**
 * The run flow through a real agent process: retries with delay and backoff, on_success /
 * on_failure actions (next, goto, quit_success, quit_failure), start at step N, disabled steps,
 * step and job timeouts. The runs of each test start together and are checked through get_run.
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { cleanup, createJob, startAgent, startJob, tempDir, waitForRun, type AgentProcess, type RunView } from './support.ts';

let db: TestDatabase;
let agent: AgentProcess;

test.before(async () => {
  db = await createTestDatabase('agent_flow');
  agent = startAgent(db, { name: 'flow', args: ['--max-concurrent', '8'] });
  await agent.waitForLog((l) => l.msg === 'registered', 'registered');
});

test.after(async () => {
  await agent?.stop();
  await cleanup();
  await db?.drop();
});

const seconds = (iso: string) => Date.parse(iso) / 1000;
const positions = (view: RunView) => view.steps.map((s) => s.position);

test('retries: delay, then delay x backoff; success on a later attempt', async () => {
  const marker = path.join(tempDir(), 'second-try');
  await createJob(db, 'always-fails', [{ command: 'echo "attempt $PGAUTOMATOR_ATTEMPT"; exit 1', retries: 2, retry_delay: '0.4 seconds', retry_backoff: 2 }]);
  await createJob(db, 'fails-once', [{ command: `test -f ${marker} || { touch ${marker}; exit 1; }`, retries: 3, retry_delay: '0.1 seconds' }]);
  const [a, b] = await Promise.all([startJob(db, 'always-fails'), startJob(db, 'fails-once')]);
  const failing = await waitForRun(db, a);
  assert.is(failing.run.state, 'failed');
  assert.equal(failing.steps.map((s) => [s.attempt, s.state, s.output]), [
    [1, 'failed', 'attempt 1\n'],
    [2, 'failed', 'attempt 2\n'],
    [3, 'failed', 'attempt 3\n'],
  ]);
  const gap1 = seconds(failing.steps[1].started_at) - seconds(failing.steps[0].finished_at!);
  const gap2 = seconds(failing.steps[2].started_at) - seconds(failing.steps[1].finished_at!);
  // Lower bounds prove the delay and the backoff were applied (database timestamps; a retry is
  // never begun early). Upper bounds only catch a unit mistake (0.4 read as minutes: 24 s), with
  // room for a loaded machine; speed lives in bench/.
  assert.ok(gap1 >= 0.38 && gap1 < 15, `first retry after ${gap1} s (delay 0.4)`);
  assert.ok(gap2 >= 0.78 && gap2 < 15, `second retry after ${gap2} s (0.4 x backoff 2)`);
  const once = await waitForRun(db, b);
  assert.is(once.run.state, 'succeeded');
  assert.equal(once.steps.map((s) => [s.attempt, s.state]), [[1, 'failed'], [2, 'succeeded']]);
});

test('flow actions: goto on success and on failure, quit_success, quit_failure', async () => {
  await createJob(db, 'goto', [
    { name: 'one', command: 'echo one' },
    { name: 'two', command: 'echo never' },
    { name: 'three', command: 'exit 4' },
    { name: 'four', command: 'echo never' },
    { name: 'five', command: 'echo five', on_success: 'quit_success' },
    { name: 'six', command: 'echo never' },
  ]);
  // A goto names an existing step: wire them once all are there.
  await db.pool.query("SELECT pgautomator.update_step('goto', 'one', on_success => 'goto', on_success_goto => 'three')");
  await db.pool.query("SELECT pgautomator.update_step('goto', 'three', on_failure => 'goto', on_failure_goto => 'five')");
  await createJob(db, 'quit-failure-on-success', [{ command: 'true', on_success: 'quit_failure' }, { command: 'echo never' }]);
  await createJob(db, 'quit-success-on-failure', [{ command: 'exit 9', on_failure: 'quit_success' }, { command: 'echo never' }]);
  await createJob(db, 'failure-next-last', [{ command: 'exit 2', on_failure: 'next' }, { command: 'echo ok' }, { command: 'exit 5', on_failure: 'next' }]);
  const runs = await Promise.all(['goto', 'quit-failure-on-success', 'quit-success-on-failure', 'failure-next-last'].map((job) => startJob(db, job)));
  const [goto, quitFailure, quitSuccess, nextLast] = await Promise.all(runs.map((id) => waitForRun(db, id)));
  assert.is(goto.run.state, 'succeeded', goto.run.message ?? '');
  assert.equal(positions(goto), [1, 3, 5]);
  assert.equal(goto.steps.map((s) => s.state), ['succeeded', 'failed', 'succeeded']);
  assert.is(quitFailure.run.state, 'failed');
  assert.match(quitFailure.run.message!, /step 1 "s1" succeeded; its on_success is quit_failure/);
  assert.equal(positions(quitFailure), [1]);
  assert.is(quitSuccess.run.state, 'succeeded');
  assert.equal(positions(quitSuccess), [1]);
  assert.is(nextLast.run.state, 'failed', 'the last step failed: the run failed');
  assert.equal(positions(nextLast), [1, 2, 3]);
  assert.match(nextLast.run.message!, /step 3 "s3" failed: exit code 5/);
});

test('start at step N; disabled steps are passed over', async () => {
  await createJob(db, 'start-at', [{ command: 'echo one' }, { command: 'echo two' }, { command: 'echo three', enabled: false }, { command: 'echo four' }]);
  const atTwo = await waitForRun(db, await startJob(db, 'start-at', '2'));
  assert.is(atTwo.run.state, 'succeeded');
  assert.equal(positions(atTwo), [2, 4]);
  assert.equal(atTwo.steps.map((s) => s.output), ['two\n', 'four\n']);
  const byName = await waitForRun(db, await startJob(db, 'start-at', 's4'));
  assert.equal(positions(byName), [4]);
  const whole = await waitForRun(db, await startJob(db, 'start-at'));
  assert.equal(positions(whole), [1, 2, 4]);
});

test('step timeout: the attempt is killed and recorded timed_out, retried, then the run is timed_out', async () => {
  await createJob(db, 'step-timeout', [{ command: 'echo started; sleep 30', timeout: '0.5 seconds', retries: 1 }, { command: 'echo never' }]);
  const view = await waitForRun(db, await startJob(db, 'step-timeout'));
  assert.is(view.run.state, 'timed_out', view.run.message ?? '');
  assert.equal(view.steps.map((s) => [s.attempt, s.state, s.output]), [
    [1, 'timed_out', 'started\n'],
    [2, 'timed_out', 'started\n'],
  ]);
  assert.match(view.steps[0].message!, /step timeout of 0.5 s exceeded/);
  const took = seconds(view.steps[0].finished_at!) - seconds(view.steps[0].started_at);
  // The step sleeps 30 s: an attempt that ended within 20 s was ended by the 0.5 s timeout.
  assert.ok(took < 20, `the attempt took ${took} s`);
});

test('job timeout: the running step is stopped and the run is timed_out', async () => {
  await createJob(db, 'job-timeout', [{ command: 'true' }, { command: 'sleep 30' }, { command: 'echo never' }], { timeout: '1 second' });
  const view = await waitForRun(db, await startJob(db, 'job-timeout'));
  assert.is(view.run.state, 'timed_out');
  assert.match(view.run.message!, /job timeout of 1 s exceeded \(during step 2 "s2"\)/);
  assert.equal(view.steps.map((s) => [s.position, s.state]), [[1, 'succeeded'], [2, 'timed_out']]);
});

test.run();

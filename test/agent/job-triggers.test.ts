/**
 * Job dependencies with a real agent: a chain extract -> transform -> load, started by hand at its
 * head, runs in order, each run started by the end of the one before it (trigger job, upstream run
 * id), and a failure stops the chain where the trigger asks for success.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { adminApi, cleanup, createJob, startAgent, startJob, tempDir, waitForRun, type AgentProcess } from './support.ts';

let db: TestDatabase;
let agent: AgentProcess;
const trail = () => path.join(tempDir(), 'trail.txt');

test.before(async () => {
  db = await createTestDatabase('job_triggers');
  agent = startAgent(db, { name: 'chain', args: ['--max-concurrent', '4'] });
  await agent.waitForLog((l) => l.msg === 'registered', 'registration');
});

test.after(async () => {
  await agent?.stop();
  await cleanup();
  await db?.drop();
});

/** Runs of a job, oldest first, from the runs view through list_runs. */
async function runsOf(job: string) {
  return (await adminApi(db).listRuns({ job })).sort((a, b) => Number(a.id) - Number(b.id));
}

test('a chain of three jobs runs in order, each started by the end of the previous run', async () => {
  const api = adminApi(db);
  for (const job of ['extract', 'transform', 'load']) {
    // Each step records its job, then lingers a moment so an out-of-order start would overlap it.
    await createJob(db, job, [{ command: `echo "start ${job}" >> '${trail()}'; sleep 0.2; echo "end ${job}" >> '${trail()}'` }]);
  }
  await api.addJobTrigger({ job: 'transform', after: 'extract' });
  await api.addJobTrigger({ job: 'load', after: 'transform', outcome: 'succeeded' });

  const first = await startJob(db, 'extract');
  const load = await waitFor(async () => (await runsOf('load'))[0], { timeoutMs: 30_000, what: 'the load run' });
  const loaded = await waitForRun(db, Number(load.id));
  assert.is(loaded.run.state, 'succeeded');

  assert.equal(readFileSync(trail(), 'utf8').trim().split('\n'),
    ['start extract', 'end extract', 'start transform', 'end transform', 'start load', 'end load']);
  const [e] = await runsOf('extract');
  const [t] = await runsOf('transform');
  const [l] = await runsOf('load');
  assert.is(Number(e.id), first);
  assert.is(t.trigger, 'job');
  assert.is(Number(t.upstream_run_id), Number(e.id));
  assert.is(t.cause, `end of run ${e.id} of job extract`);
  assert.is(Number(l.upstream_run_id), Number(t.id));
  // Each run began after its upstream had ended (the database's clock on both sides).
  assert.ok(new Date(t.started_at!) >= new Date(e.finished_at!), 'transform started after extract ended');
  assert.ok(new Date(l.started_at!) >= new Date(t.finished_at!), 'load started after transform ended');
});

test('a failed upstream run does not start a job that waits for its success, and does start one on failure', async () => {
  const api = adminApi(db);
  await createJob(db, 'broken', [{ command: 'exit 3' }]);
  await createJob(db, 'after-success', [{ command: 'true' }]);
  await createJob(db, 'on-failure', [{ command: 'true' }]);
  await api.addJobTrigger({ job: 'after-success', after: 'broken' });
  await api.addJobTrigger({ job: 'on-failure', after: 'broken', outcome: 'failed' });
  const broken = await startJob(db, 'broken');
  assert.is((await waitForRun(db, broken)).run.state, 'failed');
  const handler = await waitFor(async () => (await runsOf('on-failure'))[0], { timeoutMs: 30_000, what: 'the on-failure run' });
  assert.is((await waitForRun(db, Number(handler.id))).run.state, 'succeeded');
  assert.is(Number(handler.upstream_run_id), broken);
  // The on-failure run was written in the same transaction as the other trigger's decision, so by
  // now a start of after-success would exist too.
  assert.equal(await runsOf('after-success'), []);
});

test.run();

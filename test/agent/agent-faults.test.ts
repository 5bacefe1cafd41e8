/**
 * Faults: an agent SIGKILLed mid-step (its run is abandoned within the heartbeat timeout and the
 * job's on_abandon = retry policy has another agent run it), the agent's database connections
 * terminated again and again while a run goes on, the database unreachable (results spooled and
 * replayed, also across an agent restart), and shutdown with drain.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { adminApi, cleanup, createJob, getRun, startAgent, startJob, stopAgents, tempDir, waitForRun, type AgentProcess } from './support.ts';
import { startProxy, viaProxy, type Proxy } from './tcp-proxy.ts';

let db: TestDatabase;
let proxy: Proxy;
const orphans: number[] = [];

test.before(async () => {
  db = await createTestDatabase('agent_faults');
  const url = new URL(db.url);
  proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
});

// A failed test must not leave its agents claiming the next test's runs.
test.after.each(async () => {
  await stopAgents();
  await proxy.restore();
});

test.after(async () => {
  for (const pgid of orphans) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await cleanup();
  await proxy?.close();
  await db?.drop();
});

const registered = (agent: AgentProcess) => agent.waitForLog((l) => l.msg === 'registered', 'registered');

test('SIGKILL mid-step: the run is abandoned within the heartbeat timeout; the retry runs on another agent', async () => {
  const marker = path.join(tempDir(), 'abandon.marker');
  const pidFile = path.join(tempDir(), 'abandon.pid');
  await createJob(db, 'abandon-me', [{ command: `if [ -f ${marker} ]; then echo "second run"; else touch ${marker}; echo $$ > ${pidFile}; sleep 300; fi` }], { on_abandon: 'retry', agent_tags: ['fault'] });
  const first = startAgent(db, { name: 'doomed', args: ['--tags', 'fault', '--heartbeat-interval', '1'] });
  await registered(first);
  const runId = await startJob(db, 'abandon-me');
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), { what: 'the step started' });
  orphans.push(Number(readFileSync(pidFile, 'utf8').trim())); // SIGKILL leaves the step's shell behind
  const second = startAgent(db, { name: 'survivor', args: ['--tags', 'fault', '--heartbeat-interval', '1'] });
  await registered(second);
  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  const abandoned = await waitForRun(db, runId, ['abandoned'], 15_000);
  const within = (Date.now() - killedAt) / 1000;
  // dead_after = lease (3 intervals) + margin (greatest(interval, 5 s)) = 8 s; the sweep runs with
  // the survivor's next heartbeat or claim.
  assert.ok(within >= 3 && within < 8 + 3, `abandoned ${within} s after the kill (heartbeat 1 s, dead after 8 s)`);
  assert.match(abandoned.run.message!, /doomed stopped heartbeating/);
  assert.equal(abandoned.steps.map((s) => s.state), ['abandoned']);
  const runs = (await adminApi(db).listRuns({ job: 'abandon-me' })) as Array<{ id: number; trigger: string; retry_of: number | null }>;
  const retry = runs.find((r) => r.retry_of === runId);
  assert.ok(retry, 'a retry was queued');
  assert.is(retry!.trigger, 'retry');
  const done = await waitForRun(db, retry!.id);
  assert.is(done.run.state, 'succeeded');
  assert.is(done.run.agent, 'survivor');
  assert.is(done.run.attempt, 2);
  assert.is(done.steps[0].output, 'second run\n');
  await second.stop();
});

test('connections terminated again and again while a run goes on: the agent reconnects and records it all', async () => {
  await createJob(db, 'through-cuts', [
    { command: 'for i in 1 2 3 4 5 6 7 8; do echo "a$i"; sleep 0.25; done' },
    { command: 'sleep 1; echo b' },
    { command: 'for i in 1 2 3 4; do echo "c$i"; sleep 0.25; done' },
  ]);
  const agent = startAgent(db, { name: 'cut', args: ['--output-flush-ms', '50'] });
  await registered(agent);
  const runId = await startJob(db, 'through-cuts');
  await waitForRun(db, runId, ['running']);
  // Every 400 ms, while the steps run (about 4 s), terminate every backend of the agent
  // (control pool and LISTEN connection); then let it finish.
  let terminated = 0;
  const until = Date.now() + 4000;
  while (Date.now() < until) {
    const r = await db.pool.query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'pgautomator agent cut%'");
    terminated += r.rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const view = await waitForRun(db, runId, undefined, 30_000);
  assert.ok(terminated >= 5, `only ${terminated} backends were terminated`);
  assert.is(view.run.state, 'succeeded', view.run.message ?? '');
  assert.equal(view.steps.map((s) => [s.position, s.attempt, s.state]), [[1, 1, 'succeeded'], [2, 1, 'succeeded'], [3, 1, 'succeeded']]);
  assert.is(view.steps[0].output, 'a1\na2\na3\na4\na5\na6\na7\na8\n');
  assert.is(view.steps[2].output, 'c1\nc2\nc3\nc4\n');
  await agent.stop();
});

test('database unreachable: a finished step is spooled, the next waits, both are recorded when it is back', async () => {
  await createJob(db, 'spooled', [{ command: 'sleep 1.5; echo one' }, { command: 'echo two' }]);
  const agent = startAgent(db, { name: 'spooler', databaseUrl: viaProxy(db.url, proxy) });
  await registered(agent);
  const runId = await startJob(db, 'spooled');
  await waitFor(async () => (await getRun(db, runId)).steps.length === 1, { what: 'step 1 started' });
  await proxy.cut();
  await agent.waitForLog((l) => l.msg === 'database unreachable: result spooled' && l.op === 'end_step', 'end_step spooled');
  const spoolFile = path.join(tempDir(), 'spooler.spool');
  assert.match(readFileSync(spoolFile, 'utf8'), /"op":"end_step"/);
  assert.is((await getRun(db, runId)).steps[0].state, 'running', 'nothing reached the database meanwhile');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const restoredAt = (await db.pool.query('SELECT clock_timestamp() AS t')).rows[0].t as Date;
  await proxy.restore();
  const view = await waitForRun(db, runId, undefined, 60_000);
  assert.is(view.run.state, 'succeeded', view.run.message ?? '');
  // The spooled end keeps the time the step ended, not the time it was replayed.
  const ended = (await db.pool.query('SELECT finished_at FROM pgautomator.step_run WHERE job_run_id = $1 AND position = 1', [runId])).rows[0].finished_at as Date;
  assert.ok(ended.getTime() < restoredAt.getTime() - 500, `step 1 ended at ${ended.toISOString()}, the database was back at ${restoredAt.toISOString()}`);
  assert.equal(view.steps.map((s) => [s.position, s.attempt, s.state, s.output]), [[1, 1, 'succeeded', 'one\n'], [2, 1, 'succeeded', 'two\n']]);
  assert.ok(agent.logs.some((l) => l.msg === 'spool replayed' && (l.written as number) >= 1));
  assert.is(readFileSync(spoolFile, 'utf8'), '', 'the spool is empty again');
  await agent.stop();
});

test('database unreachable, then the agent restarts: its spooled results are written after it registers again', async () => {
  await createJob(db, 'spooled-restart', [{ command: 'sleep 1.5; echo done' }]);
  const first = startAgent(db, { name: 'restarter', databaseUrl: viaProxy(db.url, proxy) });
  await registered(first);
  const runId = await startJob(db, 'spooled-restart');
  await waitFor(async () => (await getRun(db, runId)).steps.length === 1, { what: 'the step started' });
  await proxy.cut();
  await first.waitForLog((l) => l.msg === 'database unreachable: result spooled' && l.op === 'end_run', 'end_run spooled');
  assert.is(await first.stop(), 0);
  assert.is((await getRun(db, runId)).run.state, 'running');
  await proxy.restore();
  const second = startAgent(db, { name: 'restarter', databaseUrl: viaProxy(db.url, proxy) });
  const view = await waitForRun(db, runId, undefined, 60_000);
  assert.is(view.run.state, 'succeeded', view.run.message ?? '');
  assert.is(view.steps[0].output, 'done\n');
  const registration = await second.waitForLog((l) => l.msg === 'registered', 'registered again');
  assert.is(registration.resumed, 1);
  assert.is(registration.abandoned, undefined, 'nothing was abandoned');
  await second.stop();
});

test('database unreachable, step 1 spooled, the agent SIGKILLed: restarted, it records step 1 and runs step 2 (nothing stays running)', async () => {
  const marker = path.join(tempDir(), 'resume.step1');
  await createJob(db, 'resume-after-kill', [{ command: `sleep 1; echo one; echo x >> ${marker}` }, { command: 'echo two' }]);
  const first = startAgent(db, { name: 'resumer', databaseUrl: viaProxy(db.url, proxy) });
  await registered(first);
  const runId = await startJob(db, 'resume-after-kill');
  await waitFor(async () => (await getRun(db, runId)).steps.length === 1, { what: 'step 1 started' });
  await proxy.cut();
  await first.waitForLog((l) => l.msg === 'database unreachable: result spooled' && l.op === 'end_step', 'end_step of step 1 spooled');
  first.child.kill('SIGKILL');
  await first.exited;
  await proxy.restore();
  const second = startAgent(db, { name: 'resumer', databaseUrl: viaProxy(db.url, proxy) });
  const view = await waitForRun(db, runId, undefined, 30_000);
  assert.is(view.run.state, 'succeeded', view.run.message ?? '');
  assert.equal(view.steps.map((s) => [s.position, s.attempt, s.state, s.output]), [[1, 1, 'succeeded', 'one\n'], [2, 1, 'succeeded', 'two\n']]);
  assert.is(readFileSync(marker, 'utf8'), 'x\n', 'step 1 ran once');
  await second.stop();
});

test('SIGTERM drains: a step finishing within the drain timeout is recorded; past it, the step is killed and the run given up (abandoned)', async () => {
  await createJob(db, 'short-drain', [{ command: 'sleep 1; echo finished' }]);
  await createJob(db, 'long-drain', [{ command: 'sleep 60' }]);
  const patient = startAgent(db, { name: 'patient', args: ['--drain-timeout', '20'] });
  await registered(patient);
  const shortRun = await startJob(db, 'short-drain');
  await waitForRun(db, shortRun, ['running']);
  assert.is(await patient.stop(), 0);
  const short = await getRun(db, shortRun);
  assert.is(short.run.state, 'succeeded');
  assert.is(short.steps[0].output, 'finished\n');

  const hasty = startAgent(db, { name: 'hasty', args: ['--drain-timeout', '0.5'] });
  await registered(hasty);
  const longRun = await startJob(db, 'long-drain');
  await waitFor(async () => (await getRun(db, longRun)).steps.length === 1, { what: 'the step started' });
  assert.is(await hasty.stop(), 0);
  const long = await getRun(db, longRun);
  // Given up by its stopping agent, not failed of its own: abandoned (on_abandon decides).
  assert.is(long.run.state, 'abandoned');
  assert.is(long.steps[0].state, 'killed');
  assert.match(long.run.message!, /drain timeout of 0.5 s exceeded/);
  const agents = (await adminApi(db).listAgents()) as Array<{ name: string; state: string }>;
  assert.equal(agents.filter((a) => ['patient', 'hasty'].includes(a.name)).map((a) => a.state), ['offline', 'offline']);
});

test.run();

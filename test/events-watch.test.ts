/**
 * Progress events (run_started, step_output, run_finished) reach a real LISTEN only while someone
 * watches (watch_events); the events agents wait for (run_queued, kill) always do. Notifications
 * leave at commit, so this is checked from a second connection, not inside one pgTAP transaction.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { createApi } from '../client/index.ts';
import { createTestDatabase, waitFor, type TestDatabase } from './support/database.ts';

let db: TestDatabase;
let listener: pg.Client;
const events: Array<Record<string, unknown>> = [];

test.before(async () => {
  db = await createTestDatabase('events_watch');
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => events.push(JSON.parse(n.payload ?? '{}')));
  await listener.query('LISTEN pgautomator');
  const api = createApi(db.pool);
  await api.createJob({ name: 'watched', overlap: 'allow' });
  await api.addStep({ job: 'watched', name: 'one', kind: 'shell', command: 'true' });
  await api.registerAgent({ name: 'watch-agent', host: 'test', max_concurrent: 10 });
});

test.after(async () => {
  await listener?.end();
  await db?.drop();
});

/** One run through the protocol: started by hand, claimed, one attempt with output, ended. */
async function oneRun(): Promise<number> {
  const api = createApi(db.pool);
  const runId = (await api.startJob({ job: 'watched' })) as number;
  const claimed = (await api.claimRuns({ name: 'watch-agent', max: 1 })) as Array<{ run_id: number; steps: Array<{ step_id: number }> }>;
  assert.is(claimed[0]?.run_id, runId);
  const stepRunId = (await api.beginStep({ run_id: runId, step_id: claimed[0].steps[0].step_id })) as number;
  await api.logStep({ step_run_id: stepRunId, chunk: 'hello\n' });
  await api.endRun({ run_id: runId, state: 'succeeded' });
  return runId;
}

const of = (runId: number) => events.filter((e) => e.run_id === runId).map((e) => e.event);

test('nobody watching: the run is queued and claimed without progress events', async () => {
  const runId = await oneRun();
  await waitFor(() => of(runId).includes('run_queued'), { what: 'run_queued' });
  // A marker sent after the run's commits: once it arrives, everything before it has too.
  await db.pool.query("SELECT pg_notify('pgautomator', '{\"event\":\"marker\",\"run_id\":0}')");
  await waitFor(() => of(0).includes('marker'), { what: 'the marker' });
  assert.equal(of(runId), ['run_queued']);
});

test('while watched, run_started, step_output and run_finished follow', async () => {
  const until = (await createApi(db.pool).watchEvents({ seconds: 60 })) as Date;
  assert.ok(until.getTime() > Date.now() + 50_000, `watched until ${until.toISOString()}`);
  const runId = await oneRun();
  await waitFor(() => of(runId).includes('run_finished'), { what: 'run_finished' });
  assert.equal(of(runId), ['run_queued', 'run_started', 'step_output', 'run_finished']);
});

test.run();

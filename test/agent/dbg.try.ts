import { createTestDatabase } from '../support/database.ts';
import { cleanup, createJob, getRun, startAgent, startJob, waitForRun } from './support.ts';
const db = await createTestDatabase('agent_dbg');
try {
  await createJob(db, 'through-cuts', [
    { command: 'for i in 1 2 3 4 5 6 7 8; do echo "a$i"; sleep 0.25; done' },
    { command: 'sleep 1; echo b' },
  ]);
  const agent = startAgent(db, { name: 'cut', args: ['--output-flush-ms', '50'] });
  await agent.waitForLog((l) => l.msg === 'registered', 'registered');
  const runId = await startJob(db, 'through-cuts');
  await waitForRun(db, runId, ['running']);
  let n = 0;
  const t0 = Date.now();
  while ((await getRun(db, runId)).run.state === 'running' && Date.now() - t0 < 8000) {
    const r = await db.pool.query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'pgautomator agent cut%'");
    n += r.rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  console.log('terminated', n, (await getRun(db, runId)).run.state);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  console.log(JSON.stringify((await getRun(db, runId)).steps.map(s => [s.position, s.state])));
  await agent.stop();
  console.log(agent.output().split('\n').map(l => l.slice(0, 300)).join('\n'));
} finally {
  await cleanup();
  await db.drop();
}

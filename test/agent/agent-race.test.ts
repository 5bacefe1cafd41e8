/**
 * Two agents race over 5,000 queued runs of a no-op step (`SELECT 1` against an in-memory SQLite
 * database: a real SQL step, without the cost of a process per run that a shell `true` would add
 * on a 2-core machine): every run is executed exactly once (one step attempt per run, each
 * succeeded), and both agents take part. The checks read the tables directly, as the
 * claim-concurrency test does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { adminApi, cleanup, startAgent, type AgentProcess } from './support.ts';

const RUNS = 5_000;
let db: TestDatabase;
let agents: AgentProcess[] = [];

test.before(async () => {
  db = await createTestDatabase('agent_race');
});

test.after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await cleanup();
  await db?.drop();
});

test(`two agents, ${RUNS} runs: each executed exactly once`, async () => {
  const api = adminApi(db);
  await api.createJob({ name: 'noop', overlap: 'allow' });
  await api.createConnection({ name: 'memory', driver: 'sqlite', dsn: ':memory:' });
  await api.addStep({ job: 'noop', name: 'select-1', kind: 'sql', connection: 'memory', command: 'SELECT 1' });
  await db.pool.query('SELECT pgautomator.start_job($1) FROM generate_series(1, $2::int)', ['noop', RUNS]);
  const started = Date.now();
  agents = ['racer-a', 'racer-b'].map((name) => startAgent(db, { name, args: ['--max-concurrent', '16', '--log-level', 'warn'] }));
  await waitFor(
    async () => (await db.pool.query("SELECT count(*)::int AS n FROM pgautomator.job_run WHERE state IN ('queued', 'running')")).rows[0].n === 0,
    { timeoutMs: 400_000, intervalMs: 500, what: `${RUNS} runs finished` },
  );
  const seconds = (Date.now() - started) / 1000;
  const states = await db.pool.query('SELECT state, count(*)::int AS n FROM pgautomator.job_run GROUP BY state');
  const others = await db.pool.query("SELECT state, message, count(*)::int AS n FROM pgautomator.job_run WHERE state <> 'succeeded' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5");
  assert.equal(states.rows, [{ state: 'succeeded', n: RUNS }], others.rows.map((r) => `${r.n} ${r.state}: ${r.message}`).join('; '));
  const attempts = await db.pool.query(`
    SELECT count(*)::int AS runs,
           count(*) FILTER (WHERE n = 1)::int AS once,
           max(n)::int AS most
      FROM (SELECT r.id, count(s.id) AS n FROM pgautomator.job_run r LEFT JOIN pgautomator.step_run s ON s.job_run_id = r.id GROUP BY r.id) x`);
  assert.equal(attempts.rows[0], { runs: RUNS, once: RUNS, most: 1 });
  const steps = await db.pool.query("SELECT count(*)::int AS n FROM pgautomator.step_run WHERE state = 'succeeded'");
  assert.is(steps.rows[0].n, RUNS);
  const shares = await db.pool.query('SELECT a.name, count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id GROUP BY a.name ORDER BY a.name');
  assert.is(shares.rows.length, 2, 'both agents ran some');
  for (const row of shares.rows) assert.ok(row.n > RUNS / 10, `${row.name} ran only ${row.n}`);
  console.log(`  ${RUNS} runs in ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(0)} runs/s end to end); shares: ${shares.rows.map((r) => `${r.name} ${r.n}`).join(', ')}`);
});

test.run();

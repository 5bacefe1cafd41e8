/**
 * Burst drain (`npx tsx bench/agent-drain.ts`): 10,000 jobs attached to one schedule that fires
 * once, all at the same instant; each job has one no-op shell step (`true`). Two agents (max 16
 * concurrent each) are running and idle when the instant comes. Measures the time from the fire to
 * the last run finished, i.e. runs per second end to end (fire, claim, begin_step, the step,
 * end_step, end_run), and checks every run ran exactly once.
 * PGAUTOMATOR_BENCH_RUNS changes the size; PGAUTOMATOR_BENCH_STEP=sqlite uses a SQLite `SELECT 1`
 * step instead of a shell, PGAUTOMATOR_BENCH_STEP=postgres a `SELECT 1` on the bench database (its
 * backends are not counted in the database CPU below: they are the step's, not the protocol's); PGAUTOMATOR_BENCH_MAX_CONCURRENT sets the agents' --max-concurrent.
 *
 * It also counts the CPU time the agents and their database backends (by connection: control for
 * claims, reports for agent_report, listen) spent from the fire to the last run (Linux /proc): CPU
 * per run, and the rate the two cores could sustain at that cost, figures that a shared machine's
 * load moves much less than it moves wall time. The agents' shell children are not counted.
 */
import os from 'node:os';
import { createTestDatabase, waitFor } from '../test/support/database.ts';
import { cleanup, startAgent } from '../test/agent/support.ts';
import { CpuMeter, loadNow, machine, sleep } from './agent-bench-support.ts';

const RUNS = Number(process.env.PGAUTOMATOR_BENCH_RUNS ?? 10_000);
const STEP = process.env.PGAUTOMATOR_BENCH_STEP ?? 'shell';
const MAX_CONCURRENT = process.env.PGAUTOMATOR_BENCH_MAX_CONCURRENT ?? '16';
const stepLabel = ({ sqlite: 'SQLite SELECT 1', postgres: 'PostgreSQL SELECT 1' } as Record<string, string>)[STEP] ?? 'shell true';

const db = await createTestDatabase('bench_drain');
try {
  console.log(`machine: ${await machine(db)}`);
  const t0 = Date.now();
  const fireAt = new Date(Date.now() + 15_000 + Math.ceil(RUNS / 1000) * 1000);
  fireAt.setUTCMilliseconds(0);
  const spec = { type: 'once', date: fireAt.toISOString().slice(0, 10), time_zone: 'UTC', sub: { type: 'once', time: fireAt.toISOString().slice(11, 19) } };
  await db.pool.query("SELECT pgautomator.create_schedule('burst', $1)", [JSON.stringify(spec)]);
  await db.pool.query("SELECT pgautomator.create_job('burst-' || i, misfire_grace => '1 hour') FROM generate_series(1, $1::int) i", [RUNS]);
  if (STEP === 'sqlite') {
    await db.pool.query("SELECT pgautomator.create_connection('mem', 'sqlite', ':memory:')");
    await db.pool.query("SELECT pgautomator.add_step('burst-' || i, 'noop', 'sql', 'SELECT 1', connection => 'mem') FROM generate_series(1, $1::int) i", [RUNS]);
  } else if (STEP === 'postgres') {
    // The bench database itself (trust authentication here: no secret).
    await db.pool.query("SELECT pgautomator.create_connection('self', 'postgres', $1)", [db.url]);
    await db.pool.query("SELECT pgautomator.add_step('burst-' || i, 'noop', 'sql', 'SELECT 1', connection => 'self') FROM generate_series(1, $1::int) i", [RUNS]);
  } else {
    await db.pool.query("SELECT pgautomator.add_step('burst-' || i, 'noop', 'shell', 'true') FROM generate_series(1, $1::int) i", [RUNS]);
  }
  await db.pool.query("SELECT pgautomator.attach_schedule('burst-' || i, 'burst') FROM generate_series(1, $1::int) i", [RUNS]);
  console.log(`fixture: ${RUNS} jobs in ${((Date.now() - t0) / 1000).toFixed(1)} s; the fire is at ${fireAt.toISOString()}`);
  const agents = ['drain-a', 'drain-b'].map((name) => startAgent(db, { name, args: ['--heartbeat-interval', '10', '--max-concurrent', MAX_CONCURRENT, '--log-level', 'warn'] }));
  if (Date.now() > fireAt.getTime() - 5000) throw new Error('the fixture took too long: the fire is too close');
  await sleep(fireAt.getTime() - Date.now());
  const agentCpu = new CpuMeter();
  for (const agent of agents) if (agent.child.pid) agentCpu.add(agent.child.pid);
  // The agents' backends, by connection purpose (the application name ends with control, reports or listen).
  const backendCpu = new Map<string, CpuMeter>();
  const countBackends = async (fromBirth: boolean) => {
    const { rows } = await db.pool.query("SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pgautomator agent %'");
    for (const row of rows as { pid: number; application_name: string }[]) {
      const purpose = row.application_name.split(' ').pop()!;
      if (!backendCpu.has(purpose)) backendCpu.set(purpose, new CpuMeter());
      backendCpu.get(purpose)!.add(row.pid, fromBirth);
    }
  };
  await countBackends(false);
  const start = Date.now();
  await waitFor(
    async () => {
      const r = await db.pool.query("SELECT count(*) FILTER (WHERE state = 'succeeded')::int AS done, count(*)::int AS total FROM pgautomator.job_run");
      return r.rows[0].total === RUNS && r.rows[0].done === RUNS;
    },
    { timeoutMs: 3_600_000, intervalMs: 200, what: 'all runs done' },
  );
  const wall = (Date.now() - start) / 1000;
  // Backends opened during the burst (pool growth, reconnects) count from their birth.
  await countBackends(true);
  const agentMs = agentCpu.totalMs();
  const backendMs = [...backendCpu].map(([purpose, meter]) => [purpose, meter.totalMs()] as const);
  const databaseMs = backendMs.reduce((sum, [, ms]) => sum + ms, 0);
  const span = await db.pool.query(
    `SELECT extract(epoch FROM max(finished_at) - min(scheduled_for)) AS seconds,
            extract(epoch FROM max(started_at) - min(scheduled_for)) AS last_claim,
            (SELECT count(*) FROM pgautomator.step_run)::int AS step_runs
       FROM pgautomator.job_run`,
  );
  const shares = await db.pool.query('SELECT a.name, count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id GROUP BY 1 ORDER BY 1');
  await Promise.all(agents.map((a) => a.stop()));
  const seconds = Number(span.rows[0].seconds);
  console.log(`| runs | step | fire -> last run finished (s) | runs/s end to end | step runs | shares |`);
  console.log(`|---:|---|---:|---:|---:|---|`);
  console.log(`| ${RUNS} | ${stepLabel} | ${seconds.toFixed(1)} | ${(RUNS / seconds).toFixed(0)} | ${span.rows[0].step_runs} | ${shares.rows.map((r) => `${r.name} ${r.n}`).join(', ')} |`);
  const perRun = (ms: number) => (ms / RUNS).toFixed(2);
  const sustainable = (os.cpus().length * 1000 * RUNS) / (agentMs + databaseMs);
  console.log(`CPU per run: agents ${perRun(agentMs)} ms, their database backends ${perRun(databaseMs)} ms (${backendMs.map(([purpose, ms]) => `${purpose} ${perRun(ms)}`).join(', ')}); at that cost ${os.cpus().length} cores sustain about ${sustainable.toFixed(0)} runs/s`);
  console.log(`(observer wall clock ${wall.toFixed(1)} s; last claim ${Number(span.rows[0].last_claim).toFixed(1)} s after the fire; load average at the end ${loadNow()})`);
} finally {
  await cleanup();
  await db.drop();
}

/**
 * Fire lateness (`npx tsx bench/agent-lateness.ts`): 1,000 schedules, each firing every minute at
 * its own second of the minute (schedule i at second i mod 60, so about 17 fires per second), each
 * attached to a job with one shell step that prints its own start (`date +%s.%N`); two agents with default settings (heartbeat 10 s,
 * max 4 concurrent... raised to 16 here so that bursts of 17 do not queue) run for 2.5 minutes.
 *
 * Lateness per run: scheduled_for -> the run's claim (job_run.started_at, database clock),
 * scheduled_for -> its first attempt begun (step_run.started_at: the claim begins it) and
 * scheduled_for -> the step running (the time the shell printed; agent and database share a host
 * and its clock here). Prints p50 / p99 / max.
 * PGAUTOMATOR_BENCH_SCHEDULES and PGAUTOMATOR_BENCH_SECONDS change the size and the duration;
 * PGAUTOMATOR_BENCH_STEP=postgres runs a PostgreSQL step that selects clock_timestamp() instead.
 */
import { createTestDatabase } from '../test/support/database.ts';
import { cleanup, startAgent } from '../test/agent/support.ts';
import { loadNow, machine, percentile, sleep, todayUtc } from './agent-bench-support.ts';

const SCHEDULES = Number(process.env.PGAUTOMATOR_BENCH_SCHEDULES ?? 1000);
const SECONDS = Number(process.env.PGAUTOMATOR_BENCH_SECONDS ?? 150);
const STEP = process.env.PGAUTOMATOR_BENCH_STEP ?? 'shell';

const db = await createTestDatabase('bench_lateness');
try {
  console.log(`machine: ${await machine(db)}`);
  const spec = (i: number) => JSON.stringify({ type: 'daily', start_date: todayUtc(), time_zone: 'UTC', sub: { type: 'every', every: 1, unit: 'minute', start_time: `00:00:${String(i % 60).padStart(2, '0')}` } });
  const t0 = Date.now();
  await db.pool.query('SELECT pgautomator.create_schedule($1 || i, ($2::jsonb[])[i]) FROM generate_series(1, $3::int) i', ['every-minute-', Array.from({ length: SCHEDULES }, (_, i) => spec(i + 1)), SCHEDULES]);
  await db.pool.query("SELECT pgautomator.create_job('late-' || i) FROM generate_series(1, $1::int) i", [SCHEDULES]);
  // The step prints when it really runs: the shell its own `date` (the agent's host is the
  // database's here: one clock), a PostgreSQL step (PGAUTOMATOR_BENCH_STEP=postgres) the server's clock.
  if (STEP === 'postgres') {
    await db.pool.query("SELECT pgautomator.create_connection('self', 'postgres', $1)", [db.url]);
    await db.pool.query("SELECT pgautomator.add_step('late-' || i, 'noop', 'sql', 'SELECT extract(epoch FROM clock_timestamp())::numeric(20,6) AS t', connection => 'self') FROM generate_series(1, $1::int) i", [SCHEDULES]);
  } else {
    await db.pool.query("SELECT pgautomator.add_step('late-' || i, 'noop', 'shell', 'date +%s.%N') FROM generate_series(1, $1::int) i", [SCHEDULES]);
  }
  await db.pool.query("SELECT pgautomator.attach_schedule('late-' || i, 'every-minute-' || i) FROM generate_series(1, $1::int) i", [SCHEDULES]);
  console.log(`fixture: ${SCHEDULES} schedules, jobs and steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const agents = ['late-a', 'late-b'].map((name) => startAgent(db, { name, args: ['--heartbeat-interval', '10', '--max-concurrent', '16', '--log-level', 'info'] }));
  await Promise.all(agents.map((a) => a.waitForLog((l) => l.msg === 'registered', 'registered', 60_000)));
  await sleep(5_000); // registered and idle before the window opens
  const from = new Date();
  console.log(`window: ${SECONDS} s from ${from.toISOString()}`);
  await sleep(SECONDS * 1000);
  const until = new Date();
  await sleep(5_000); // let the last fires of the window finish
  await Promise.all(agents.map((a) => a.stop()));
  const { rows } = await db.pool.query(
    `SELECT extract(epoch FROM r.started_at - r.scheduled_for) * 1000 AS claim_ms,
            extract(epoch FROM (SELECT min(s.started_at) FROM pgautomator.step_run s WHERE s.job_run_id = r.id) - r.scheduled_for) * 1000 AS step_ms,
            ((SELECT min(substring(s.output FROM '\\d{10}\\.\\d+')::numeric) FROM pgautomator.step_run s WHERE s.job_run_id = r.id) - extract(epoch FROM r.scheduled_for)) * 1000 AS shell_ms,
            r.state
       FROM pgautomator.job_run r
      WHERE r.trigger = 'schedule' AND r.scheduled_for >= $1 AND r.scheduled_for < $2`,
    [from, until],
  );
  const ran = rows.filter((r) => r.state === 'succeeded');
  const claim = ran.map((r) => Number(r.claim_ms));
  const step = ran.map((r) => Number(r.step_ms));
  const shell = ran.map((r) => Number(r.shell_ms));
  const expected = Math.round((SCHEDULES * SECONDS) / 60);
  const states = rows.reduce<Record<string, number>>((acc, r) => ((acc[r.state] = (acc[r.state] ?? 0) + 1), acc), {});
  console.log(`fires in the window: ${rows.length} (about ${expected} expected); states ${JSON.stringify(states)}`);
  console.log('| lateness (ms) | p50 | p99 | max |');
  console.log('|---|---:|---:|---:|');
  console.log(`| scheduled_for -> run claimed | ${percentile(claim, 50).toFixed(0)} | ${percentile(claim, 99).toFixed(0)} | ${Math.max(...claim).toFixed(0)} |`);
  console.log(`| scheduled_for -> attempt begun (step_run.started_at; the claim begins it) | ${percentile(step, 50).toFixed(0)} | ${percentile(step, 99).toFixed(0)} | ${Math.max(...step).toFixed(0)} |`);
  console.log(`| scheduled_for -> step running (${STEP === 'postgres' ? 'the step\'s clock_timestamp()' : 'the shell\'s own \`date\`'}) | ${percentile(shell, 50).toFixed(0)} | ${percentile(shell, 99).toFixed(0)} | ${Math.max(...shell).toFixed(0)} |`);
  console.log(`load average at the end: ${loadNow()}`);
} finally {
  await cleanup();
  await db.drop();
}

/**
 * History: the spread and throughput scenarios again after loading millions of rows of run
 * history, to see whether the scheduler slows as its log grows.
 *
 * Ours: `rows` rows in total, half job_run and half step_run (one step run per run, as the bench
 * jobs have), for 1,000 jobs made through the API with no schedule (so they never fire), finished
 * over the past weeks; as the history of deleted schedules (schedule_id NULL) so that the unique
 * fire index sees them. Loaded by INSERT ... SELECT as superuser with foreign-key triggers off
 * (session_replication_role = replica: the rows are consistent by construction), then VACUUM
 * ANALYZE and CHECKPOINT, the steady state autovacuum and time would reach. This is a fixture, not API use.
 * pg_cron: cron.job_run_details; pgAgent: pgagent.pga_joblog (for their own history jobs).
 */
import type { BenchContext } from '../bench-context.ts';
import { PGAGENT_HISTORY_JOB } from '../pgagent.ts';

const HISTORY_JOBS = 1000;

export async function loadOursHistory(ctx: BenchContext, rows: number): Promise<number> {
  const started = Date.now();
  const runs = Math.floor(rows / 2);
  await ctx.pool.query("SELECT pgautomator.create_job('history-' || i) FROM generate_series(1, $1::int) i", [HISTORY_JOBS]);
  await ctx.pool.query("SELECT pgautomator.add_step('history-' || i, 'fire', 'shell', 'true') FROM generate_series(1, $1::int) i", [HISTORY_JOBS]);
  const client = await ctx.pool.connect();
  try {
    await client.query("SET session_replication_role = 'replica'");
    await client.query(
      `INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, queued_at, started_at, finished_at, state, message)
       SELECT j.ids[1 + g % $2::int], 'schedule', t, t, t + interval '3 ms', t + interval '40 ms', 'succeeded', NULL
         FROM (SELECT array_agg(id ORDER BY id) AS ids FROM pgautomator.job WHERE name LIKE 'history-%') j,
              generate_series(1, $1::int) g,
              LATERAL (SELECT clock_timestamp() - interval '1 hour' - g * interval '250 ms') AS s(t)`,
      [runs, HISTORY_JOBS],
    );
    await client.query(
      `INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, state, started_at, finished_at, exit_code, output_bytes)
       SELECT r.id, s.id, 1, 'fire', 'succeeded', r.started_at + interval '5 ms', r.finished_at - interval '1 ms', 0, 0
         FROM pgautomator.job_run r JOIN pgautomator.step s ON s.job_id = r.job_id
         JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE 'history-%'`,
    );
    await client.query("SET session_replication_role = 'origin'");
    await client.query('VACUUM ANALYZE pgautomator.job_run');
    await client.query('VACUUM ANALYZE pgautomator.step_run');
    // And a checkpoint: history grown over weeks was checkpointed long ago. Without it the load's
    // own checkpoint (10M rows are gigabytes of WAL) runs through the measured window, writing the
    // load's pages while every first change of a page after it writes a full-page image to WAL:
    // the first side-by-side history run spent 43 % of its active samples on LWLock:WALWrite.
    await client.query('CHECKPOINT');
  } finally {
    client.release();
  }
  return (Date.now() - started) / 1000;
}

/** pg_cron's run log, `rows` rows for one (unscheduled) job id. */
export async function loadPgCronHistory(ctx: BenchContext, rows: number): Promise<number> {
  const started = Date.now();
  await ctx.pool.query(
    `INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message, start_time, end_time)
     SELECT 1 + g % 1000, nextval('cron.runid_seq'), 1, current_database(), current_user, 'SELECT 1', 'succeeded', 'SELECT 1', t, t + interval '40 ms'
       FROM generate_series(1, $1::int) g, LATERAL (SELECT clock_timestamp() - interval '1 hour' - g * interval '125 ms') AS s(t)`,
    [rows],
  );
  await ctx.pool.query('VACUUM ANALYZE cron.job_run_details');
  return (Date.now() - started) / 1000;
}

/** pgAgent's job log, `rows` rows for one history job (which has no schedule, so never runs). */
export async function loadPgAgentHistory(ctx: BenchContext, rows: number): Promise<number> {
  const started = Date.now();
  const { rows: job } = await ctx.pool.query("INSERT INTO pgagent.pga_job (jobjclid, jobname, jobenabled) SELECT min(jclid), $1, false FROM pgagent.pga_jobclass RETURNING jobid", [PGAGENT_HISTORY_JOB]);
  const client = await ctx.pool.connect();
  try {
    await client.query("SET session_replication_role = 'replica'");
    await client.query(
      `INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
       SELECT $2::int, 's', t, interval '40 ms'
         FROM generate_series(1, $1::int) g, LATERAL (SELECT clock_timestamp() - interval '1 hour' - g * interval '125 ms') AS s(t)`,
      [rows, job[0].jobid],
    );
    await client.query("SET session_replication_role = 'origin'");
    await client.query('VACUUM ANALYZE pgagent.pga_joblog');
  } finally {
    client.release();
  }
  return (Date.now() - started) / 1000;
}

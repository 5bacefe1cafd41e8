/**
 * Herd: n jobs due at the same instant. Reports the time from the instant until the last one
 * started (its INSERT's clock_timestamp()), starts per second, and — the end-to-end no-op
 * throughput — the time until the last run was completed and recorded by the scheduler itself
 * (ours: job_run.finished_at; pg_cron: cron.job_run_details.end_time; pgAgent: pga_joblog start +
 * duration), with synchronous_commit on (the default).
 *
 * Ours: the jobs are made attached to a once-schedule far ahead, the agents start and run 1,000
 * no-op runs of other jobs (warm, as agents in service are: Ours.warmUp), then update_schedule moves
 * the instant to a few seconds ahead (so the fixture's minutes do not count).
 * pg_cron and pgAgent: a daily entry at the next whole minute (they have no finer resolution).
 */
import { dbNow, PGAGENT_ACTIVE_POLL_S, type BenchContext } from '../bench-context.ts';
import type { SchedulerName } from '../fire-log.ts';
import { describeProfile, sampleActivity } from '../activity-sampler.ts';
import { processCpuSeconds } from '../cluster.ts';
import { pollUntil, sleep } from '../latency-stats.ts';
import { nextMinute } from './spread.ts';
import { startStatementProfile } from '../statement-profile.ts';

export interface HerdResult {
  scheduler: SchedulerName;
  n: number;
  instant: Date;
  /** Fires recorded (started) before the timeout. */
  started: number;
  /** Instant -> last start, s (NaN when none). */
  lastStartS: number;
  /** Runs the scheduler recorded as completed, and instant -> the last completion, s. */
  completed: number;
  lastCompletedS: number;
  timedOut: boolean;
  /** Runs the scheduler recorded as failed (pgAgent: "too many clients"). */
  failed?: number;
  /**
   * Ours: CPU per completed run from the instant to the last completion, µs: the whole cluster
   * (our calls, the steps' own INSERTs, and the bench's polling and sampling) and the two agents.
   * The figure issue 18 asks to drive down: it depends far less on the box than the times do.
   */
  cpuPerRunUs?: { db: number; agents: number };
}

async function startedSoFar(ctx: BenchContext, scheduler: SchedulerName, prefix: string): Promise<number> {
  const { rows } = await ctx.pool.query("SELECT count(*)::int AS n FROM bench.fire WHERE scheduler = $1 AND key LIKE $2 || '%'", [scheduler, prefix]);
  return rows[0].n;
}

async function starts(ctx: BenchContext, scheduler: SchedulerName, prefix: string, instant: Date): Promise<{ started: number; lastStartS: number }> {
  const { rows } = await ctx.pool.query(
    "SELECT count(*)::int AS n, extract(epoch FROM max(fired_at) - $3) AS last_s FROM bench.fire WHERE scheduler = $1 AND key LIKE $2 || '%'",
    [scheduler, prefix, instant],
  );
  return { started: rows[0].n, lastStartS: Number(rows[0].last_s) };
}

/** Waits until n fires are recorded, or (`ended`) n runs have ended some other way, or the timeout. */
async function waitForAll(ctx: BenchContext, scheduler: SchedulerName, prefix: string, n: number, instant: Date, ended?: () => Promise<number>): Promise<boolean> {
  await sleep(instant.getTime() - Date.now());
  return pollUntil(async () => (await startedSoFar(ctx, scheduler, prefix)) >= n || (ended !== undefined && (await ended()) >= n), ctx.sizes.herdTimeoutS * 1000, 200);
}

/** No-op runs the agents execute before a herd of ours (Ours.warmUp says why). */
export const HERD_WARM_UP_RUNS = 1000;

export async function herdOurs(ctx: BenchContext, prefix: string, n: number): Promise<HerdResult> {
  const far = new Date(Date.now() + 30 * 24 * 3600_000);
  far.setUTCMilliseconds(0);
  await ctx.ours.createHerd(prefix, n, far);
  await ctx.ours.startAgents(`${prefix}agent`);
  await ctx.ours.warmUp(`warm-${prefix}`, HERD_WARM_UP_RUNS);
  // The jobs as a herd meets them in practice: defined well before, their tables vacuumed and
  // analyzed. Otherwise autovacuum set off by the n new jobs (and the warm-up's runs) runs inside
  // the measured window (and its ANALYZE makes every agent plan its statements again there): herds
  // of the same code read 937 to 1,368 runs/s on a quiet box.
  await ctx.pool.query('VACUUM ANALYZE pgautomator.job, pgautomator.step, pgautomator.job_schedule, pgautomator.schedule, pgautomator.job_run, pgautomator.step_run');
  const instant = new Date((await dbNow(ctx)).getTime() + 8000);
  instant.setUTCMilliseconds(0);
  const spec = { type: 'once', date: instant.toISOString().slice(0, 10), time_zone: 'UTC', sub: { type: 'once', time: instant.toISOString().slice(11, 19) } };
  await ctx.pool.query('SELECT pgautomator.update_schedule($1, $2)', [prefix, JSON.stringify(spec)]);
  if ((await dbNow(ctx)).getTime() > instant.getTime() - 1000) ctx.problems.push(`herd ${n} (ours): update_schedule of ${n} pairs took more than 7 s, so the instant passed before the agents were told`);
  // The herd step SQL carries the far instant as `intended`; the real instant is the moved one.
  const cpuBefore = { db: ctx.cluster.cpu().seconds, agents: ctx.ours.agentPids().reduce((s, p) => s + processCpuSeconds(p), 0), at: Date.now() };
  const profiler = sampleActivity(ctx.pool);
  const statements = await startStatementProfile(ctx.pool);
  const finished = await waitForAll(ctx, 'ours', prefix, n, instant);
  if (finished) {
    await pollUntil(async () => {
      const { rows } = await ctx.pool.query(
        "SELECT count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE $1 || '%' AND r.finished_at IS NOT NULL",
        [prefix],
      );
      return rows[0].n >= n;
    }, 30_000);
  }
  const profile = await profiler.stop();
  const seconds = (Date.now() - Math.max(cpuBefore.at, instant.getTime())) / 1000;
  const dbCpu = ctx.cluster.cpu().seconds - cpuBefore.db;
  const agentCpu = ctx.ours.agentPids().reduce((s, p) => s + processCpuSeconds(p), 0) - cpuBefore.agents;
  ctx.profiles.push(
    `${describeProfile(`Ours, herd of ${n} (${prefix})`, profile)} CPU over those ${seconds.toFixed(1)} s: database ${((dbCpu / seconds) * 100).toFixed(0)} % of one core, the two agents ${((agentCpu / seconds) * 100).toFixed(0)} % (2 cores in the machine).`,
  );
  if (statements) ctx.profiles.push(await statements.stop(`Ours, herd of ${n} (${prefix}), statements`, n));
  const done = await ctx.pool.query(
    "SELECT count(*)::int AS n, extract(epoch FROM max(r.finished_at) - $2) AS last_s FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE $1 || '%' AND r.state = 'succeeded'",
    [prefix, instant],
  );
  const failedRuns = await ctx.pool.query(
    "SELECT count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE $1 || '%' AND r.state NOT IN ('succeeded', 'queued', 'running')",
    [prefix],
  );
  const failed = failedRuns.rows[0].n as number;
  await ctx.ours.disableJobs(prefix, n);
  ctx.problems.push(...(await ctx.ours.stopAgents()).map((l) => `herd ${n} (ours): ${l}`));
  const completed = done.rows[0].n as number;
  const cpuPerRunUs = completed > 0 ? { db: (dbCpu * 1e6) / completed, agents: (agentCpu * 1e6) / completed } : undefined;
  return { scheduler: 'ours', n, instant, ...(await starts(ctx, 'ours', prefix, instant)), completed, lastCompletedS: Number(done.rows[0].last_s), timedOut: !finished, failed, cpuPerRunUs };
}

export async function herdPgCron(ctx: BenchContext, prefix: string, n: number): Promise<HerdResult> {
  const instant = await nextMinute(ctx, 8000);
  await ctx.cron.createHerd(prefix, n, instant);
  if ((await dbNow(ctx)) >= instant) ctx.problems.push(`herd ${n} (pg_cron): scheduling ${n} entries took past the instant`);
  const finished = await waitForAll(ctx, 'pg_cron', prefix, n, instant, async () => (await ctx.cron.ended(prefix, instant)).ended);
  const { failed } = await ctx.cron.ended(prefix, instant);
  if (finished) await pollUntil(async () => (await ctx.cron.running()) === 0, 30_000);
  const done = await ctx.pool.query(
    "SELECT count(*)::int AS n, extract(epoch FROM max(d.end_time) - $2) AS last_s FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid WHERE j.jobname LIKE $1 || '%' AND d.status = 'succeeded'",
    [prefix, instant],
  );
  await ctx.cron.unscheduleAll();
  await pollUntil(async () => (await ctx.cron.running()) === 0, 30_000);
  return { scheduler: 'pg_cron', n, instant, ...(await starts(ctx, 'pg_cron', prefix, instant)), completed: done.rows[0].n, lastCompletedS: Number(done.rows[0].last_s), timedOut: !finished, failed };
}

export async function herdPgAgent(ctx: BenchContext, prefix: string, n: number): Promise<HerdResult> {
  const instant = await nextMinute(ctx, 8000);
  await ctx.pgagent.createHerd(prefix, n, instant);
  await ctx.pgagent.moveNextRun(prefix, instant);
  if ((await dbNow(ctx)) >= instant) ctx.problems.push(`herd ${n} (pgAgent): making ${n} jobs took past the instant`);
  ctx.pgagent.startDaemon(PGAGENT_ACTIVE_POLL_S);
  const finished = await waitForAll(ctx, 'pgAgent', prefix, n, instant, async () => (await ctx.pgagent.ended(prefix, instant)).ended);
  if (finished) await pollUntil(async () => (await ctx.pgagent.running()) === 0, 30_000);
  const { failed } = await ctx.pgagent.ended(prefix, instant);
  ctx.problems.push(...ctx.pgagent.logTail(`herd ${n} (${prefix})`));
  const done = await ctx.pool.query(
    "SELECT count(*)::int AS n, extract(epoch FROM max(l.jlgstart + l.jlgduration) - $2) AS last_s FROM pgagent.pga_joblog l JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid WHERE j.jobname LIKE $1 || '%' AND l.jlgstatus = 's'",
    [prefix, instant],
  );
  await ctx.pgagent.stopDaemon();
  await ctx.pgagent.deleteAllJobs();
  return { scheduler: 'pgAgent', n, instant, ...(await starts(ctx, 'pgAgent', prefix, instant)), completed: done.rows[0].n, lastCompletedS: Number(done.rows[0].last_s), timedOut: !finished, failed };
}

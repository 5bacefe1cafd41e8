/**
 * Spread: n schedules each firing every minute; fire lateness = fired_at - intended, both from the
 * database clock. Ours fires schedule i at second i mod 60 (about n/60 fires a second); pg_cron
 * 1.4 and pgAgent have minute resolution, so their n jobs all fire at second 0 of each minute,
 * which makes each of their minutes also a herd of n (reported as such by herd.ts).
 */
import { dbNow, PGAGENT_ACTIVE_POLL_S, type BenchContext } from '../bench-context.ts';
import type { SchedulerName } from '../fire-log.ts';
import { describeProfile, sampleActivity } from '../activity-sampler.ts';
import { distribution, pollUntil, sleep, type Distribution } from '../latency-stats.ts';

export interface SpreadResult {
  scheduler: SchedulerName;
  /** fired_at - intended, ms. */
  lateness: Distribution;
  expected: number;
  /** Ours only: scheduled_for -> job_run.started_at (claim) and -> step_run.started_at, ms. */
  claim?: Distribution;
  step?: Distribution;
  /** Runs the scheduler recorded as failed in the window (pgAgent: no connection left). */
  failed?: number;
  /** Minute-resolution schedulers: the first minute's n fires as a herd. */
  firstMinute?: { instant: Date; started: number; lastStartS: number };
  windowS: number;
}

async function latenessOf(ctx: BenchContext, scheduler: SchedulerName, prefix: string, from: Date, until: Date): Promise<number[]> {
  const { rows } = await ctx.pool.query(
    `SELECT extract(epoch FROM fired_at - intended) * 1000 AS ms FROM bench.fire
      WHERE scheduler = $1 AND key LIKE $2 || '%' AND intended >= $3 AND intended < $4`,
    [scheduler, prefix, from, until],
  );
  return rows.map((r) => Number(r.ms));
}

export async function spreadOurs(ctx: BenchContext, prefix: string, windowS = ctx.sizes.spreadWindowS): Promise<SpreadResult> {
  const n = ctx.sizes.spreadSchedules;
  await ctx.ours.createSpread(prefix, n);
  await ctx.ours.startAgents(`${prefix}agent`);
  await sleep(3000); // registered and idle before the window opens
  const from = await dbNow(ctx);
  const profiler = sampleActivity(ctx.pool);
  await sleep(windowS * 1000);
  const until = await dbNow(ctx);
  ctx.profiles.push(describeProfile(`Ours, spread (${prefix})`, await profiler.stop()));
  await ctx.ours.disableJobs(prefix, n);
  // The window's last fires finish (disable_job leaves queued runs alone; the agents run them).
  await pollUntil(async () => {
    const { rows } = await ctx.pool.query(
      "SELECT count(*)::int AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE $1 || '%' AND r.state IN ('queued', 'running')",
      [prefix],
    );
    return rows[0].n === 0;
  }, 60_000);
  ctx.problems.push(...(await ctx.ours.stopAgents()).map((l) => `spread (${prefix}): ${l}`));
  const ours = await ctx.pool.query(
    `SELECT extract(epoch FROM r.started_at - r.scheduled_for) * 1000 AS claim_ms,
            extract(epoch FROM s.started_at - r.scheduled_for) * 1000 AS step_ms
       FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
       LEFT JOIN LATERAL (SELECT min(started_at) AS started_at FROM pgautomator.step_run WHERE job_run_id = r.id) s ON true
      WHERE j.name LIKE $1 || '%' AND r.scheduled_for >= $2 AND r.scheduled_for < $3 AND r.started_at IS NOT NULL`,
    [prefix, from, until],
  );
  return {
    scheduler: 'ours',
    lateness: distribution(await latenessOf(ctx, 'ours', prefix, from, until)),
    expected: Math.round((n * (until.getTime() - from.getTime())) / 60_000),
    claim: distribution(ours.rows.map((r) => Number(r.claim_ms))),
    step: distribution(ours.rows.filter((r) => r.step_ms !== null).map((r) => Number(r.step_ms))),
    windowS: (until.getTime() - from.getTime()) / 1000,
  };
}

/** The next whole minute at least `marginMs` away (database clock). */
export async function nextMinute(ctx: BenchContext, marginMs: number): Promise<Date> {
  const now = (await dbNow(ctx)).getTime();
  return new Date(Math.ceil((now + marginMs) / 60_000) * 60_000);
}

/** pg_cron or pgAgent: `minutes` minute boundaries of n simultaneous fires. */
export async function spreadMinuteScheduler(ctx: BenchContext, scheduler: 'pg_cron' | 'pgAgent', prefix: string, minutes = ctx.sizes.spreadMinutes): Promise<SpreadResult> {
  const n = ctx.sizes.spreadSchedules;
  let first: Date;
  if (scheduler === 'pg_cron') {
    await ctx.cron.createSpread(prefix, n);
    first = await nextMinute(ctx, 3000);
  } else {
    await ctx.pgagent.createSpread(prefix, n);
    // Whole minutes as its schedules fire, but the first one need not be a minute away (see moveNextRun).
    first = await nextMinute(ctx, 3000);
    await ctx.pgagent.moveNextRun(prefix, first);
    ctx.pgagent.startDaemon(PGAGENT_ACTIVE_POLL_S);
  }
  const last = new Date(first.getTime() + (minutes - 1) * 60_000);
  await sleep(last.getTime() - Date.now());
  // Wait until the last minute's n runs have ended (pgAgent fails some: see `failed`), or 10 s.
  const ended = () => (scheduler === 'pg_cron' ? ctx.cron.ended(prefix, last) : ctx.pgagent.ended(prefix, last));
  await pollUntil(async () => (await ended()).ended >= n, 10_000, 500);
  if (scheduler === 'pgAgent') ctx.problems.push(...ctx.pgagent.logTail(`spread (${prefix})`));
  const failed = (await (scheduler === 'pg_cron' ? ctx.cron.ended(prefix, first) : ctx.pgagent.ended(prefix, first))).failed;
  if (scheduler === 'pg_cron') {
    await ctx.cron.unscheduleAll();
    await pollUntil(async () => (await ctx.cron.running()) === 0, 30_000);
  } else {
    await pollUntil(async () => (await ctx.pgagent.running()) === 0, 30_000);
    await ctx.pgagent.stopDaemon();
    await ctx.pgagent.deleteAllJobs();
  }
  const herd = await ctx.pool.query(
    "SELECT count(*)::int AS n, extract(epoch FROM max(fired_at) - $3) AS last_s FROM bench.fire WHERE scheduler = $1 AND key LIKE $2 || '%' AND intended = $3",
    [scheduler, prefix, first],
  );
  return {
    scheduler,
    lateness: distribution(await latenessOf(ctx, scheduler, prefix, first, new Date(last.getTime() + 1))),
    expected: n * minutes,
    firstMinute: { instant: first, started: herd.rows[0].n, lastStartS: Number(herd.rows[0].last_s) },
    failed,
    windowS: minutes * 60,
  };
}

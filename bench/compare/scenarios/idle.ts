/**
 * Idle cost: n schedules, none due in the window; what the scheduler costs the database meanwhile.
 *  - transactions/s: the delta of xact_commit + xact_rollback summed over all databases
 *    (pg_cron's launcher and pgAgent's daemon work in the bench database, but count everything);
 *  - CPU of the database processes (/proc: the postmaster, its living children and its reaped
 *    ones), as a percentage of one core; and the CPU of the scheduler's own processes (our agents,
 *    pgAgent's daemon; pg_cron has none outside the server);
 *  - ours: API calls per agent per heartbeat interval, from pg_stat_user_functions
 *    (track_functions = 'pl'; only the public pgautomator functions, not the internal `_` ones).
 * Each scheduler is measured alone, with its daemon at its default settings (pgAgent polls every
 * 10 s, our agents heartbeat every 10 s). Statistics reach the shared counters up to ~10 s late on
 * PostgreSQL 15, so the window opens after a settling time and the error is a few transactions.
 */
import type { BenchContext } from '../bench-context.ts';
import { processCpuSeconds } from '../cluster.ts';
import type { SchedulerName } from '../fire-log.ts';
import { AGENTS, HEARTBEAT_S } from '../ours.ts';
import { PGAGENT_DEFAULT_POLL_S } from '../pgagent.ts';
import { sleep } from '../latency-stats.ts';

const SETTLE_MS = 11_000;

export interface IdleResult {
  scheduler: SchedulerName | 'nothing';
  schedules: number;
  windowS: number;
  xactPerS: number;
  dbCpuPct: number;
  daemonCpuPct: number;
  /** Ours: public API calls per agent per heartbeat interval, and which functions. */
  apiCallsPerAgentPerHeartbeat?: number;
  /** Ours: the largest count per agent a window of this length can hold at one call per interval. */
  oneCallPerIntervalAllows?: number;
  apiCalls?: Record<string, number>;
}

async function snapshot(ctx: BenchContext, daemonPids: number[]) {
  await ctx.pool.query('SELECT pg_stat_clear_snapshot()');
  const x = await ctx.pool.query('SELECT sum(xact_commit + xact_rollback)::bigint AS x FROM pg_stat_database');
  const f = await ctx.pool.query("SELECT funcname, calls::int FROM pg_stat_user_functions WHERE schemaname = 'pgautomator' AND funcname NOT LIKE '\\_%'");
  return {
    at: Date.now(),
    xact: Number(x.rows[0].x),
    calls: Object.fromEntries(f.rows.map((r) => [r.funcname as string, r.calls as number])) as Record<string, number>,
    dbCpu: ctx.cluster.cpu().seconds,
    daemonCpu: daemonPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0),
  };
}

/** Our own observer's transactions between two snapshots (clear + 2 reads), left out of the figure. */
const OBSERVER_XACTS = 3;

async function measure(ctx: BenchContext, scheduler: IdleResult['scheduler'], schedules: number, windowS: number, daemonPids: () => number[]): Promise<IdleResult> {
  await sleep(SETTLE_MS);
  const before = await snapshot(ctx, daemonPids());
  await sleep(windowS * 1000);
  const after = await snapshot(ctx, daemonPids());
  const seconds = (after.at - before.at) / 1000;
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.calls)) {
    const delta = n - (before.calls[name] ?? 0);
    if (delta > 0) calls[name] = delta;
  }
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    scheduler,
    schedules,
    windowS: seconds,
    xactPerS: (after.xact - before.xact - OBSERVER_XACTS) / seconds,
    dbCpuPct: ((after.dbCpu - before.dbCpu) / seconds) * 100,
    daemonCpuPct: ((after.daemonCpu - before.daemonCpu) / seconds) * 100,
    // A window of w seconds holds up to ceil(w / interval) heartbeats of one agent: the rate may read
    // up to that over w / interval without any extra call, so the target allows for it.
    ...(scheduler === 'ours'
      ? { apiCallsPerAgentPerHeartbeat: total / AGENTS / (seconds / HEARTBEAT_S), oneCallPerIntervalAllows: Math.ceil(seconds / HEARTBEAT_S) / (seconds / HEARTBEAT_S), apiCalls: calls }
      : {}),
  };
}

export async function idleOurs(ctx: BenchContext, prefix: string, schedules: number, windowS: number): Promise<IdleResult> {
  if (schedules > 0) await ctx.ours.createIdle(prefix, schedules);
  await ctx.ours.startAgents(`${prefix}agent`);
  try {
    return await measure(ctx, 'ours', schedules, windowS, () => ctx.ours.agentPids());
  } finally {
    ctx.problems.push(...(await ctx.ours.stopAgents()).map((l) => `idle (ours, ${schedules}): ${l}`));
    if (schedules > 0) await ctx.ours.disableJobs(prefix, schedules);
  }
}

export async function idlePgCron(ctx: BenchContext, prefix: string, schedules: number, windowS: number): Promise<IdleResult> {
  await ctx.cron.createIdle(prefix, schedules);
  try {
    return await measure(ctx, 'pg_cron', schedules, windowS, () => []);
  } finally {
    await ctx.cron.unscheduleAll();
  }
}

export async function idlePgAgent(ctx: BenchContext, prefix: string, schedules: number, windowS: number): Promise<IdleResult> {
  await ctx.pgagent.createIdle(prefix, schedules);
  ctx.pgagent.startDaemon(PGAGENT_DEFAULT_POLL_S);
  try {
    return await measure(ctx, 'pgAgent', schedules, windowS, () => (ctx.pgagent.pid ? [ctx.pgagent.pid] : []));
  } finally {
    await ctx.pgagent.stopDaemon();
    await ctx.pgagent.deleteAllJobs();
  }
}

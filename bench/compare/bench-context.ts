/**
 * What every scenario gets: the cluster, a pool on the bench database, the three schedulers, and
 * the sizes of this run (full or --quick).
 */
import type pg from 'pg';
import type { BenchCluster } from './cluster.ts';
import type { Ours } from './ours.ts';
import type { PgAgent } from './pgagent.ts';
import type { PgCron } from './pg-cron.ts';

export interface Sizes {
  /** Spread scenario: schedules firing every minute. */
  spreadSchedules: number;
  /** Ours: seconds of fires in the spread window. */
  spreadWindowS: number;
  /** pg_cron and pgAgent (minute resolution): minute boundaries in the spread window. */
  spreadMinutes: number;
  /** Herd sizes; pg_cron's and pgAgent's first one comes from the spread run (see spread.ts). */
  herds: number[];
  /** Longest wait for a herd to finish before it is reported incomplete. */
  herdTimeoutS: number;
  idleSchedules: number;
  idleWindowS: number;
  historyRows: number;
  /** pg_cron and pgAgent get history too (otherwise ours only: loading takes minutes). */
  historyForAll: boolean;
}

export const fullSizes: Sizes = {
  spreadSchedules: 1000,
  spreadWindowS: 75,
  spreadMinutes: 1,
  herds: [1000, 10_000],
  herdTimeoutS: 30,
  idleSchedules: 10_000,
  idleWindowS: 40,
  historyRows: 10_000_000,
  historyForAll: false,
};

export const quickSizes: Sizes = {
  spreadSchedules: 500,
  spreadWindowS: 20,
  spreadMinutes: 1,
  herds: [500],
  herdTimeoutS: 45,
  idleSchedules: 1000,
  idleWindowS: 10,
  historyRows: 200_000,
  historyForAll: false,
};

export interface BenchContext {
  cluster: BenchCluster;
  pool: pg.Pool;
  ours: Ours;
  cron: PgCron;
  pgagent: PgAgent;
  sizes: Sizes;
  quick: boolean;
  log(line: string): void;
  /** Problems noticed on the way (agent warnings, incomplete herds), for the report. */
  problems: string[];
  /** Profiles of ours where it may miss a target (activity-sampler.ts), for the report's notes. */
  profiles: string[];
}

/** The database's clock (all timestamps of the comparison come from it). */
export async function dbNow(ctx: BenchContext): Promise<Date> {
  const { rows } = await ctx.pool.query('SELECT clock_timestamp() AS now');
  return rows[0].now as Date;
}

/** pgAgent's poll interval during the timed scenarios: its minimum, 1 s (best case for it). */
export const PGAGENT_ACTIVE_POLL_S = 1;

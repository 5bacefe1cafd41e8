/**
 * pg_cron 1.4.2 (Debian's postgresql-15-cron) in the comparison. It runs inside the server (a
 * background worker started by shared_preload_libraries), so there is no daemon to start: a job
 * exists while it is scheduled, and isolation is `cron.unschedule`.
 *
 * Version 1.4 has only five-field cron entries (minute resolution): the '[1-59] seconds' interval
 * syntax arrived in 1.5. `supportsSeconds()` checks rather than assumes. Jobs run through a new
 * libpq connection each (cron.use_background_workers = off, the default), at most
 * cron.max_running_jobs (default 32) at once.
 */
import type pg from 'pg';
import { fireSqlExpression } from './fire-log.ts';

export class PgCron {
  constructor(private readonly pool: pg.Pool) {}

  async install(): Promise<string> {
    await this.pool.query('CREATE EXTENSION pg_cron');
    const { rows } = await this.pool.query("SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'");
    return rows[0].extversion as string;
  }

  /** Whether this pg_cron accepts '5 seconds' (1.5+). */
  async supportsSeconds(): Promise<boolean> {
    try {
      const { rows } = await this.pool.query("SELECT cron.schedule('probe-seconds', '5 seconds', 'SELECT 1') AS id");
      await this.pool.query('SELECT cron.unschedule($1::bigint)', [rows[0].id]);
      return true;
    } catch {
      return false;
    }
  }

  /** n entries '* * * * *': pg_cron's closest equivalent of spread minute schedules (all at second 0). */
  async createSpread(prefix: string, n: number): Promise<void> {
    await this.pool.query(`SELECT cron.schedule($1 || i, '* * * * *', ${fireSqlExpression.spread("'pg_cron'", '$1 || i', '0')}) FROM generate_series(1, $2::int) i`, [prefix, n]);
  }

  /** n entries due once a day at the minute `at` (UTC, whole minute). */
  async createHerd(prefix: string, n: number, at: Date): Promise<void> {
    const entry = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    await this.pool.query(`SELECT cron.schedule($1 || i, $3, ${fireSqlExpression.herd("'pg_cron'", '$1 || i', '$4::text')}) FROM generate_series(1, $2::int) i`, [prefix, n, entry, at.toISOString()]);
  }

  /** n entries, none due for hours (a daily minute six hours from now). */
  async createIdle(prefix: string, n: number): Promise<void> {
    const later = new Date(Date.now() + 6 * 3600_000);
    const entry = `${later.getUTCMinutes()} ${later.getUTCHours()} * * *`;
    await this.pool.query(`SELECT cron.schedule($1 || i, $3, ${fireSqlExpression.spread("'pg_cron'", '$1 || i', '0')}) FROM generate_series(1, $2::int) i`, [prefix, n, entry]);
  }

  /** Isolation: every entry unscheduled (pg_cron reloads its job list on the change). */
  async unscheduleAll(): Promise<void> {
    await this.pool.query('SELECT cron.unschedule(jobid) FROM cron.job');
  }

  /** Runs of entries prefix% started at or after `since` that have ended, and how many failed. */
  async ended(prefix: string, since: Date): Promise<{ ended: number; failed: number }> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS ended, count(*) FILTER (WHERE d.status <> 'succeeded')::int AS failed
         FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid
        WHERE j.jobname LIKE $1 || '%' AND d.start_time >= $2 AND d.status IN ('succeeded', 'failed')`,
      [prefix, since],
    );
    return rows[0];
  }

  /** Runs still running (a scenario waits for none before it closes). */
  async running(): Promise<number> {
    const { rows } = await this.pool.query("SELECT count(*)::int AS n FROM cron.job_run_details WHERE status IN ('starting', 'running')");
    return rows[0].n;
  }
}

/**
 * pgAgent 4.2 (Debian's pgagent) in the comparison: its schema from `CREATE EXTENSION pgagent`,
 * jobs written into its tables the way pgAdmin writes them (that is its only API), and its daemon
 * `pgagent -f -t <poll> <conninfo>` run as the cluster's non-root user.
 *
 * pgAgent has minute-resolution schedules (bool arrays of minutes, hours, week days, month days,
 * months; all false means "every"), so its spread jobs all fire at second 0. The daemon polls
 * every `-t` seconds (default 10): a job due between polls waits for the next poll. It runs each
 * due job in its own thread on its own connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { BenchCluster } from './cluster.ts';
import { fireSqlExpression } from './fire-log.ts';

export const PGAGENT_DEFAULT_POLL_S = 10;
/** The disabled job that holds the history scenario's log rows (scenarios/history.ts). */
export const PGAGENT_HISTORY_JOB = 'history';

/** A bool[size] with only element `atParam` (0-based) true; all false (pgAgent: "every") when it is NULL. */
const oneHot = (size: number, atParam: string) => `(SELECT array_agg(${atParam} IS NOT NULL AND g = ${atParam} ORDER BY g) FROM generate_series(0, ${size - 1}) g)`;

export class PgAgent {
  private daemon: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  private logOffset = 0;

  constructor(
    private readonly cluster: BenchCluster,
    private readonly pool: pg.Pool,
  ) {}

  async install(): Promise<string> {
    await this.pool.query('CREATE EXTENSION pgagent');
    const { rows } = await this.pool.query("SELECT extversion FROM pg_extension WHERE extname = 'pgagent'");
    return rows[0].extversion as string;
  }

  /**
   * n jobs with one SQL step each (run in the bench database) and one schedule at `minute` of
   * `hour` (null: every minute / every hour); job i is named prefix || i.
   */
  private async createJobs(prefix: string, n: number, stepSql: string, minute: number | null, hour: number | null, params: unknown[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO pgagent.pga_job (jobjclid, jobname)
         SELECT (SELECT min(jclid) FROM pgagent.pga_jobclass), $1 || i FROM generate_series(1, $2::int) i`,
        [prefix, n],
      );
      await client.query(
        `INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstdbname, jstcode)
         SELECT j.jobid, 'fire', 's', current_database(), ${stepSql}
           FROM pgagent.pga_job j, generate_series(1, $2::int) i WHERE j.jobname = $1 || i`,
        [prefix, n, ...params],
      );
      await client.query(
        `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscstart, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths)
         SELECT j.jobid, 'bench', now() - interval '1 day', ${oneHot(60, '$3::int')}, ${oneHot(24, '$4::int')},
                array_fill(false, ARRAY[7]), array_fill(false, ARRAY[32]), array_fill(false, ARRAY[12])
           FROM pgagent.pga_job j, generate_series(1, $2::int) i WHERE j.jobname = $1 || i`,
        [prefix, n, minute, hour],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** n jobs firing every minute (second 0: pgAgent has no seconds). */
  async createSpread(prefix: string, n: number): Promise<void> {
    await this.createJobs(prefix, n, fireSqlExpression.spread("'pgAgent'", '$1 || i', '0'), null, null, []);
  }

  /** n jobs due at the whole minute `at` (daily at that minute, UTC: the cluster's time zone). */
  async createHerd(prefix: string, n: number, at: Date): Promise<void> {
    await this.createJobs(prefix, n, fireSqlExpression.herd("'pgAgent'", '$1 || i', '$3::text'), at.getUTCMinutes(), at.getUTCHours(), [at.toISOString()]);
  }

  /** n jobs due daily six hours from now: none due in the window. */
  async createIdle(prefix: string, n: number): Promise<void> {
    const later = new Date(Date.now() + 6 * 3600_000);
    await this.createJobs(prefix, n, fireSqlExpression.spread("'pgAgent'", '$1 || i', '0'), later.getUTCMinutes(), later.getUTCHours(), []);
  }

  /**
   * Moves the next run of the jobs named prefix% to `at`. pgAgent's own trigger computes the next
   * run from now() + 1 minute, so a job made now first fires 61-120 s later; this sets what that
   * trigger would have computed had the jobs been made earlier (its BEFORE UPDATE trigger keeps a
   * non-NULL jobnextrun; after each run pgAgent recomputes it from the schedule as usual). Saves a
   * minute of waiting per scenario and lets a herd start at a chosen instant.
   */
  async moveNextRun(prefix: string, at: Date): Promise<void> {
    await this.pool.query("UPDATE pgagent.pga_job SET jobnextrun = $2 WHERE jobname LIKE $1 || '%'", [prefix, at]);
  }

  /** Isolation: all its jobs gone (their logs go with them, by its foreign keys), but the history fixture's. */
  async deleteAllJobs(): Promise<void> {
    await this.pool.query('DELETE FROM pgagent.pga_job WHERE jobname <> $1', [PGAGENT_HISTORY_JOB]);
  }

  /** Runs of jobs prefix% started at or after `since` that have ended, and how many of them failed. */
  async ended(prefix: string, since: Date): Promise<{ ended: number; failed: number }> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS ended, count(*) FILTER (WHERE l.jlgstatus <> 's')::int AS failed
         FROM pgagent.pga_joblog l JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid
        WHERE j.jobname LIKE $1 || '%' AND l.jlgstart >= $2 AND l.jlgstatus <> 'r'`,
      [prefix, since],
    );
    return rows[0];
  }

  async running(): Promise<number> {
    const { rows } = await this.pool.query("SELECT count(*)::int AS n FROM pgagent.pga_joblog WHERE jlgstatus = 'r'");
    return rows[0].n;
  }

  /** Distinct messages pgagent logged since the last call (timestamps cut), for the report's problems. */
  logTail(label: string): string[] {
    const file = path.join(this.cluster.root, 'pgagent.log');
    if (!existsSync(file)) return [];
    const bytes = readFileSync(file);
    const text = bytes.subarray(this.logOffset).toString('utf8');
    this.logOffset = bytes.length;
    const messages = new Map<string, number>();
    for (const line of text.split('\n').filter(Boolean)) {
      // "Sun Nov 29 00:13:29 2026 WARNING: ..." -> the message, with the socket path and port made generic.
      const message = line.replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4} /, '').replace(/\/tmp\/pgat-compare-\w+/g, '<tmp>').replace(/\d{4,5}/g, 'N');
      messages.set(message, (messages.get(message) ?? 0) + 1);
    }
    return [...messages.entries()].slice(0, 3).map(([m, count]) => `${label}: pgagent logged ${count} x: ${m}`);
  }

  get pid(): number | undefined {
    return this.daemon?.pid;
  }

  /** Starts the daemon in the foreground (-f) as the cluster's user, logging warnings to a file. */
  startDaemon(pollSeconds: number): void {
    // Two files: pgagent (as the cluster's user) writes its own log; we write what it prints.
    const logFile = path.join(this.cluster.root, 'pgagent.log');
    const log = createWriteStream(path.join(this.cluster.root, 'pgagent.out'), { flags: 'a' });
    const child = spawn('/usr/bin/pgagent', ['-f', '-t', String(pollSeconds), '-l', '1', '-s', logFile, this.cluster.conninfo()], {
      ...this.cluster.spawnIdentity(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    this.daemon = child;
  }

  /** Stops the daemon (SIGTERM, then SIGKILL) and waits for it. */
  async stopDaemon(): Promise<void> {
    const child = this.daemon;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
    this.daemon = undefined;
  }
}

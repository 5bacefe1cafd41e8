/**
 * `pgautomator import pg-cron`: reads pg_cron's cron.job with plain SQL (its catalog, not ours)
 * and plans one pgautomator job per pg_cron job: a category `pg_cron`, one SQL step on a
 * connection to the job's database as the job's user, and a `cron` schedule with the same
 * expression (pg_cron's `N seconds` become a daily schedule every N seconds).
 */
import type pg from 'pg';
import { checkSchedule } from '../extension-src/engine/sql-entry.ts';
import type { DatabaseTarget } from './connection.ts';
import { clip, type ImportPlan, type PlannedJob } from './import-plan.ts';

interface CronJobRow {
  jobid: string;
  schedule: string;
  command: string;
  nodename: string;
  nodeport: number;
  database: string;
  username: string;
  active: boolean;
  jobname: string | null;
}

export const PG_CRON_CATEGORY = 'pg_cron';

/** The pg_cron jobs of the source database, or a CliError-worthy message when it has no pg_cron. */
export async function readPgCron(source: pg.ClientBase): Promise<{ jobs: CronJobRow[]; timeZone: string }> {
  const present = await source.query("SELECT to_regclass('cron.job') IS NOT NULL AS present");
  if (!present.rows[0].present) throw new Error('the source database has no cron.job table (is pg_cron installed there? it lives in the database named by cron.database_name)');
  const jobs = await source.query<CronJobRow>(
    'SELECT jobid::text AS jobid, schedule, command, nodename, nodeport, database, username, active, jobname FROM cron.job ORDER BY jobid',
  );
  // pg_cron reads schedules in cron.timezone (pg_cron 1.5+), GMT before that.
  const zone = await source.query<{ tz: string | null }>("SELECT current_setting('cron.timezone', true) AS tz");
  const tz = zone.rows[0].tz;
  return { jobs: jobs.rows, timeZone: tz === null || tz === '' || tz.toUpperCase() === 'GMT' ? 'UTC' : tz };
}

/**
 * The plan for these jobs. `source` says where SQL steps connect: pg_cron's nodename when it is
 * not the local host, else the host the import read from (the agents reach that one).
 */
export function planPgCron(jobs: CronJobRow[], timeZone: string, source: DatabaseTarget, today: string): ImportPlan {
  const plan: ImportPlan = {
    from: 'pg_cron',
    categories: [{ name: PG_CRON_CATEGORY, description: 'Jobs imported from pg_cron (cron.job) by pgautomator import pg-cron' }],
    connections: [],
    schedules: [],
    jobs: [],
    notes: [],
  };
  if (timeZone === 'UTC') plan.notes.push('pg_cron reads schedules in GMT here (no cron.timezone): the schedules say "time_zone": "UTC"');
  for (const row of jobs) {
    const label = row.jobname ? row.jobname : `job-${row.jobid}`;
    const name = clip(`pg_cron.${label}`, 200);
    // A socket directory (cron.host = /var/run/postgresql) or a loopback name means "this server":
    // the agents reach it where the import reached it.
    const local = ['localhost', '127.0.0.1', '::1', ''].includes(row.nodename) || row.nodename.startsWith('/');
    const host = local ? source.host : row.nodename;
    const port = local ? source.port : row.nodeport;
    const connection = clip(local ? `pg_cron.${row.username}@${row.database}` : `pg_cron.${row.username}@${host}:${port}/${row.database}`, 100);
    if (!plan.connections.some((c) => c.name === connection)) {
      plan.connections.push({
        name: connection,
        dsn: `postgres://${encodeURIComponent(row.username)}@${hostPart(host)}:${port}/${encodeURIComponent(row.database)}`,
        description: `Database ${row.database} as ${row.username}, where pg_cron ran these jobs (imported; no password: set secret_ref with update_connection if the role needs one)`,
      });
    }
    const job: PlannedJob = {
      name,
      description: `Imported from pg_cron job ${row.jobid}${row.jobname ? ` (${row.jobname})` : ''}: ${row.schedule}`,
      category: PG_CRON_CATEGORY,
      enabled: row.active,
      steps: [{ name: 'command', kind: 'sql', command: row.command, connection }],
      schedules: [],
      source: `pg_cron job ${row.jobid}`,
    };
    const translated = translateSchedule(row.schedule, timeZone, today);
    if (typeof translated === 'string') {
      plan.notes.push(`${name}: schedule ${JSON.stringify(row.schedule)} not translated (${translated}); the job is imported without a schedule`);
    } else {
      plan.schedules.push({ name, spec: translated.spec, description: `pg_cron job ${row.jobid}: ${row.schedule}` });
      job.schedules.push(name);
      if (translated.note) plan.notes.push(`${name}: ${translated.note}`);
    }
    plan.jobs.push(job);
  }
  return plan;
}

const SECONDS = /^\s*([0-9]+)\s*seconds?\s*$/i;

function translateSchedule(schedule: string, timeZone: string, today: string): { spec: Record<string, unknown>; note?: string } | string {
  const seconds = SECONDS.exec(schedule);
  if (seconds) {
    const n = Number(seconds[1]);
    if (n < 1 || n > 59) return 'pg_cron allows 1 to 59 seconds';
    const spec = { type: 'daily', start_date: today, time_zone: timeZone, sub: { type: 'every', every: n, unit: 'second' } };
    const note =
      86400 % n === 0
        ? `"${schedule}" becomes every ${n} seconds from midnight, counted from ${today}`
        : `"${schedule}" becomes every ${n} seconds from midnight each day (86400 is not a multiple of ${n}: the last gap of a day is shorter), counted from ${today}`;
    return { spec, note };
  }
  const spec = { type: 'cron', expression: schedule, time_zone: timeZone };
  const problem = checkSchedule(JSON.stringify(spec));
  return problem === null ? { spec } : problem.message;
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Stops the imported pg_cron jobs through pg_cron's own function. */
export async function disablePgCronJobs(source: pg.ClientBase, jobIds: string[]): Promise<void> {
  for (const id of jobIds) await source.query('SELECT cron.alter_job($1::bigint, active := false)', [id]);
}

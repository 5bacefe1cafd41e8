/**
 * `pgautomator import pg-cron|pgagent` (issue 16) against the real extensions from Debian's
 * packages (postgresql-15-cron, pgagent; scripts/test-prerequisites.ts installs them): a throwaway
 * cluster with pg_cron preloaded (bench/compare/cluster.ts) holds real jobs made through pg_cron's
 * cron.schedule() and pgAgent's tables; the import goes into a test database with pgautomator.
 * Dry run changes nothing; --apply creates the jobs, schedules, connections and categories through
 * the API; a second --apply creates nothing new; an imported job is run by a real agent against
 * the source database; --disable-source stops the source jobs.
 *
 * pgautomator-test-timeout: 180
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BenchCluster, PG_BIN } from '../../bench/compare/cluster.ts';
import { createApi, type PgAutomatorApi } from '../../client/index.ts';
import { cleanup, startAgent, startJob, waitForRun } from '../agent/support.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { skip } from '../support/skip.ts';
import { runCli } from './support/cli.ts';

const SOURCE_DB = 'bench'; // cron.database_name of the cluster's settings
let cluster: BenchCluster | undefined;
let target: TestDatabase;
let api: PgAutomatorApi;
let unavailable: string | undefined;

const source = async <T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> => {
  const client = await cluster!.connect(SOURCE_DB);
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
};

test.before(async () => {
  target = await createTestDatabase('import');
  api = createApi(target.pool);
  for (const file of ['pg_cron.control', 'pgagent.control']) {
    if (!existsSync(path.join('/usr/share/postgresql/15/extension', file))) unavailable = `${file} is missing (apt-get install postgresql-15-cron pgagent)`;
  }
  if (!existsSync(path.join(PG_BIN, 'initdb'))) unavailable = `no PostgreSQL 15 binaries at ${PG_BIN}`;
  if (unavailable) return;
  cluster = new BenchCluster(() => undefined, { prefix: 'pgat-import-' });
  await cluster.start();
  await source('CREATE EXTENSION pg_cron');
  await source('CREATE EXTENSION pgagent');
  await source('CREATE TABLE ticks (at timestamptz DEFAULT now(), what text)');
  // pg_cron jobs through its own function: a named one, an unnamed one, an inactive one.
  await source(`SELECT cron.schedule('nightly-vacuum', '30 2 * * *', 'VACUUM ticks')`);
  await source(`SELECT cron.schedule('*/5 * * * mon-fri', $$INSERT INTO ticks (what) VALUES ('pg_cron')$$)`);
  await source(`SELECT cron.alter_job(cron.schedule('paused', '0 0 1 * *', 'SELECT 1'), active := false)`);
  // pgAgent: a job with a SQL step, a batch step and two schedules, one of them not translatable.
  const flags = (n: number, on: number[], offset = 0) => `(SELECT array_agg((i + ${offset}) = ANY('{${on.join(',')}}'::int[]) ORDER BY i) FROM generate_series(0, ${n - 1}) i)`;
  const [job] = await source<{ jobid: number }>(
    `INSERT INTO pgagent.pga_job (jobjclid, jobname, jobdesc, jobenabled) VALUES (1, 'report', 'Daily report', true) RETURNING jobid`,
  );
  await source(`INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname, jstonerror) VALUES ($1, 'a-insert', 's', $$INSERT INTO ticks (what) VALUES ('pgagent')$$, '${SOURCE_DB}', 'f')`, [job.jobid]);
  await source(`INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname, jstonerror) VALUES ($1, 'b-echo', 'b', 'echo done', '', 'i')`, [job.jobid]);
  const [weekly] = await source<{ jscid: number }>(
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscstart, jscminutes, jschours, jscweekdays)
     VALUES ($1, 'weekdays', '2026-01-05 00:00:00+00', ${flags(60, [0, 30])}, ${flags(24, [6])}, ${flags(7, [1, 2, 3, 4, 5])}) RETURNING jscid`,
    [job.jobid],
  );
  await source(`INSERT INTO pgagent.pga_exception (jexscid, jexdate) VALUES ($1, '2026-12-25')`, [weekly.jscid]);
  await source(
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscstart, jscminutes, jschours, jscweekdays, jscmonthdays)
     VALUES ($1, 'both-days', '2026-01-01 00:00:00+00', ${flags(60, [0])}, ${flags(24, [0])}, ${flags(7, [1])}, ${flags(32, [1], 1)})`,
    [job.jobid],
  );
});

test.after(async () => {
  await cleanup();
  await target?.drop();
  cluster?.stop();
});

const importArgs = (kind: string, ...extra: string[]) => ['import', kind, '--database-url', target.url, '--source-url', cluster!.url(SOURCE_DB), ...extra];

test('pg-cron: the dry run prints the plan and creates nothing', async () => {
  if (unavailable) return skip(unavailable);
  const r = await runCli(importArgs('pg-cron'));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /job +pg_cron\.nightly-vacuum/);
  assert.match(r.stdout, /schedule +pg_cron\.nightly-vacuum: \{"type":"cron","expression":"30 2 \* \* \*","time_zone":"UTC"\}/);
  assert.match(r.stdout, /job +pg_cron\.job-2 from pg_cron job 2/);
  assert.match(r.stdout, /pg_cron\.paused \(disabled\)/);
  assert.match(r.stdout, /Dry run: nothing was created/);
  assert.equal(await api.listJobs(), []);
});

test('pg-cron: --apply creates jobs, schedules and a connection through the API; a second run creates nothing', async () => {
  if (unavailable) return skip(unavailable);
  const first = await runCli(importArgs('pg-cron', '--apply'));
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /Created 3 job\(s\), 3 schedule\(s\), 1 connection\(s\), 1 category/);
  const jobs = await api.listJobs();
  assert.equal(jobs.map((j) => [j.name, j.enabled, j.category, j.schedules]).sort(), [
    ['pg_cron.job-2', true, 'pg_cron', ['pg_cron.job-2']],
    ['pg_cron.nightly-vacuum', true, 'pg_cron', ['pg_cron.nightly-vacuum']],
    ['pg_cron.paused', false, 'pg_cron', ['pg_cron.paused']],
  ]);
  const schedules = await api.listSchedules();
  const spec = schedules.find((s) => s.name === 'pg_cron.job-2')?.spec as Record<string, unknown>;
  assert.is(spec.expression, '*/5 * * * mon-fri');
  const second = await runCli(importArgs('pg-cron', '--apply'));
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, /Created 0 job\(s\), 0 schedule\(s\), 0 connection\(s\), 0 categories; kept 3 existing job\(s\)/);
  assert.is((await api.listJobs()).length, 3);
});

test('pg-cron: an imported job runs on a real agent against the source database', async () => {
  if (unavailable) return skip(unavailable);
  startAgent(target, { name: 'import-agent' });
  const runId = await startJob(target, 'pg_cron.job-2');
  const run = await waitForRun(target, runId);
  assert.is(run.run.state, 'succeeded', JSON.stringify(run));
  await waitFor(async () => (await source(`SELECT 1 FROM ticks WHERE what = 'pg_cron'`)).length > 0, { what: 'the row the imported step inserted' });
});

test('pg-cron: --disable-source stops the pg_cron jobs after the import', async () => {
  if (unavailable) return skip(unavailable);
  const r = await runCli(importArgs('pg-cron', '--apply', '--disable-source'));
  assert.is(r.code, 0, r.stderr);
  assert.equal(await source('SELECT jobid::int, active FROM cron.job ORDER BY jobid'), [
    { jobid: 1, active: false },
    { jobid: 2, active: false },
    { jobid: 3, active: false },
  ]);
});

test('pgagent: steps, schedules, exceptions and job class; what cannot be translated is said', async () => {
  if (unavailable) return skip(unavailable);
  const dry = await runCli(importArgs('pgagent'));
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /both weekdays and month days are set: pgAgent fires when both match, cron when either does; not translated/);
  assert.match(dry.stdout, /a batch step becomes a shell step/);
  const r = await runCli(importArgs('pgagent', '--apply'));
  assert.is(r.code, 0, r.stderr);
  const job = (await api.listJobs()).find((j) => j.name === 'pgagent.report');
  assert.ok(job, r.stdout);
  assert.is(job!.category, 'Routine Maintenance');
  assert.equal(job!.schedules, ['pgagent.report.weekdays']);
  const spec = (await api.listSchedules()).find((s) => s.name === 'pgagent.report.weekdays')?.spec as Record<string, unknown>;
  assert.equal(spec, { type: 'cron', expression: '0,30 6 * * 1,2,3,4,5', time_zone: 'UTC', start_date: '2026-01-05', exceptions: ['2026-12-25'] });
  const runId = await startJob(target, 'pgagent.report');
  const run = await waitForRun(target, runId);
  assert.is(run.run.state, 'succeeded', JSON.stringify(run));
  assert.ok((await source(`SELECT 1 FROM ticks WHERE what = 'pgagent'`)).length > 0);
  const again = await runCli(importArgs('pgagent', '--apply'));
  assert.match(again.stdout, /Created 0 job\(s\)/);
});

test('import: --help, and a source that is not one', async () => {
  const help = await runCli(['import', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /--disable-source/);
  const bad = await runCli(['import', 'cronie', '--database-url', 'postgres://x@127.0.0.1:1/x']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /the sources are pg-cron, pgagent/);
});

test.run();

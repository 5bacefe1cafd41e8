/**
 * Helpers of test/backup.test.ts: a database holding a bit of everything (definitions, agents, run
 * history in every state that matters, mail, settings), made through the API and the agent
 * protocol as its roles would; a picture of every table to compare a restore with; pg_dump and
 * pg_restore as a DBA runs them; and the roles script of docs/backup.md, cut down to our roles.
 * Tests may read tables as a superuser (product code may not).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { PG_BIN } from '../../bench/compare/cluster.ts';
import { waitFor } from './database.ts';

const run = promisify(execFile);

export interface TestRoles {
  admin: string;
  agent: string;
}

/** Runs `fn` with the client acting as `role` (SET ROLE: the API's caller), then as before. */
export async function asRole<T>(client: pg.ClientBase, role: string, fn: () => Promise<T>): Promise<T> {
  const before = (await client.query<{ role: string }>("SELECT current_setting('role') AS role")).rows[0].role;
  await client.query(`SET ROLE ${pg.escapeIdentifier(role)}`);
  try {
    return await fn();
  } finally {
    await client.query(before === 'none' ? 'RESET ROLE' : `SET ROLE ${pg.escapeIdentifier(before)}`);
  }
}

export interface ClaimedRun {
  run_id: number;
  job: string;
  trigger: string;
  begun: { step_id: number; step_run_id: number; attempt: number } | null;
}

/** One claim by `agent`; runs of jobs other than `keep` are carried out at once (output, success). */
export async function claimAndFinish(client: pg.ClientBase, agent: string, keep: string[] = []): Promise<ClaimedRun[]> {
  const { rows } = await client.query<{ run: ClaimedRun }>('SELECT pgautomator.claim_runs($1, 8) AS run', [agent]);
  for (const { run } of rows) {
    if (keep.includes(run.job) || !run.begun) continue;
    await client.query('SELECT pgautomator.log_step($1, $2)', [run.begun.step_run_id, `output of run ${run.run_id}\n`]);
    await client.query("SELECT pgautomator.end_step($1, 'succeeded', exit_code => 0, output => $2)", [run.begun.step_run_id, `output of run ${run.run_id}\n`]);
    await client.query("SELECT pgautomator.end_run($1, 'succeeded')", [run.run_id]);
  }
  return rows.map((r) => r.run);
}

export const agentName = 'backup-agent-1';

/**
 * Fills a freshly installed database: a category, an operator, a connection, schedules attached to
 * jobs, steps (one going to a later step), mail settings, retention, an agent, and runs: scheduled
 * ones succeeded (with output and mail), a manual one abandoned when the agent restarted and its
 * retry succeeded, and one still running, as at any moment a backup may be taken.
 * Returns the id of the run left running.
 */
export async function seedDatabase(client: pg.ClientBase, roles: TestRoles): Promise<{ runningRunId: number }> {
  await client.query("SELECT pgautomator.grant_role($1, 'admin'), pgautomator.grant_role($2, 'agent')", [roles.admin, roles.agent]);
  await asRole(client, roles.admin, async () => {
    await client.query(`
      SELECT pgautomator.create_category('nightly', 'jobs of the night');
      SELECT pgautomator.create_operator('dba', 'dba@example.com');
      SELECT pgautomator.create_connection('warehouse', 'postgres', 'postgres://etl@warehouse.example/dw', 'env:WAREHOUSE_PASSWORD');
      SELECT pgautomator.create_schedule('every-2s', '{"type": "daily", "start_date": "2020-01-01", "sub": {"type": "every", "every": 2, "unit": "second"}}');
      SELECT pgautomator.create_schedule('new-year-2099', '{"type": "once", "date": "2099-01-01", "sub": {"type": "once", "time": "00:00"}}');
      SELECT pgautomator.create_job('tick', category => 'nightly', description => 'fires every 2 s');
      SELECT pgautomator.add_step('tick', 'say', 'shell', 'echo tick');
      SELECT pgautomator.set_job_email('tick', '{success}', '{dba}');
      SELECT pgautomator.attach_schedule('tick', 'every-2s');
      SELECT pgautomator.create_job('report', category => 'nightly', on_abandon => 'retry', abandon_retries => 2, keep_runs => 50);
      SELECT pgautomator.add_step('report', 'extract', 'sql', 'SELECT 1', connection => 'warehouse');
      SELECT pgautomator.add_step('report', 'transform', 'shell', 'echo transform', shell => 'sh');
      SELECT pgautomator.add_step('report', 'cleanup', 'shell', 'echo cleanup');
      SELECT pgautomator.update_step('report', 'extract', on_failure => 'goto', on_failure_goto => 'cleanup');
      SELECT pgautomator.attach_schedule('report', 'new-year-2099');
      SELECT pgautomator.create_job('long', description => 'still running when the backup is taken');
      SELECT pgautomator.add_step('long', 'sleep', 'shell', 'sleep 600');
      SELECT pgautomator.set_retention(500, '90 days');
      SELECT pgautomator.watch_events(60);`);
  });
  return asRole(client, roles.agent, async () => {
    await client.query("SELECT pgautomator.register_agent($1, host => 'backup-host', os => 'linux', tags => '{etl}')", [agentName]);
    // The schedule fires every 2 s: the first claims turn its fires into runs.
    await waitFor(async () => (await claimAndFinish(client, agentName)).some((r) => r.job === 'tick'), { timeoutMs: 15_000, what: 'a fire of tick' });
    // A manual run of report, lost when the agent restarts without it: abandoned, then retried.
    await asRole(client, roles.admin, () => client.query("SELECT pgautomator.start_job('report')"));
    await waitFor(async () => (await claimAndFinish(client, agentName, ['report'])).some((r) => r.job === 'report'), { what: 'the report run claimed' });
    const registered = await client.query<{ r: { abandoned: number } }>("SELECT pgautomator.register_agent($1, host => 'backup-host', os => 'linux', tags => '{etl}') AS r", [agentName]);
    if (registered.rows[0].r.abandoned !== 1) throw new Error(`expected the report run abandoned on re-registration, got ${JSON.stringify(registered.rows[0].r)}`);
    await waitFor(async () => (await claimAndFinish(client, agentName)).some((r) => r.job === 'report' && r.trigger === 'retry'), { what: 'the retry of report' });
    // Left running: the backup catches it mid-flight.
    await asRole(client, roles.admin, () => client.query("SELECT pgautomator.start_job('long')"));
    const long = await waitFor(async () => (await claimAndFinish(client, agentName, ['long'])).find((r) => r.job === 'long'), { what: 'the long run claimed' });
    await client.query('SELECT pgautomator.log_step($1, $2)', [long.begun!.step_run_id, 'sleeping\n']);
    // The heartbeat's retention pass folds the run counters so far into run_count; the run of tick
    // ended after it stays in run_count_delta: the backup holds counts in both tables.
    await client.query('SELECT pgautomator.agent_heartbeat($1, ARRAY[$2]::bigint[])', [agentName, long.run_id]);
    await asRole(client, roles.admin, () => client.query("SELECT pgautomator.start_job('tick')"));
    await waitFor(async () => (await claimAndFinish(client, agentName)).some((r) => r.job === 'tick'), { what: 'a run of tick after the fold' });
    return { runningRunId: long.run_id };
  });
}

const maxId = async (client: pg.ClientBase, table: string) => Number((await client.query(`SELECT coalesce(max(id), 0) AS id FROM ${table}`)).rows[0].id);

/**
 * A database made by seedDatabase, then restored from a backup or upgraded, carries on as
 * docs/backup.md describes: the agent that was running `long` comes back (registers again) without
 * it, so the run is abandoned; then the schedule, due since, fires, and the run is carried out. New
 * rows take ids past the existing ones.
 */
export async function assertCarriesOn(client: pg.ClientBase, roles: TestRoles, runningRunId: number): Promise<void> {
  const runsBefore = await maxId(client, 'pgautomator.job_run');
  const fired = await asRole(client, roles.agent, async () => {
    const registered = await client.query('SELECT pgautomator.register_agent($1, host => $2) AS r', [agentName, 'backup-host']);
    assert.is(registered.rows[0].r.abandoned, 1, 'the run running at backup time is abandoned when its agent registers again');
    return waitFor(async () => (await claimAndFinish(client, agentName)).find((r) => r.job === 'tick' && r.trigger === 'schedule'), {
      timeoutMs: 15_000,
      what: 'the restored schedule to fire tick',
    });
  });
  assert.ok(fired.run_id > runsBefore, `the new run's id ${fired.run_id} follows the restored ones (up to ${runsBefore})`);
  const state = await client.query('SELECT state FROM pgautomator.runs WHERE id = $1', [fired.run_id]);
  assert.is(state.rows[0].state, 'succeeded');
  const long = await client.query('SELECT state, message FROM pgautomator.runs WHERE id = $1', [runningRunId]);
  assert.is(long.rows[0].state, 'abandoned');
  assert.match(long.rows[0].message, /restarted/);
  for (const table of ['job', 'schedule', 'step', 'category', 'operator', 'connection']) {
    const before = await maxId(client, `pgautomator.${table}`);
    const created = await asRole(client, roles.admin, () =>
      client.query(
        {
          job: "SELECT pgautomator.create_job('after-restore') AS id",
          schedule: `SELECT pgautomator.create_schedule('after-restore', '{"type": "once", "date": "2099-06-01"}') AS id`,
          step: "SELECT pgautomator.add_step('after-restore', 'one', 'shell', 'true') AS id",
          category: "SELECT pgautomator.create_category('after-restore') AS id",
          operator: "SELECT pgautomator.create_operator('after-restore', 'ops@example.com') AS id",
          connection: "SELECT pgautomator.create_connection('after-restore', 'postgres', 'postgres://u@h/db') AS id",
        }[table]!,
      ),
    );
    assert.ok(Number(created.rows[0].id) > before, `a new ${table} gets an id past the restored ones (${created.rows[0].id} > ${before})`);
  }
}

export interface TablePicture {
  rows: Record<string, number>;
  /** md5 of every row's text, per table: equal digests, equal contents. */
  digests: Record<string, string>;
  /** last_value of each identity sequence (null: never used). */
  sequences: Record<string, string | null>;
}

/**
 * Every table of schema pgautomator, read as a superuser. With `columns`, a table's rows are read
 * through those columns only (an upgrade adds columns: compare what was there before).
 */
export async function tablePicture(client: pg.ClientBase, columns?: Record<string, string[]>): Promise<TablePicture> {
  const tables = await client.query<{ name: string }>(
    "SELECT c.oid::regclass::text AS name FROM pg_class c WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'r' ORDER BY 1");
  const picture: TablePicture = { rows: {}, digests: {}, sequences: {} };
  for (const { name } of tables.rows) {
    // The engine row is written by each install (CREATE EXTENSION on the target writes it anew),
    // so of settings compare name and value.
    const kept = columns?.[name];
    const row = name === 'pgautomator.setting' ? "t.name || '=' || t.value::text"
      : kept ? `ROW(${kept.map((c) => `t.${pg.escapeIdentifier(c)}`).join(', ')})::text` : 't::text';
    const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row}), '')) AS digest FROM ${name} t`);
    picture.rows[name] = rows[0].n;
    picture.digests[name] = rows[0].digest;
  }
  const sequences = await client.query<{ name: string; last_value: string | null }>(
    "SELECT sequencename AS name, last_value::text FROM pg_sequences WHERE schemaname = 'pgautomator' ORDER BY 1");
  for (const s of sequences.rows) picture.sequences[s.name] = s.last_value;
  return picture;
}

/** The columns of every table of schema pgautomator, in order. */
export async function tableColumns(client: pg.ClientBase): Promise<Record<string, string[]>> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.oid::regclass::text AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'r'
     GROUP BY c.oid`);
  return Object.fromEntries(rows.map((r) => [r.name, r.columns]));
}

export interface Server {
  host: string;
  port: number;
}

function connectionArgs(server: Server): string[] {
  return ['-h', server.host, '-p', String(server.port), '-U', 'postgres'];
}

/** `pg_dump -Fc` of `database` into `file`, with extra options; returns pg_dump's stderr. */
export async function dumpDatabase(server: Server, database: string, file: string, extra: string[] = []): Promise<string> {
  const { stderr } = await run(path.join(PG_BIN, 'pg_dump'), [...connectionArgs(server), '-Fc', '-f', file, ...extra, database]);
  return stderr;
}

/** `pg_restore --exit-on-error` of `file` into the (new, empty) `database`; returns its stderr. */
export async function restoreDatabase(server: Server, database: string, file: string): Promise<string> {
  const { stderr } = await run(path.join(PG_BIN, 'pg_restore'), [...connectionArgs(server), '--exit-on-error', '-d', database, file]);
  return stderr;
}

/**
 * The roles for a fresh cluster, as docs/backup.md says (`pg_dumpall --roles-only`), cut down to
 * the pgautomator_* groups and `ours`: the test server is shared, and `postgres` exists already.
 */
export async function rolesScript(server: Server, ours: string[]): Promise<string> {
  const { stdout } = await run(path.join(PG_BIN, 'pg_dumpall'), [...connectionArgs(server), '--roles-only']);
  const wanted = (name: string) => name.startsWith('pgautomator_') || ours.includes(name);
  const kept = stdout.split('\n').filter((line) => {
    const own = /^(?:CREATE ROLE|ALTER ROLE|COMMENT ON ROLE) ([a-z0-9_]+)[ ;]/.exec(line);
    if (own) return wanted(own[1]);
    const grant = /^GRANT ([a-z0-9_]+) TO ([a-z0-9_]+)[ ;]/.exec(line);
    return grant !== null && wanted(grant[1]) && wanted(grant[2]);
  });
  return kept.join('\n') + '\n';
}

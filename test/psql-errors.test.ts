/**
 * What a DBA sees in psql when a call goes wrong (issue 19): with psql's default verbosity, an
 * error prints its message, DETAIL and HINT and at most ONE CONTEXT line, naming the API function
 * that was called; never the internal helpers (_raise, _check_one_of, _check_job, _job_id...) nor
 * the SQL statements between them. Real psql, real server, one psql process per error as typed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, serverUrl, type TestDatabase } from './support/database.ts';

const run = promisify(execFile);
let db: TestDatabase;
let nobody: string;

test.before(async () => {
  db = await createTestDatabase('psql_errors');
  // Roles are the cluster's: named after this database so parallel files never share one.
  nobody = `${db.name}_nobody`;
  await db.pool.query(`CREATE ROLE ${nobody} NOLOGIN`);
  // EXECUTE granted by mistake, without the group role: the role check inside answers (PA040).
  await db.pool.query(`GRANT USAGE ON SCHEMA pgautomator TO ${nobody}`);
  await db.pool.query(`GRANT EXECUTE ON FUNCTION pgautomator.list_jobs(text) TO ${nobody}`);
  await db.pool.query(`SELECT pgautomator.create_job('nightly')`);
});
test.after(async () => {
  await db.drop(); // its grants go with it, so the role can be dropped next
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${nobody}`);
  } finally {
    await admin.end();
  }
});

interface PsqlError {
  error: string;
  detail?: string;
  hint?: string;
  /** Every CONTEXT line, continuation lines included (a quoted SQL statement spans several). */
  context: string[];
  raw: string;
}

/** Runs one command in psql as a DBA would (no psqlrc, default VERBOSITY and SHOW_CONTEXT). */
async function psqlError(sql: string): Promise<PsqlError> {
  const url = new URL(db.url);
  const result = await run('psql', ['-X', '-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres',
    '-d', db.name, '-c', sql]).then(
    () => assert.unreachable(`expected an error from: ${sql}`),
    (e: { stderr: string }) => e.stderr,
  );
  const raw = result as string;
  const lines = raw.trimEnd().split('\n');
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}:  `))?.slice(name.length + 3);
  const at = lines.findIndex((l) => l.startsWith('CONTEXT:  '));
  return { error: field('ERROR') ?? '', detail: field('DETAIL'), hint: field('HINT'), context: at < 0 ? [] : lines.slice(at), raw };
}

/** At most one CONTEXT line, and it names the API function that was called (or there is none). */
function assertContextNames(e: PsqlError, fn: string): void {
  assert.ok(e.context.length <= 1, `one CONTEXT line at most, got ${e.context.length}:\n${e.raw}`);
  if (e.context.length === 1) {
    assert.match(e.context[0], new RegExp(`^CONTEXT:  PL/pgSQL function pgautomator\\.${fn}\\(`), e.raw);
  }
  assert.not.match(e.raw, /pgautomator\._/, `no internal helper in what psql prints:\n${e.raw}`);
}

test('a bad enum argument: message, DETAIL, HINT and one CONTEXT line naming create_job', async () => {
  const e = await psqlError(`SELECT pgautomator.create_job('j', overlap => 'sometimes')`);
  assert.is(e.error, 'job overlap must be one of skip, queue_one, queue_all, cancel_previous, allow (got "sometimes")');
  assert.is(e.detail, 'field: overlap');
  assert.is(e.hint, `Pass overlap => 'skip' (or another of the listed values).`);
  assertContextNames(e, 'create_job');
});

test('a bad schedule field: PA001 with one CONTEXT line naming create_schedule', async () => {
  const e = await psqlError(`SELECT pgautomator.create_schedule('s', '{"type": "daily", "start_date": "2026-01-05", "every": 0}')`);
  assert.match(e.error, /^schedule every must be/);
  assert.is(e.detail, 'field: every');
  assert.ok(e.hint, 'a HINT');
  assertContextNames(e, 'create_schedule');
});

test('not found: start_job of a missing job', async () => {
  const e = await psqlError(`SELECT pgautomator.start_job('nope')`);
  assert.is(e.error, `job 'nope' does not exist`);
  assert.is(e.detail, 'field: job');
  assert.ok(e.hint, 'a HINT');
  assertContextNames(e, 'start_job');
});

test('already exists: create_job of a taken name', async () => {
  const e = await psqlError(`SELECT pgautomator.create_job('nightly')`);
  assert.is(e.error, `job 'nightly' already exists`);
  assert.is(e.detail, 'field: name');
  assertContextNames(e, 'create_job');
});

test('permission denied: PA040 from the role check, one CONTEXT line naming list_jobs', async () => {
  const e = await psqlError(`SET ROLE ${nobody}; SELECT * FROM pgautomator.list_jobs()`);
  assert.is(e.error, `permission denied: ${nobody} is not a member of pgautomator_viewer`);
  assert.ok(e.hint?.includes('grant_role'), e.raw);
  assertContextNames(e, 'list_jobs');
});

test('permission denied without EXECUTE: PostgreSQL says so itself, no CONTEXT', async () => {
  const e = await psqlError(`SET ROLE ${nobody}; SELECT pgautomator.create_job('x')`);
  assert.is(e.error, 'permission denied for function create_job');
  assert.is(e.context.length, 0, e.raw);
});

test('an error raised deep inside a step lookup (update_step on a missing step) still shows one line', async () => {
  const e = await psqlError(`SELECT pgautomator.update_step('nightly', 'nope', command => 'true')`);
  assert.is(e.error, `step 'nope' of job 'nightly' does not exist`);
  assertContextNames(e, 'update_step');
});

test.run();

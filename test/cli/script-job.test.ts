/**
 * `pgautomator script-job NAME` prints pgautomator.script_job's SQL; an unknown job or a missing
 * NAME is an error with a hint. (The SQL's round trip through psql: test/script-job.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from './support/cli.ts';

let db: TestDatabase;
test.before(async () => {
  db = await createTestDatabase('cli_script_job');
  await db.pool.query(`SELECT pgautomator.create_job('nightly ''dump''')`);
  await db.pool.query(`SELECT pgautomator.add_step('nightly ''dump''', 'dump', 'shell', 'pg_dump -Fc app > /tmp/app.dump')`);
});
test.after(async () => {
  await db.drop();
});

test('prints the script of a job on stdout', async () => {
  const result = await runCli(['script-job', `nightly 'dump'`, '--database-url', db.url]);
  assert.is(result.code, 0, result.stderr);
  const { rows } = await db.pool.query(`SELECT pgautomator.script_job('nightly ''dump''') AS s`);
  assert.is(result.stdout, rows[0].s);
  assert.match(result.stdout, `name => 'nightly ''dump'''`);
});

test('an unknown job: the database says so, exit code not 0', async () => {
  const result = await runCli(['script-job', 'nope', '--database-url', db.url]);
  assert.is.not(result.code, 0);
  assert.match(result.stderr, /job 'nope' does not exist/);
  assert.is(result.stdout, '');
});

test('no NAME: a usage error (exit 2) pointing to --help', async () => {
  const result = await runCli(['script-job', '--database-url', db.url]);
  assert.is(result.code, 2);
  assert.match(result.stderr, /the job NAME is missing/);
  assert.match(result.stderr, /pgautomator script-job --help/);
});

test.run();

/**
 * The errors a person meets first, each with what went wrong and what to do: a malformed URL (the
 * expected form), a port nobody listens on (host, port, how to start a server), a database or a
 * role that does not exist, a database without pgautomator ("run pgautomator install"), and an
 * install by a role that lacks the privileges.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { anyFreePort } from '../../cli/free-port.ts';
import { createTestDatabase, serverUrl } from '../support/database.ts';
import { createEmptyDatabase, inDatabase, onServer, runCli, urlAs, type EmptyDatabase } from './support/cli.ts';

let empty: EmptyDatabase;
const weakRole = `pgat_cli_weak_${process.pid}_${randomBytes(2).toString('hex')}`;

test.before(async () => {
  empty = await createEmptyDatabase('errors');
  await onServer((client) => client.query(`CREATE ROLE ${weakRole} LOGIN`));
  // Roles keep CONNECT through PUBLIC, but not CREATE on the database (so no schema of their own).
  await inDatabase(empty.url, (client) => client.query(`REVOKE CREATE ON DATABASE ${empty.name} FROM PUBLIC`));
});

test.after(async () => {
  await empty.drop();
  await onServer((client) => client.query(`DROP ROLE IF EXISTS ${weakRole}`));
});

test('a --database-url that is not a URL: exit 2, the expected form', async () => {
  for (const command of ['install', 'status', 'upgrade']) {
    const result = await runCli([command, '--database-url', 'localhost:5432/jobs']);
    assert.is(result.code, 2, `${command}: ${result.stderr}`);
    assert.match(result.stderr, /--database-url must start with postgres:\/\/|--database-url is not a URL/);
    assert.match(result.stderr, /hint: write it as postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/);
  }
  const scheme = await runCli(['status', '--database-url', 'mysql://root@127.0.0.1/db']);
  assert.is(scheme.code, 2);
  assert.match(scheme.stderr, /must start with postgres:\/\/ or postgresql:\/\/ \(got mysql:\/\/\.\.\.\)/);
});

test('a refused port names host and port and says how to start a server', async () => {
  const port = await anyFreePort();
  const result = await runCli(['status', '--database-url', `postgres://postgres@127.0.0.1:${port}/postgres`]);
  console.log(result.stderr.trimEnd());
  assert.is(result.code, 1);
  assert.match(result.stderr, new RegExp(`cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused`));
  assert.match(result.stderr, /hint: start the server .*pg_ctlcluster/);
  assert.match(result.stderr, /pgautomator start/);
  assert.not.match(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('a database without pgautomator: "run pgautomator install"', async () => {
  const result = await runCli(['status', '--database-url', empty.url]);
  console.log(result.stderr.trimEnd());
  assert.is(result.code, 1);
  assert.match(result.stderr, new RegExp(`pgautomator is not installed in database "${empty.name}"`));
  assert.match(result.stderr, /hint: run: pgautomator install --database-url postgres:\/\//);
  const upgrade = await runCli(['upgrade', '--database-url', empty.url]);
  assert.is(upgrade.code, 1);
  assert.match(upgrade.stderr, /is not installed/);
});

test('a database that does not exist says how to create it', async () => {
  const url = new URL(serverUrl);
  url.pathname = '/pgat_cli_no_such_db';
  const result = await runCli(['status', '--database-url', url.toString()]);
  assert.is(result.code, 1);
  assert.match(result.stderr, /database "pgat_cli_no_such_db" does not exist/);
  assert.match(result.stderr, /createdb .* pgat_cli_no_such_db/);
});

test('a role that does not exist is named', async () => {
  const result = await runCli(['status', '--database-url', urlAs(serverUrl, 'pgat_cli_nobody', 'secret')]);
  assert.is(result.code, 1);
  assert.match(result.stderr, /pgat_cli_nobody/);
  assert.not.match(result.stderr, /secret/, 'the password is never echoed');
});

test('install by a role without the privileges explains which are needed, and changes nothing', async () => {
  const result = await runCli(['install', '--database-url', urlAs(empty.url, weakRole), '--method', 'plain']);
  console.log(result.stderr.trimEnd());
  assert.is(result.code, 1);
  assert.match(result.stderr, new RegExp(`missing privileges to install pgautomator as "${weakRole}"`));
  assert.match(result.stderr, /CREATEROLE/);
  const schema = await inDatabase(empty.url, (c) => c.query("SELECT 1 FROM pg_namespace WHERE nspname = 'pgautomator'"));
  assert.is(schema.rows.length, 0, 'the failed install left nothing behind');
});

test('a database whose pgautomator is too old for a read says to upgrade', async () => {
  const db = await createTestDatabase('cli_too_old');
  try {
    // An older release: no list_running() yet, and an older version number.
    await inDatabase(db.url, async (c) => {
      await c.query('DROP FUNCTION pgautomator.list_running');
      await c.query("CREATE OR REPLACE FUNCTION pgautomator.version() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '0.0.1'::text $$");
      await c.query("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgautomator') THEN UPDATE pg_extension SET extversion = '0.0.1' WHERE extname = 'pgautomator'; END IF; END $$");
    });
    const result = await runCli(['status', '--database-url', db.url]);
    console.log(result.stderr.trimEnd());
    assert.is(result.code, 1);
    assert.match(result.stderr, /pgautomator 0\.0\.1 in this database is too old for this CLI \(\d+\.\d+\.\d+\): it has no pgautomator\.list_running\(\)/);
    assert.match(result.stderr, /hint: run: pgautomator upgrade --database-url postgres:\/\//);
  } finally {
    await db.drop();
  }
});

test('--method must be auto, extension or plain', async () => {
  const result = await runCli(['install', '--database-url', empty.url, '--method', 'sql']);
  assert.is(result.code, 2);
  assert.match(result.stderr, /--method must be auto, extension or plain/);
});

test.run();

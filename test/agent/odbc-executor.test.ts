/**
 * The ODBC executor alone, against real databases through Debian's ODBC drivers on unixODBC:
 * PostgreSQL (psqlODBC, "PostgreSQL Unicode") and MariaDB (MariaDB Connector/ODBC, "MariaDB
 * Unicode"); a kill through SQLCancel; and an agent process without the `odbc` package, which
 * refuses the step saying what to install.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepAbort, type StepContext, type StepResult } from '../../agent/src/executors/executor.ts';
import { connectionString } from '../../agent/src/executors/sql/odbc.ts';
import { runSqlStep } from '../../agent/src/executors/sql/registry.ts';
import { createLogger } from '../../agent/src/logger.ts';
import { OutputBuffer } from '../../agent/src/output-buffer.ts';
import type { ClaimedStep } from '../../agent/src/protocol.ts';
import { createSecretResolver } from '../../agent/src/secrets.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { createMysqlDatabase, mysqlServer, type MysqlDatabase } from './mysql-database.ts';
import { cleanup, root, tempDir } from './support.ts';

let pgdb: TestDatabase;
let mydb: MysqlDatabase;
const logger = createLogger({ format: 'text', level: 'error', write: () => {} });

test.before(async () => {
  pgdb = await createTestDatabase('odbc');
  mydb = await createMysqlDatabase('odbc');
});

test.after(async () => {
  await pgdb?.drop();
  await mydb?.drop();
  await cleanup();
});

function pgDsn(): string {
  const url = new URL(pgdb.url);
  return `Driver={PostgreSQL Unicode};Server=${url.hostname};Port=${url.port || 5432};Database=${url.pathname.slice(1)};Uid=${decodeURIComponent(url.username)}`;
}
function mariaDsn(): string {
  const url = new URL(mysqlServer);
  return `Driver={MariaDB Unicode};Server=${url.hostname};Port=${url.port || 3306};Database=${mydb.name};Uid=${decodeURIComponent(url.username) || 'root'}`;
}

function odbcStep(command: string, dsn: string, secretRef: string | null = null): ClaimedStep {
  return {
    stepId: 1, position: 1, name: 'probe', enabled: true, kind: 'sql', command, shell: null, workingDir: null, env: {},
    successCodes: [0], timeout: null, retries: 0, retryDelay: 0, retryBackoff: 1, onSuccess: 'next', onSuccessGoto: null,
    onFailure: 'quit_failure', onFailureGoto: null, connection: { name: 'odbc-target', driver: 'odbc', dsn, secretRef },
  };
}

async function run(step: ClaimedStep, abort?: (controller: AbortController) => void): Promise<StepResult & { output: string }> {
  const output = new OutputBuffer({ keepBytes: 8192, flushMs: 50, flushBytes: 65536 });
  const controller = new AbortController();
  const context: StepContext = {
    runId: 7, job: 'odbc-job', attempt: 1, signal: controller.signal, output, logger,
    secrets: createSecretResolver({ secretsFile: null, env: { ODBC_SECRET: '' } }), killGraceMs: 1000,
  };
  abort?.(controller);
  const result = await runSqlStep(step, context);
  await output.close();
  return { ...result, output: output.text() };
}

test('the password goes in as PWD, braced, with a closing brace doubled', () => {
  assert.is(connectionString({ dsn: 'DSN=sales;Uid=app;', password: 'p};w{d', label: '' }), 'DSN=sales;Uid=app;PWD={p}};w{d}');
  assert.is(connectionString({ dsn: 'DSN=sales', password: null, label: '' }), 'DSN=sales');
});

test('PostgreSQL through psqlODBC: rows, rows affected, and an error with its SQLSTATE', async () => {
  const rows = await run(odbcStep("SELECT 1 AS one, 'two' AS two UNION ALL SELECT 3, 'four'", pgDsn(), 'env:ODBC_SECRET'));
  assert.is(rows.state, 'succeeded', rows.message ?? '');
  assert.is(rows.message, 'SELECT 2');
  assert.is(rows.output, 'one\ttwo\n1\ttwo\n3\tfour\nSELECT 2\n');

  assert.is((await run(odbcStep('CREATE TABLE odbc_t (a int)', pgDsn()))).state, 'succeeded');
  const inserted = await run(odbcStep('INSERT INTO odbc_t VALUES (1), (2), (3)', pgDsn()));
  assert.is(inserted.message, 'OK 3');
  assert.is((await pgdb.pool.query('SELECT count(*)::int AS n FROM odbc_t')).rows[0].n, 3);

  const failed = await run(odbcStep('SELECT * FROM no_such_table', pgDsn()));
  assert.is(failed.state, 'failed');
  assert.match(failed.message ?? '', /42P01/);
  assert.match(failed.output, /ERROR .*no_such_table/);
});

test('MariaDB through MariaDB Connector/ODBC', async () => {
  await mydb.query('CREATE TABLE t (a INT, b VARCHAR(10))');
  await mydb.query("INSERT INTO t VALUES (1, 'x'), (2, 'y')");
  const rows = await run(odbcStep('SELECT a, b FROM t ORDER BY a', mariaDsn()));
  assert.is(rows.state, 'succeeded', rows.message ?? '');
  assert.is(rows.output, 'a\tb\n1\tx\n2\ty\nSELECT 2\n');
  const updated = await run(odbcStep("UPDATE t SET b = 'z'", mariaDsn()));
  assert.is(updated.message, 'OK 2');
});

test('a connection that fails is a failed step whose message does not repeat the password', async () => {
  const step = odbcStep('SELECT 1', 'Driver={No Such Driver};Server=nowhere;Uid=app', 'env:ODBC_SECRET');
  const output = new OutputBuffer({ keepBytes: 8192, flushMs: 50, flushBytes: 65536 });
  const controller = new AbortController();
  const result = await runSqlStep(step, {
    runId: 7, job: 'odbc-job', attempt: 1, signal: controller.signal, output, logger,
    secrets: createSecretResolver({ secretsFile: null, env: { ODBC_SECRET: 'hunter2-secret' } }), killGraceMs: 1000,
  });
  await output.close();
  assert.is(result.state, 'failed');
  assert.match(result.message ?? '', /^cannot connect: /);
  assert.not.match(`${result.message} ${output.text()}`, /hunter2-secret/);
});

test('kill: SQLCancel stops a long statement on its server', async () => {
  const result = await run(odbcStep('SELECT pg_sleep(60)', pgDsn()), (controller) => {
    void waitFor(async () => (await pgdb.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")).rowCount, { what: 'pg_sleep running', timeoutMs: 20_000 })
      .then(() => controller.abort(new StepAbort('killed', 'kill requested')));
  });
  assert.is(result.state, 'killed');
  await waitFor(async () => (await pgdb.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")).rowCount === 0, { what: 'pg_sleep gone', timeoutMs: 20_000 });
});

test('an agent without the odbc package refuses ODBC steps saying what to install', () => {
  // A real Node process in which the package cannot be found (a resolve hook hides it, as on a host
  // where it was never installed); the rest of the agent's code is the same.
  const hook = path.join(tempDir(), 'hide-odbc.mjs');
  writeFileSync(hook, `export async function resolve(specifier, context, next) {
  if (specifier === 'odbc') { const e = new Error("Cannot find package 'odbc'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
  return next(specifier, context);
}\n`);
  const register = path.join(tempDir(), 'register-hide-odbc.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hook}`).href)});\n`);
  const probe = path.join(tempDir(), 'probe.mts');
  writeFileSync(probe, `import { runOdbc } from ${JSON.stringify(path.join(root, 'agent/src/executors/sql/odbc.ts'))};
const writes: string[] = [];
const result = await runOdbc('SELECT 1', { dsn: 'DSN=x', password: null, label: 'probe' }, {
  runId: 1, job: 'j', attempt: 1, signal: new AbortController().signal, killGraceMs: 1000,
  output: { write: (_s: string, t: string) => writes.push(t) }, logger: console, secrets: { resolve: async () => '' },
} as never);
console.log(JSON.stringify({ result, writes }));\n`);
  const child = spawnSync(process.execPath, ['--import', register, '--import', 'tsx', probe], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(child.status, 0, child.stderr);
  const { result, writes } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { result: StepResult; writes: string[] };
  assert.is(result.state, 'failed');
  assert.match(result.message ?? '', /driver odbc needs the optional npm package "odbc" and unixODBC on this agent host/);
  assert.match(result.message ?? '', /npm install odbc/);
  assert.match(writes.join(''), /npm install odbc/);
});

test.run();

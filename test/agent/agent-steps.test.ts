/**
 * Steps through a real agent process connected as a least-privilege role (member of
 * pgautomator_agent only): SQL steps against PostgreSQL, MariaDB and SQLite with secrets from the
 * environment and from the secrets file; output streamed while the step runs and bounded (head,
 * tail, total bytes); kill_run of a shell process tree and of long queries; the job's mail
 * delivered to a real SMTP server.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestDatabase, databaseUrl, waitFor, type TestDatabase } from '../support/database.ts';
import { body, header, startMailServer, type MailServer } from './mail-server.ts';
import { createMysqlDatabase, type MysqlDatabase } from './mysql-database.ts';
import { adminApi, cleanup, createJob, getRun, processAlive, startAgent, startJob, tempDir, waitForRun, type AgentProcess } from './support.ts';

let db: TestDatabase;
let mydb: MysqlDatabase;
let mail: MailServer;
let agent: AgentProcess;
const role = `pgat_agent_role_${process.pid}`;
const secretsFile = () => path.join(tempDir(), 'secrets.json');

test.before(async () => {
  db = await createTestDatabase('agent_steps');
  mydb = await createMysqlDatabase('agent_steps');
  mail = await startMailServer({ user: 'jobs', password: 'smtp-secret' });
  await db.pool.query(`CREATE ROLE ${role} LOGIN`);
  await adminApi(db).grantRole({ role_name: role, access: 'agent' });
  writeFileSync(secretsFile(), JSON.stringify({ MYSQL_PASSWORD: '' , PG_PASSWORD: 'unused-with-trust' }), { mode: 0o600 });
  const url = new URL(db.url);
  url.username = role;
  const options = {
    name: 'steps',
    databaseUrl: url.toString(),
    args: ['--max-concurrent', '6', '--secrets-file', secretsFile()],
    env: { SMTP_PASSWORD: 'smtp-secret', STEP_PG_PASSWORD: 'unused-with-trust' },
  };
  // SMTP settings set while the agent runs reach it with its next heartbeat.
  agent = startAgent(db, options);
  await agent.waitForLog((l) => l.msg === 'registered', 'registration');
  await adminApi(db).setAgentSmtp({ agent: 'steps', host: '127.0.0.1', port: mail.port, security: 'none', user: 'jobs', password_ref: 'env:SMTP_PASSWORD', from: 'agent@example.com' });
  await agent.waitForLog((l) => l.msg === 'SMTP settings changed' && l.smtp === '127.0.0.1', 'the SMTP settings at a heartbeat');
});

test.after(async () => {
  await agent?.stop();
  await cleanup();
  await mail?.close();
  await mydb?.drop();
  await db?.pool.query(`DROP ROLE IF EXISTS ${role}`);
  await db?.drop();
});

test('the agent works with the agent role alone (it holds no table privileges)', async () => {
  const denied = await db.pool.query(`SELECT has_table_privilege('${role}', 'pgautomator.job_run', 'SELECT') AS can`);
  assert.is(denied.rows[0].can, false);
  await createJob(db, 'role-check', [{ command: 'echo "$PGAUTOMATOR_JOB $PGAUTOMATOR_STEP $PGAUTOMATOR_RUN_ID $GREETING"; pwd', working_dir: tempDir(), env: { GREETING: 'hello' } }]);
  const runId = await startJob(db, 'role-check');
  const view = await waitForRun(db, runId);
  assert.is(view.run.state, 'succeeded');
  assert.is(view.run.agent, 'steps');
  assert.is(view.steps[0].output, `role-check s1 ${runId} hello\n${tempDir()}\n`);
});

test('SQL steps: PostgreSQL, MariaDB and SQLite, with env: and file: secrets', async () => {
  const api = adminApi(db);
  await api.createConnection({ name: 'pg-target', driver: 'postgres', dsn: databaseUrl(db.name), secret_ref: 'env:STEP_PG_PASSWORD' });
  await api.createConnection({ name: 'maria-target', driver: 'mariadb', dsn: mydb.url, secret_ref: 'file:MYSQL_PASSWORD' });
  await api.createConnection({ name: 'lite-target', driver: 'sqlite', dsn: path.join(tempDir(), 'agent.sqlite') });
  await api.createConnection({ name: 'pg-missing-secret', driver: 'postgres', dsn: db.url, secret_ref: 'env:NOT_SET_ANYWHERE' });
  await createJob(db, 'sql-pg', [{ kind: 'sql', connection: 'pg-target', command: "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2); DO $$ BEGIN RAISE NOTICE 'two rows'; END $$; SELECT sum(a) AS total FROM t" }]);
  await createJob(db, 'sql-maria', [{ kind: 'sql', connection: 'maria-target', command: 'CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2), (3); SELECT sum(a) AS total FROM t' }]);
  await createJob(db, 'sql-lite', [{ kind: 'sql', connection: 'lite-target', command: 'CREATE TABLE t (a int); INSERT INTO t VALUES (4), (5); SELECT sum(a) AS total FROM t' }]);
  await createJob(db, 'sql-fails', [{ kind: 'sql', connection: 'maria-target', command: 'SELECT * FROM nowhere' }]);
  await createJob(db, 'sql-no-secret', [{ kind: 'sql', connection: 'pg-missing-secret', command: 'SELECT 1' }]);
  const ids = await Promise.all(['sql-pg', 'sql-maria', 'sql-lite', 'sql-fails', 'sql-no-secret'].map((job) => startJob(db, job)));
  const [pgRun, mariaRun, liteRun, failRun, noSecret] = await Promise.all(ids.map((id) => waitForRun(db, id)));
  assert.is(pgRun.run.state, 'succeeded', pgRun.steps[0]?.message ?? '');
  assert.is(pgRun.steps[0].message, '4 statements: CREATE, INSERT 2, DO, SELECT 1');
  assert.match(pgRun.steps[0].output!, /NOTICE:  two rows\n[\s\S]*total\n3\n/);
  assert.is(mariaRun.run.state, 'succeeded', mariaRun.steps[0]?.message ?? '');
  assert.match(mariaRun.steps[0].output!, /total\n6\n/);
  assert.is(liteRun.run.state, 'succeeded', liteRun.steps[0]?.message ?? '');
  assert.match(liteRun.steps[0].output!, /total\n9\n/);
  assert.is(failRun.run.state, 'failed');
  assert.match(failRun.steps[0].message!, /ER_NO_SUCH_TABLE/);
  assert.is(noSecret.run.state, 'failed');
  assert.match(noSecret.steps[0].message!, /connection pg-missing-secret: secret env:NOT_SET_ANYWHERE/);
  assert.not.ok(agent.output().includes('smtp-secret'), 'secrets never reach the log');
});

test('output: streamed while the step runs; stored bounded with head, tail and total bytes', async () => {
  await createJob(db, 'streaming', [{ command: 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.3; done' }]);
  await createJob(db, 'big-output', [{ command: 'seq 1 300000; echo "to stderr" >&2' }]);
  const api = adminApi(db);
  const streaming = await startJob(db, 'streaming');
  const big = await startJob(db, 'big-output');
  // While the step still runs, its first chunks are there already.
  const early = await waitFor(
    async () => {
      const view = await getRun(db, streaming);
      const running = view.steps.find((s) => s.state === 'running') as { id?: number } | undefined;
      if (!running?.id) return null;
      const chunks = (await api.stepOutput({ step_run_id: running.id })) as Array<{ chunk: string }>;
      return chunks.length > 0 ? { state: view.run.state, text: chunks.map((c) => c.chunk).join('') } : null;
    },
    { timeoutMs: 10_000, what: 'streamed output of a running step' },
  );
  assert.is(early.state, 'running');
  assert.match(early.text, /^tick 1\n/);
  assert.not.match(early.text, /tick 6/);
  const done = await waitForRun(db, streaming);
  assert.is(done.steps[0].output, 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\n');

  const bigRun = await waitForRun(db, big);
  const step = bigRun.steps[0];
  const expected = Array.from({ length: 300000 }, (_, i) => `${i + 1}\n`).join('') + 'to stderr\n';
  assert.is(step.output_bytes, Buffer.byteLength(expected));
  assert.ok(step.output!.startsWith('1\n2\n3\n4\n5\n'), 'head kept');
  assert.ok(step.output!.endsWith('299999\n300000\nto stderr\n'), 'tail kept');
  assert.match(step.output!, new RegExp(`\\[\\.\\.\\. ${Buffer.byteLength(expected) - 2 * 65536} bytes omitted \\.\\.\\.\\]`));
  assert.ok(Buffer.byteLength(step.output!) < 2 * 65536 + 100, `stored ${Buffer.byteLength(step.output!)} bytes`);
});

test('kill_run: a shell step\'s whole process tree dies; the run is killed', async () => {
  const pidFile = path.join(tempDir(), 'kill.pids');
  await createJob(db, 'tree', [{ command: `sleep 300 & echo $! > ${pidFile}; sh -c 'sleep 300 & echo $! >> ${pidFile}; wait' & echo $! >> ${pidFile}; wait` }, { command: 'echo never' }]);
  const runId = await startJob(db, 'tree');
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().split('\n').length >= 3, { what: 'the tree started' });
  const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
  assert.is(await adminApi(db).killRun({ run_id: runId }), 'kill_requested');
  const view = await waitForRun(db, runId);
  assert.is(view.run.state, 'killed');
  assert.equal(view.steps.map((s) => s.state), ['killed']);
  for (const pid of pids) assert.not.ok(processAlive(pid), `process ${pid} survived`);
});

test('kill_run: long queries are cancelled on their servers (pg_sleep, MariaDB SLEEP)', async () => {
  await createJob(db, 'pg-sleep', [{ kind: 'sql', connection: 'pg-target', command: 'SELECT pg_sleep(120)' }]);
  await createJob(db, 'maria-sleep', [{ kind: 'sql', connection: 'maria-target', command: 'SELECT SLEEP(120)' }]);
  const pgRunId = await startJob(db, 'pg-sleep');
  const mariaRunId = await startJob(db, 'maria-sleep');
  await waitFor(async () => (await db.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)' AND state = 'active'")).rowCount, { what: 'pg_sleep running' });
  await waitFor(async () => ((await mydb.query("SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(120)'")) as unknown[]).length, { what: 'SLEEP running' });
  const started = Date.now();
  await adminApi(db).killRun({ run_id: pgRunId });
  await adminApi(db).killRun({ run_id: mariaRunId });
  const [pgView, mariaView] = await Promise.all([waitForRun(db, pgRunId), waitForRun(db, mariaRunId)]);
  // Both sleep 120 s: runs ended within a minute were ended by the kills (not a speed check).
  assert.ok(Date.now() - started < 60_000, `kills took ${Date.now() - started} ms`);
  assert.is(pgView.run.state, 'killed');
  assert.is(pgView.steps[0].state, 'killed');
  assert.is(mariaView.run.state, 'killed');
  assert.is(mariaView.steps[0].state, 'killed');
  const pgLeft = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)' AND state = 'active'");
  assert.is(pgLeft.rows[0].n, 0);
  const mariaLeft = (await mydb.query("SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(120)'")) as unknown[];
  assert.is(mariaLeft.length, 0);
});

test('mail: the job\'s mail reaches a real SMTP server with its subject and body', async () => {
  await createJob(db, 'mailer', [{ command: 'echo "report ready"; exit 3' }]);
  await adminApi(db).setJobEmail({ job: 'mailer', on: ['failure'], to: ['dba@example.com'], subject: '[{{state}}] {{job}} run {{run_id}}', body: 'Job {{job}} ended {{state}}: {{message}}' });
  const runId = await startJob(db, 'mailer');
  const view = await waitForRun(db, runId);
  assert.is(view.run.state, 'failed');
  const received = await waitFor(() => mail.received.find((m) => header(m.raw, 'Subject')?.includes(`run ${runId}`)), { timeoutMs: 15_000, what: 'the mail' });
  assert.is(header(received.raw, 'Subject'), `[failed] mailer run ${runId}`);
  assert.is(body(received.raw).trim(), `Job mailer ended failed: ${view.run.message}`);
  assert.equal(received.to, ['dba@example.com']);
  assert.is(received.from, 'agent@example.com');
  assert.is(received.user, 'jobs', 'logged in with the password from env:SMTP_PASSWORD');
});

test.run();

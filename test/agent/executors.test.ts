/**
 * The executors alone (no agent, no pgautomator calls): each takes a step and a context and
 * returns how the attempt ended, against real shells, a real PostgreSQL, a real MariaDB, real
 * SQLite files and a real SMTP server.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepAbort, type StepContext, type StepResult } from '../../agent/src/executors/executor.ts';
import { createMailer } from '../../agent/src/executors/mail.ts';
import { groupAlive, runShellStep } from '../../agent/src/executors/shell.ts';
import { runSqlStep } from '../../agent/src/executors/sql/registry.ts';
import { closeSqliteWorkers } from '../../agent/src/executors/sql/sqlite.ts';
import { statementEnds } from '../../agent/src/executors/sql/sqlite-worker.mjs';
import { createLogger } from '../../agent/src/logger.ts';
import { OutputBuffer } from '../../agent/src/output-buffer.ts';
import type { ClaimedStep } from '../../agent/src/protocol.ts';
import { createSecretResolver } from '../../agent/src/secrets.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../support/database.ts';
import { body, header, startMailServer } from './mail-server.ts';
import { createMysqlDatabase, type MysqlDatabase } from './mysql-database.ts';
import { cleanup, processAlive, tempDir } from './support.ts';
import { skip } from '../support/skip.ts';

let pgdb: TestDatabase;
let mydb: MysqlDatabase;
const lines: string[] = [];
const logger = createLogger({ format: 'text', level: 'warn', write: (line) => lines.push(line) });

function step(fields: Partial<ClaimedStep>): ClaimedStep {
  return {
    stepId: 1, position: 1, name: 'probe', enabled: true, kind: 'shell', command: 'true', shell: null, workingDir: null, env: {},
    successCodes: [0], timeout: null, retries: 0, retryDelay: 0, retryBackoff: 1, onSuccess: 'next', onSuccessGoto: null,
    onFailure: 'quit_failure', onFailureGoto: null, connection: null, ...fields,
  };
}

interface Ran extends StepResult {
  output: string;
  bytes: number;
  ms: number;
}

/** Runs a step; `abort(controller)` may abort it (e.g. once it is under way). */
async function run(s: ClaimedStep, options: { abort?: (c: AbortController, output: OutputBuffer) => void; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const output = new OutputBuffer({ keepBytes: 8192, flushMs: 50, flushBytes: 65536 });
  const controller = new AbortController();
  const context: StepContext = {
    runId: 42, job: 'probe-job', attempt: 2, signal: controller.signal, output, logger,
    secrets: createSecretResolver({ secretsFile: null, env: options.env ?? {} }), killGraceMs: 1000,
  };
  const started = Date.now();
  options.abort?.(controller, output);
  const executor = s.kind === 'shell' ? runShellStep : runSqlStep;
  const result = await executor(s, context);
  await output.close();
  return { ...result, output: output.text(), bytes: output.totalBytes, ms: Date.now() - started };
}

const kill = (message = 'kill requested') => new StepAbort('killed', message);

test.before(async () => {
  pgdb = await createTestDatabase('agent_executors');
  mydb = await createMysqlDatabase('executors');
});

test.after(async () => {
  await closeSqliteWorkers();
  await mydb?.drop();
  await pgdb?.drop();
  await cleanup();
});

// ---- shell ----

test('shell: exit code decides, against the success codes', async () => {
  let r = await run(step({ command: 'echo out; echo err >&2; exit 3' }));
  assert.is(r.state, 'failed');
  assert.is(r.exitCode, 3);
  assert.is(r.output, 'out\nerr\n');
  assert.match(r.message!, /exit code 3/);
  r = await run(step({ command: 'exit 3', successCodes: [0, 3] }));
  assert.is(r.state, 'succeeded');
  r = await run(step({ command: 'exit 0', successCodes: [1] }));
  assert.is(r.state, 'failed');
});

test('shell: environment, working directory, bash', async () => {
  const r = await run(step({ command: 'echo "$PGAUTOMATOR_RUN_ID|$PGAUTOMATOR_JOB|$PGAUTOMATOR_STEP|$PGAUTOMATOR_ATTEMPT|$GREETING"; pwd; echo ${BASH_VERSION:+bash}', shell: 'bash', env: { GREETING: 'hi there' }, workingDir: tempDir() }));
  assert.is(r.state, 'succeeded');
  assert.is(r.output, `42|probe-job|probe|2|hi there\n${tempDir()}\nbash\n`);
});

test('shell: a missing working directory fails the step with a reason', async () => {
  const r = await run(step({ workingDir: path.join(tempDir(), 'no-such-dir') }));
  assert.is(r.state, 'failed');
  assert.is(r.exitCode, null);
  assert.match(r.message!, /no-such-dir/);
});

test('shell: kill ends the whole process tree (children by pid), even one ignoring SIGTERM', async () => {
  const pidFile = path.join(tempDir(), 'tree.pids');
  // Two children and a grandchild; the last child ignores SIGTERM (SIGKILL after the grace period).
  const command = `sleep 300 & echo $! > ${pidFile}; sh -c 'sleep 300 & echo $! >> ${pidFile}; wait' & echo $! >> ${pidFile}; (trap '' TERM; sleep 300) & echo $! >> ${pidFile}; echo started; wait`;
  const r = await run(step({ command }), {
    abort: (c) => void waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().split('\n').length >= 4, { what: 'pid file' }).then(() => c.abort(kill())),
  });
  assert.is(r.state, 'killed');
  assert.is(r.message, 'kill requested');
  const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
  assert.is(pids.length, 4);
  for (const pid of pids) assert.not.ok(processAlive(pid), `process ${pid} is still alive`);
  // Not a speed check (bench/ has those): the processes sleep 300 s, so a step that ended within a
  // minute was ended by the kill. Generous for loaded CI machines.
  assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
});

test('shell: a step timeout is recorded timed_out', async () => {
  const r = await run(step({ command: 'sleep 30' }), { abort: (c) => setTimeout(() => c.abort(new StepAbort('timed_out', 'step timeout of 0.3 s exceeded')), 300) });
  assert.is(r.state, 'timed_out');
  assert.match(r.message!, /step timeout/);
});

test('shell: the step ends with its shell, not with a background child holding stdout', async () => {
  const r = await run(step({ command: 'sleep 30 & echo done' }));
  assert.is(r.state, 'succeeded');
  assert.is(r.output, 'done\n');
  // The background child sleeps 30 s: ending well before proves the step did not wait for it.
  assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
});

test('shell: an abort that comes after the tree ended on its own keeps the real result', async () => {
  // As an agent resumed after a pause past its lease sees it: the step's exit and the fence at once.
  let controller!: AbortController;
  const pending = run(step({ command: 'echo finished' }), { abort: (c) => (controller = c) });
  await new Promise((resolve) => setTimeout(resolve, 0));
  // Wait until the shell is gone (a zombie at most) without letting the agent read its exit first.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && processAliveAny()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  controller.abort(kill('lease lost'));
  const r = await pending;
  assert.is(r.state, 'succeeded', r.message ?? '');
  assert.is(r.output, 'finished\n');
});

/** Whether a child shell of this process is still running (not a zombie): Linux /proc. */
function processAliveAny(): boolean {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.some((pid) => processAlive(Number(pid)));
}

test('shell: on Linux the step\'s shell dies with the agent at once, before any guardian acts', async () => {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/setpriv')) {
    return skip('no setpriv on this host: the guardian alone ends a dead agent\'s steps');
  }
  const dir = tempDir();
  const pidFile = path.join(dir, 'pdeath.pid');
  const doneFile = path.join(dir, 'pdeath.done');
  // A parent that runs a shell step and is then SIGKILLed (no guardian in this test).
  const parent = path.join(dir, 'pdeath-parent.mts'); // .mts: an ES module outside the package (top-level await)
  writeFileSync(parent, `import { runShellStep } from ${JSON.stringify(path.resolve('agent/src/executors/shell.ts'))};
import { OutputBuffer } from ${JSON.stringify(path.resolve('agent/src/output-buffer.ts'))};
const output = new OutputBuffer({ keepBytes: 1024, flushMs: 50, flushBytes: 1024 });
const logger = { debug() {}, info() {}, warn() {}, error() {}, child() { return logger; } };
await runShellStep({ stepId: 1, position: 1, name: 's', enabled: true, kind: 'shell', command: ${JSON.stringify(`echo $$ > ${pidFile}; sleep 3; echo done > ${doneFile}`)}, shell: null, workingDir: null, env: {},
  successCodes: [0], timeout: null, retries: 0, retryDelay: 0, retryBackoff: 1, onSuccess: 'next', onSuccessGoto: null, onFailure: 'quit_failure', onFailureGoto: null, connection: null },
  { runId: 1, job: 'j', attempt: 1, signal: new AbortController().signal, output, logger, secrets: { resolve: async () => '' }, killGraceMs: 100 } as never);
`);
  const child = spawn(process.execPath, ['--import', 'tsx', parent], { stdio: 'ignore' });
  const shellPid = Number(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), { what: 'the step\'s shell started' }));
  child.kill('SIGKILL');
  await waitFor(() => !processAlive(shellPid), { timeoutMs: 2000, what: 'the shell to die with its parent' });
  // Its child sleep is the guardian's to end (there is none here): kill it, then check the script never finished.
  try {
    process.kill(-shellPid, 'SIGKILL');
  } catch {
    // gone
  }
  await new Promise((resolve) => setTimeout(resolve, 3500));
  assert.not.ok(existsSync(doneFile), 'the shell did not go on with its script after its agent died');
});

test('shell: a process group that does not exist is not alive', () => {
  assert.not.ok(groupAlive(999_999_999));
});

// ---- PostgreSQL ----

const pgStep = (command: string, secretRef: string | null = null) =>
  step({ kind: 'sql', command, connection: { name: 'pg', driver: 'postgres', dsn: pgdb.url, secretRef } });

test('postgres: a multi-statement script, notices and row counts in the output', async () => {
  const r = await run(pgStep(`CREATE TABLE t (a int, b text);
    INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 3) g;
    DO $$ BEGIN RAISE NOTICE 'hello from %', 'plpgsql'; END $$;
    UPDATE t SET b = upper(b) WHERE a > 1;
    SELECT a, b FROM t ORDER BY a;`));
  assert.is(r.state, 'succeeded', r.message ?? '');
  assert.is(r.message, '5 statements: CREATE, INSERT 3, DO, UPDATE 2, SELECT 3');
  assert.match(r.output, /NOTICE:  hello from plpgsql/);
  assert.match(r.output, /a\tb\n1\trow 1\n2\tROW 2\n3\tROW 3\nSELECT 3/);
  assert.match(r.output, /INSERT 3\n/);
});

test('postgres: a failing statement fails the step with SQLSTATE, message and hint', async () => {
  const r = await run(pgStep('SELECT 1; SELECT * FROM no_such_table'));
  assert.is(r.state, 'failed');
  assert.match(r.message!, /^42P01: relation "no_such_table" does not exist/);
  assert.match(r.output, /ERROR:  relation "no_such_table" does not exist\nPOSITION:/);
});

test('postgres: the password comes from the secret reference', async () => {
  const role = `pgat_exec_${process.pid}`;
  await pgdb.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-${process.pid}'`);
  try {
    const url = new URL(pgdb.url);
    url.username = role;
    const s = step({ kind: 'sql', command: 'SELECT current_user', connection: { name: 'pg', driver: 'postgres', dsn: url.toString(), secretRef: 'env:PG_STEP_PW' } });
    const r = await run(s, { env: { PG_STEP_PW: `pw-${process.pid}` } });
    assert.is(r.state, 'succeeded', r.message ?? '');
    assert.match(r.output, new RegExp(`current_user\\n${role}\\n`));
    const missing = await run(s, { env: {} });
    assert.is(missing.state, 'failed');
    assert.match(missing.message!, /env:PG_STEP_PW.*not set/);
  } finally {
    await pgdb.pool.query(`DROP ROLE ${role}`);
  }
});

test('postgres: kill cancels the query on its server (pg_sleep)', async () => {
  const r = await run(pgStep('SELECT pg_sleep(60)'), {
    abort: (c) =>
      void waitFor(async () => (await pgdb.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")).rowCount, { what: 'pg_sleep running' }).then(() => c.abort(kill())),
  });
  assert.is(r.state, 'killed');
  // pg_sleep(60): ending within 30 s proves the query was cancelled, not that it finished.
  assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  const left = await pgdb.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'");
  assert.is(left.rows[0].n, 0);
});

test('postgres: the next step reuses the session, reset: no settings, temp tables or role carried over', async () => {
  const first = await run(pgStep("SET work_mem = '77MB'; CREATE TEMP TABLE carried (a int); SELECT pg_backend_pid() AS pid"));
  assert.is(first.state, 'succeeded', first.message ?? '');
  const pid = /pid\n(\d+)\n/.exec(first.output)![1];
  const second = await run(pgStep("SELECT pg_backend_pid() AS pid, current_setting('work_mem') AS work_mem, to_regclass('pg_temp.carried') IS NULL AS no_temp, current_setting('application_name') AS app"));
  assert.is(second.state, 'succeeded', second.message ?? '');
  assert.match(second.output, new RegExp(`^pid\twork_mem\tno_temp\tapp\n${pid}\t4MB\tt\tpgautomator run \\d+ `), second.output);
});

test('postgres: a session whose script left a transaction open is closed (rolled back), not reused', async () => {
  await pgdb.pool.query('CREATE TABLE IF NOT EXISTS left_open (a int)');
  const first = await run(pgStep('BEGIN; INSERT INTO left_open VALUES (1); SELECT pg_backend_pid() AS pid'));
  assert.is(first.state, 'succeeded', first.message ?? '');
  const pid = /pid\n(\d+)\n/.exec(first.output)![1];
  const second = await run(pgStep('SELECT pg_backend_pid() AS pid, (SELECT count(*) FROM left_open) AS n'));
  assert.ok(!new RegExp(`\n${pid}\t`).test(second.output), `the session ${pid} was reused: ${second.output}`);
  assert.match(second.output, /\t0\n/);
});

test('postgres: a killed step\'s session is not reused', async () => {
  const r = await run(pgStep('SELECT pg_sleep(60)'), {
    abort: (c) =>
      void waitFor(async () => (await pgdb.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")).rowCount, { what: 'pg_sleep running' }).then(() => c.abort(kill())),
  });
  assert.is(r.state, 'killed');
  const after = await run(pgStep("SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"));
  assert.match(after.output, /n\n0\n/, 'the killed query\'s session is gone, not idle in the pool');
});

// ---- MariaDB ----

const myStep = (command: string) => step({ kind: 'sql', command, connection: { name: 'my', driver: 'mariadb', dsn: mydb.url, secretRef: null } });

test('mariadb: a multi-statement script with rows and affected-row counts', async () => {
  const r = await run(myStep(`CREATE TABLE t (a int, b varchar(20));
    INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');
    UPDATE t SET b = upper(b) WHERE a >= 2;
    SELECT a, b FROM t ORDER BY a;`));
  assert.is(r.state, 'succeeded', r.message ?? '');
  assert.match(r.message!, /^4 statements: OK 0, OK 3 .*, OK 2 .*, SELECT 3$/);
  assert.match(r.output, /a\tb\n1\tone\n2\tTWO\n3\tTHREE\nOK 0\nOK 3/);
  const one = await run(myStep('SELECT count(*) AS n FROM t'));
  assert.is(one.message, 'SELECT 1');
  assert.match(one.output, /n\n3\n/);
});

test('mariadb: an error stops the script and fails the step', async () => {
  const r = await run(myStep("INSERT INTO t VALUES (4, 'four'); SELECT * FROM missing; INSERT INTO t VALUES (5, 'five')"));
  assert.is(r.state, 'failed');
  assert.match(r.message!, /ER_NO_SUCH_TABLE \(1146, 42S02\)/);
  const rows = (await mydb.query('SELECT a FROM t ORDER BY a')) as Array<{ a: number }>;
  assert.equal(rows.map((row) => row.a), [1, 2, 3, 4], 'statements after the error did not run');
});

test('mariadb: kill stops SLEEP with KILL QUERY, and the rest of the script does not run', async () => {
  const r = await run(myStep("SELECT SLEEP(60); INSERT INTO t VALUES (99, 'late')"), {
    abort: (c) =>
      void waitFor(async () => ((await mydb.query("SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'")) as unknown[]).length, { what: 'SLEEP running' }).then(() => c.abort(kill())),
  });
  assert.is(r.state, 'killed');
  // SLEEP(60): ending within 30 s proves KILL QUERY stopped it, not that it finished.
  assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  const late = (await mydb.query('SELECT count(*) AS n FROM t WHERE a = 99')) as Array<{ n: number }>;
  assert.is(Number(late[0].n), 0);
});

// ---- SQLite ----

const sqliteFile = () => path.join(tempDir(), 'steps.sqlite');
const liteStep = (command: string) => step({ kind: 'sql', command, connection: { name: 'lite', driver: 'sqlite', dsn: sqliteFile(), secretRef: null } });

test('sqlite: statements split outside quotes, comments and trigger bodies', () => {
  const script = "SELECT 'a;b'; -- c;d\nSELECT \"x;y\" /* e;f */; CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END; SELECT [g;h]";
  const ends = statementEnds(script);
  assert.equal(ends.map((e) => script.slice(0, e).trimEnd().slice(-1)), [';', ';', ';', ';', ';', ']']);
});

test('sqlite: a multi-statement script with a trigger, rows and change counts', async () => {
  const r = await run(liteStep(`CREATE TABLE t (a INTEGER, b TEXT);
    CREATE TABLE log (a INTEGER);
    CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a); UPDATE t SET b = b || '!' WHERE a = new.a; END;
    INSERT INTO t VALUES (1, 'one;'), (2, 'two');
    SELECT a, b FROM t ORDER BY a; -- done
    SELECT count(*) AS logged FROM log;`));
  assert.is(r.state, 'succeeded', r.message ?? '');
  assert.is(r.message, '6 statements: OK 0, OK 0, OK 0, OK 2, SELECT 2, SELECT 1');
  assert.match(r.output, /a\tb\n1\tone;!\n2\ttwo!\nSELECT 2\nlogged\n2\n/);
});

test('sqlite: an error fails the step; a transaction left open is rolled back', async () => {
  const r = await run(liteStep("BEGIN; INSERT INTO t VALUES (3, 'three'); SELECT nope FROM t;"));
  assert.is(r.state, 'failed');
  assert.match(r.message!, /no such column: nope/);
  const check = await run(liteStep('SELECT count(*) AS n FROM t'));
  assert.match(check.output, /n\n2\n/);
});

test('sqlite: kill stops the script after the current statement', async () => {
  // Each statement takes a moment; the kill lands during the first ones.
  const slow = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c;';
  const r = await run(liteStep(`${slow} INSERT INTO t VALUES (10, 'x'); ${slow.repeat(30)} INSERT INTO t VALUES (11, 'late');`), {
    abort: (c, output) => void waitFor(() => output.totalBytes > 0, { what: 'first statement done' }).then(() => c.abort(kill())),
  });
  assert.is(r.state, 'killed');
  const check = await run(liteStep('SELECT count(*) AS n FROM t WHERE a = 11'));
  assert.match(check.output, /n\n0\n/);
});

test('unknown or unsupported drivers fail with a clear message', async () => {
  const r = await run(step({ kind: 'sql', command: 'SELECT 1', connection: { name: 'ms', driver: 'mssql', dsn: 'mssql://x', secretRef: null } }));
  assert.is(r.state, 'failed');
  assert.match(r.message!, /driver mssql \(connection ms\) is not supported by this agent/);
});

// ---- mail ----

test('mail: nodemailer delivers to a real SMTP server, logging in with the referenced password', async () => {
  const server = await startMailServer({ user: 'jobs', password: 'smtp-pw' });
  try {
    const secrets = createSecretResolver({ secretsFile: null, env: { SMTP_PW: 'smtp-pw' } });
    const mailer = await createMailer({ host: '127.0.0.1', port: server.port, security: 'none', user: 'jobs', passwordRef: 'env:SMTP_PW', from: 'agent@example.com' }, secrets);
    await mailer.send({ id: 1, recipients: ['dba@example.com', 'ops@example.com'], sender: null, subject: 'Job nightly: failed', body: 'Run 7 failed.\nSee the log.' });
    mailer.close();
    assert.is(server.received.length, 1);
    const mail = server.received[0];
    assert.is(mail.from, 'agent@example.com');
    assert.equal(mail.to, ['dba@example.com', 'ops@example.com']);
    assert.is(mail.user, 'jobs');
    assert.is(header(mail.raw, 'Subject'), 'Job nightly: failed');
    assert.is(body(mail.raw).trim(), 'Run 7 failed.\nSee the log.');
  } finally {
    await server.close();
  }
});

test.run();

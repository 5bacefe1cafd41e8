/**
 * Behind PgBouncer (Debian's, at its defaults but for the pool mode): real agents as child
 * processes and the real gateway connect through it.
 * - Session and transaction pooling: an agent registers, runs a manually started job, obeys a kill
 *   (nothing is sent at startup that PgBouncer refuses, such as `options`).
 * - Transaction pooling: LISTEN cannot work there (the listening session is not kept); the agent
 *   says so in its log with a hint and goes on by its heartbeat, the gateway's /healthz says so.
 * - With --listen-url naming the server directly, the agent's LISTEN works again: a manual start
 *   is claimed because of its NOTIFY (the claim's log line says why it was made).
 * - A connection the pooler still refuses (a startup parameter given in the URL) is logged with a
 *   hint naming the cause.
 */
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDeadline } from '../agent/src/db/call-deadline.ts';
import { startGateway, type Gateway } from '../server/main.ts';
import { adminApi, cleanup, createJob, startAgent, startJob, stopAgents, waitForRun, type AgentProcess, type LogLine } from './agent/support.ts';
import { createTestDatabase, waitFor, type TestDatabase } from './support/database.ts';
import { startPgbouncer, type Bouncer } from './support/pgbouncer.ts';

let db: TestDatabase;
let session: Bouncer;
let transaction: Bouncer;
const gateways: Gateway[] = [];

test.before(async () => {
  db = await createTestDatabase('poolers');
  [session, transaction] = await Promise.all([startPgbouncer('session'), startPgbouncer('transaction')]);
});

test.after.each(async () => {
  await stopAgents();
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});

test.after(async () => {
  await cleanup();
  // Before the database is dropped: PgBouncer holds server connections to it.
  await Promise.all([session?.stop(), transaction?.stop()]);
  await db?.drop();
});

const listenProblem = (line: LogLine) => line.level === 'warn' && line.msg === 'LISTEN receives no notifications';

/** Registers, runs a manual start to success, and stops a running step on kill_run. */
async function exercise(agent: AgentProcess, label: string, bouncer: Bouncer): Promise<void> {
  const fail = (error: unknown) => new Error(`${(error as Error).message}\n--- pgbouncer (${bouncer.mode}) ---\n${bouncer.log().slice(-2000)}`);
  try {
    await agent.waitForLog((l) => l.msg === 'registered', 'registered', 20_000);
    await createJob(db, `${label}-quick`, [{ command: 'echo through the pooler' }], { agent_tags: [label] });
    await createJob(db, `${label}-long`, [{ command: 'sleep 60' }], { agent_tags: [label] });
    const quick = await waitForRun(db, await startJob(db, `${label}-quick`), undefined, 30_000);
    assert.is(quick.run.state, 'succeeded', JSON.stringify(quick));
    assert.match(quick.steps[0]!.output ?? '', 'through the pooler');
    const long = await startJob(db, `${label}-long`);
    await waitForRun(db, long, ['running'], 30_000);
    assert.is(await adminApi(db).killRun({ run_id: long }), 'kill_requested');
    const killed = await waitForRun(db, long, undefined, 30_000);
    assert.is(killed.run.state, 'killed', JSON.stringify(killed.run));
  } catch (error) {
    throw fail(error);
  }
}

test('session pooling: the agent registers, runs a manual start and obeys a kill; its LISTEN works', async () => {
  const agent = startAgent(db, { name: 'via-session', databaseUrl: session.via(db.url), args: ['--tags', 'session', '--log-level', 'debug'] });
  await exercise(agent, 'session', session);
  assert.ok(agent.logs.some((l) => l.msg === 'claimed' && l.reason === 'notify' && Number(l.got) > 0), 'a manual start claimed because of its NOTIFY');
  assert.not.ok(agent.logs.some(listenProblem), 'no LISTEN problem reported in session pooling');
});

test('transaction pooling: the agent works by its heartbeat and reports that LISTEN cannot work', async () => {
  const agent = startAgent(db, { name: 'via-transaction', databaseUrl: transaction.via(db.url), args: ['--tags', 'transaction', '--log-level', 'debug'] });
  await exercise(agent, 'transaction', transaction);
  const problem = await agent.waitForLog(listenProblem, 'the LISTEN problem reported', 20_000);
  assert.match(String(problem.hint), '--listen-url');
  // (Not asserted: that no NOTIFY ever got through. One can, by chance: when PgBouncer lends the
  // server connection that ran LISTEN to the agent's listener for a ping just as a notification
  // comes. The check above is what tells the operator; the agent is correct either way.)
});

test('transaction pooling with --listen-url direct: a manual start is claimed on its NOTIFY', async () => {
  const agent = startAgent(db, {
    name: 'via-transaction-listen',
    databaseUrl: transaction.via(db.url),
    // A long heartbeat: a claim it made would be late, and its reason would say so.
    args: ['--tags', 'listen', '--log-level', 'debug', '--listen-url', db.url, '--heartbeat-interval', '30'],
  });
  await agent.waitForLog((l) => l.msg === 'listening for pgautomator events', 'LISTEN verified', 20_000);
  await exercise(agent, 'listen', transaction);
  assert.ok(agent.logs.some((l) => l.msg === 'claimed' && l.reason === 'notify' && Number(l.got) > 0), 'a manual start claimed because of its NOTIFY');
  assert.ok(agent.logs.some((l) => l.msg === 'stopping run' && l.reason === 'kill requested' && l.via === 'notify'), 'the kill came by NOTIFY');
  assert.not.ok(agent.logs.some(listenProblem), 'no LISTEN problem reported with a direct --listen-url');
});

test('the agent\'s server-side deadline is set per call (SET LOCAL), leaks into no session, and a failed call leaves the connection clean', async () => {
  for (const url of [db.url, transaction.via(db.url)]) {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const calls = withDeadline(pool, 3_000);
      const { rows } = await calls.query({ text: "SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS idle" });
      assert.equal(rows[0], { st: '5s', idle: '5s' }, url); // 3 s + the 2 s margin
      // A server error inside the call's transaction: rolled back, the connection goes on.
      await calls.query({ text: 'SELECT 1 / 0' }).then(
        () => assert.unreachable('division by zero'),
        (error: { code?: string }) => assert.is(error.code, '22012'),
      );
      const after = await calls.query({ text: 'SELECT 1 AS one' });
      assert.equal(after.rows[0], { one: 1 });
      // The same connection outside a call: the session's own settings, untouched.
      const plain = await pool.query("SELECT current_setting('statement_timeout') AS st");
      assert.is(plain.rows[0].st, '0', url);
    } finally {
      await pool.end();
    }
  }
});

test('a connection the pooler refuses is logged with a hint naming the cause', async () => {
  // A startup parameter from the URL (the agent sends none of its own): PgBouncer refuses it.
  const url = new URL(session.via(db.url));
  url.searchParams.set('options', '-c work_mem=8MB');
  const agent = startAgent(db, { name: 'refused', databaseUrl: url.toString() });
  const refused = await agent.waitForLog((l) => l.msg === 'cannot register with the database', 'the refusal logged', 20_000);
  assert.match(String(refused.error), 'unsupported startup parameter');
  assert.match(String(refused.hint), 'ignore_startup_parameters');
});

interface Health {
  ok: boolean;
  listening: boolean;
  listenProblem?: string;
}

async function health(gateway: Gateway): Promise<Health> {
  return (await (await fetch(`${gateway.url}/healthz`)).json()) as Health;
}

test('gateway: /healthz says LISTEN cannot work through transaction pooling, and works with --listen-url', async () => {
  const pooled = await startGateway({ databaseUrl: transaction.via(db.url), port: 0, buildUi: 'never', log: () => {} });
  gateways.push(pooled);
  const bad = await waitFor(async () => {
    const h = await health(pooled);
    return h.listenProblem ? h : null;
  }, { timeoutMs: 20_000, what: 'the gateway reports its LISTEN problem' });
  assert.is(bad.listening, false);
  assert.match(bad.listenProblem!, '--listen-url');

  const direct = await startGateway({ databaseUrl: transaction.via(db.url), listenUrl: db.url, port: 0, buildUi: 'never', log: () => {} });
  gateways.push(direct);
  await direct.events.ready();
  const good = await health(direct);
  assert.is(good.listening, true, JSON.stringify(good));
  assert.is(good.listenProblem, undefined);
});

test.run();

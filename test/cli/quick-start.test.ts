/**
 * `pgautomator start` as a newcomer runs it (`node cli/bin.js start`), end to end: the embedded
 * PostgreSQL comes up, the UI answers and accepts the printed login, the demo jobs ran through the
 * agent (checked through the API), Ctrl-C (SIGINT) stops everything with no process left behind
 * and the data directory intact, and a second start on the same data comes up without creating
 * the demo again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, chmodSync, rmSync, statSync } from 'node:fs';
import { anyFreePort } from '../../cli/free-port.ts';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApi } from '../../client/index.ts';
import { settlesWithin } from '../../cli/settles-within.ts';
import { waitFor } from '../support/database.ts';
import { alive, bin, membersOf, root } from './support/cli.ts';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-quick-start-'));
chmodSync(dir, 0o755); // as root, postgres runs as another user, who must pass through
const dataDir = path.join(dir, 'data');
let dbPort: number;
let uiPort: number;
const started: Started[] = [];

function start(): Started {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.PGAUTOMATOR_DATABASE_URL;
  const child = spawn(process.execPath, [bin, 'start', '--data-dir', dataDir, '--port', String(dbPort), '--ui-port', String(uiPort)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const s = { child, output: () => output, exited };
  started.push(s);
  return s;
}

/** Waits for the "running" summary; returns run.json as it is then (the pids of every part). */
async function untilRunning(s: Started): Promise<RunFile> {
  let exit: { code: number | null } | undefined;
  void s.exited.then((e) => (exit = e));
  await waitFor(
    () => {
      if (exit) throw new Error(`pgautomator start exited (${exit.code}) before it was up:\n${s.output()}`);
      return s.output().includes('pgAutomator is running.');
    },
    { timeoutMs: 150_000, intervalMs: 200, what: 'pgautomator start to be up' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${s.output()}`);
  });
  return readJson<RunFile>(path.join(dataDir, 'run.json'));
}

interface RunFile {
  pid: number;
  postgresPid: number;
  agentPid: number;
  uiPid: number;
  uiUrl: string;
}
interface CredentialsFile {
  admin: { user: string; password: string };
}
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;


async function withAdminApi<T>(work: (api: ReturnType<typeof createApi>) => Promise<T>): Promise<T> {
  const { admin } = readJson<CredentialsFile>(path.join(dataDir, 'credentials.json'));
  const pool = new pg.Pool({ connectionString: `postgres://${admin.user}:${encodeURIComponent(admin.password)}@127.0.0.1:${dbPort}/postgres`, max: 2 });
  try {
    return await work(createApi(pool));
  } finally {
    await pool.end();
  }
}

async function stopWith(s: Started, signal: NodeJS.Signals, run: RunFile): Promise<void> {
  s.child.kill(signal);
  assert.ok(await settlesWithin(s.exited, 60_000), `pgautomator start did not stop within 60 s of ${signal}:\n${s.output()}`);
  const exit = await s.exited;
  assert.is(exit.code, 0, s.output());
  assert.match(s.output(), new RegExp(`${signal}: stopping`));
  assert.match(s.output(), /Stopped\. Data kept in /);
  for (const [name, pid] of Object.entries({ start: run.pid, postgres: run.postgresPid, agent: run.agentPid, ui: run.uiPid })) {
    assert.not.ok(alive(pid), `${name} (pid ${pid}) is gone`);
  }
  // Grandchildren (esbuild's service under the UI, a backend finishing) may take a moment to go:
  // wait for the groups to empty, then require that they did.
  const groups = [run.postgresPid, run.agentPid, run.uiPid];
  await waitFor(() => membersOf(groups).length === 0, { timeoutMs: 10_000, what: 'the process groups to empty' }).catch(() => undefined);
  assert.equal(membersOf(groups), [], 'no process is left in their process groups');
  // The data directory is intact and closed cleanly.
  assert.ok(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION')));
  assert.not.ok(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), 'postgres shut down cleanly');
  assert.not.ok(existsSync(path.join(dataDir, 'run.json')));
}

test.before(async () => {
  dbPort = await anyFreePort();
  uiPort = await anyFreePort();
});

test.after(async () => {
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

let firstJobIds: Record<string, number> = {};

test('first start: database, UI, agent and the demo jobs, which run through the agent', async () => {
  const s = start();
  const run = await untilRunning(s);
  const out = s.output();
  console.log(out.split('\n').filter((line) => !line.startsWith('[')).join('\n').trimEnd());
  assert.match(out, /Creating the PostgreSQL \d+(\.\d+)? cluster .*: done/);
  assert.match(out, /Installing pgautomator .*: done \(plain SQL\)/);
  assert.match(out, /Creating the demo jobs: demo-hello \(every minute\), demo-sql \(every 15 minutes\)/);
  assert.match(out, new RegExp(`UI: +http://127\\.0\\.0\\.1:${uiPort}/`));
  const login = /login: +user (\S+), password (\S+)/.exec(out);
  assert.ok(login, 'the login is printed');

  // Whatever fails below, stop it with Ctrl-C (SIGINT) and check that it stopped cleanly.
  let failure: unknown;
  try {
    // The secrets file is private and holds the printed login.
    const credentialsFile = path.join(dataDir, 'credentials.json');
    if (process.platform !== 'win32') assert.is(statSync(credentialsFile).mode & 0o777, 0o600);
    const credentials = readJson<CredentialsFile>(credentialsFile);
    assert.equal([credentials.admin.user, credentials.admin.password], [login![1], login![2]]);

    // The UI answers, and the printed login opens a session.
    const page = await fetch(`http://127.0.0.1:${uiPort}/`);
    assert.is(page.status, 200);
    const session = await fetch(`http://127.0.0.1:${uiPort}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: login![1], password: login![2] }),
    });
    assert.is(session.status, 200, await session.clone().text());
    assert.ok(((await session.json()) as { groups: string[] }).groups.includes('pgautomator_admin'));

    // Through the API, as the UI's admin: the agent is online and the demo job succeeded on it.
    await withAdminApi(async (api) => {
      const agents = await api.listAgents();
      assert.ok(agents.some((a) => a.name === 'quickstart' && a.online));
      const jobs = await api.listJobs({ category: 'demo' });
      firstJobIds = Object.fromEntries(jobs.map((j) => [j.name!, j.id!]));
      assert.equal(Object.keys(firstJobIds).sort(), ['demo-hello', 'demo-sql']);
      const hello = await waitFor(
        async () => (await api.listRuns({ job: 'demo-hello', state: 'succeeded' })).find((r) => r.agent === 'quickstart'),
        { timeoutMs: 60_000, intervalMs: 250, what: 'a succeeded run of demo-hello' },
      );
      assert.is(hello.agent, 'quickstart');
      // The SQL demo reaches the database through its connection and the agent's secret.
      await api.startJob({ job: 'demo-sql' });
      const sql = await waitFor(
        async () => (await api.listRuns({ job: 'demo-sql' })).find((r) => r.state !== 'queued' && r.state !== 'running'),
        { timeoutMs: 60_000, intervalMs: 250, what: 'demo-sql to finish' },
      );
      assert.is(sql.state, 'succeeded', `demo-sql: ${sql.message}`);
    });
  } catch (error) {
    failure = error;
  }
  await stopWith(s, 'SIGINT', run);
  if (failure) throw failure;
});

test('second start on the same data: comes up without making the demo again, then stops on SIGTERM', async () => {
  const s = start();
  const run = await untilRunning(s);
  let failure: unknown;
  try {
    const out = s.output();
    assert.not.match(out, /Creating the PostgreSQL/);
    assert.not.match(out, /Installing pgautomator/);
    assert.not.match(out, /Creating the demo jobs/);
    await withAdminApi(async (api) => {
      const jobs = await api.listJobs({ category: 'demo' });
      assert.equal(Object.fromEntries(jobs.map((j) => [j.name!, j.id!])), firstJobIds, 'the same demo jobs, not new ones');
      const runs = await api.listRuns({ job: 'demo-hello', state: 'succeeded' });
      assert.ok(runs.length >= 1, 'the runs of the first start are kept');
      await waitFor(async () => (await api.listAgents()).some((a) => a.name === 'quickstart' && a.online), { timeoutMs: 30_000, what: 'the agent online' });
    });
  } catch (error) {
    failure = error;
  }
  await stopWith(s, 'SIGTERM', run);
  if (failure) throw failure;
});

test.run();

/**
 * What `pgautomator start` started (the embedded PostgreSQL, the agent, the UI gateway) ends when
 * it ends, however it ends: killed outright (SIGKILL, no handler runs: the OOM killer, `kill -9`),
 * or when the signal goes to npm rather than to the whole terminal group (a process manager, or
 * `timeout`, stopping `npm start`). The ordered stop on Ctrl-C / SIGTERM of the command itself is
 * test/cli/quick-start.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anyFreePort } from '../../cli/free-port.ts';
import { waitFor } from '../support/database.ts';
import { alive, bin, membersOf, root } from './support/cli.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-start-supervision-'));
chmodSync(dir, 0o755); // as root, postgres runs as another user, who must pass through
const dataDir = path.join(dir, 'data');
let dbPort: number;
let uiPort: number;
const children: ChildProcess[] = [];
const leftovers = new Set<number>();

interface RunFile {
  pid: number;
  postgresPid: number;
  agentPid: number;
  uiPid: number;
}

/** The parent-death watchers (cli/parent-death-watcher.mjs) that watch process `pid`. */
const watchersOf = (pid: number): number[] =>
  spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.includes('parent-death-watcher.mjs') && line.includes(`"pid":${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

function launch(command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const env = { ...process.env, ...extraEnv };
  delete env.DATABASE_URL;
  delete env.PGAUTOMATOR_DATABASE_URL;
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

const startArgs = () => ['--data-dir', dataDir, '--port', String(dbPort), '--ui-port', String(uiPort), '--skip-demo'];

/** Waits for the "running" summary; returns run.json then (the pids of every part). */
async function untilRunning(started: { child: ChildProcess; output: () => string }): Promise<RunFile> {
  await waitFor(
    () => {
      if (started.child.exitCode !== null) throw new Error(`it exited (${started.child.exitCode}) before it was up`);
      return started.output().includes('pgAutomator is running.');
    },
    { timeoutMs: 120_000, intervalMs: 200, what: 'pgautomator start to be up' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${started.output()}`);
  });
  const run = JSON.parse(readFileSync(path.join(dataDir, 'run.json'), 'utf8')) as RunFile;
  for (const pid of [run.pid, run.postgresPid, run.agentPid, run.uiPid]) leftovers.add(pid);
  return run;
}

/** Every part and everything in its process group ends, by itself, soon after the supervisor. */
async function assertAllEnd(run: RunFile, output: () => string): Promise<void> {
  const parts = { start: run.pid, postgres: run.postgresPid, agent: run.agentPid, ui: run.uiPid };
  const groups = [run.postgresPid, run.agentPid, run.uiPid];
  const left = () => [...Object.entries(parts).filter(([, pid]) => alive(pid)).map(([name, pid]) => `${name} (pid ${pid})`), ...membersOf(groups).map((pid) => `pid ${pid} of their groups`)];
  await waitFor(() => left().length === 0, { timeoutMs: 45_000, intervalMs: 200, what: 'every part to end' }).catch(() => undefined);
  assert.equal(left(), [], `these outlived pgautomator start:\n${output()}`);
}

test.before(async () => {
  dbPort = await anyFreePort();
  uiPort = await anyFreePort();
});

test.after(() => {
  // Whatever a failed test left running (the defect itself), so that it does not outlive the file.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of leftovers) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL of pgautomator start: PostgreSQL, the agent and the gateway end too', async () => {
  const started = launch(process.execPath, [bin, 'start', ...startArgs()]);
  const run = await untilRunning(started);
  assert.equal(watchersOf(run.postgresPid), [], 'on Linux the kernel ties PostgreSQL to us (setpriv --pdeathsig): no watcher process');
  started.child.kill('SIGKILL');
  await assertAllEnd(run, started.output);
});

test('SIGKILL without the Linux parent-death signal (the way of macOS and Windows): everything ends', async () => {
  // PostgreSQL is then stopped by a watcher whose stdin pipe closes with us; the agent and the
  // gateway by their IPC channel closing (cli/main.ts). Both work on every OS.
  const started = launch(process.execPath, [bin, 'start', ...startArgs()], { PGAUTOMATOR_PDEATHSIG: '0' });
  const run = await untilRunning(started);
  const watchers = watchersOf(run.postgresPid);
  assert.is(watchers.length, 1, 'one watcher watches PostgreSQL');
  for (const pid of watchers) leftovers.add(pid);
  started.child.kill('SIGKILL');
  await assertAllEnd(run, started.output);
  await waitFor(() => !alive(watchers[0]), { timeoutMs: 10_000, intervalMs: 100, what: 'the watcher to end' });
});

test('a signal to npm itself (npm start stopped by a process manager): everything ends', async () => {
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  assert.is(npm.status, 0, 'npm runs');
  // A leftover of the previous test would make this start refuse ("already running"), or hide a
  // second defect: it starts clean.
  assert.not.ok(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')) && alive(Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])), 'no postmaster left by the previous test');
  const started = launch('npm', ['start', '--', ...startArgs()]);
  const run = await untilRunning(started);
  assert.is.not(run.pid, started.child.pid, 'npm runs the command in a child');
  started.child.kill('SIGTERM'); // to npm alone, not to its process group
  await assertAllEnd(run, started.output);
});

test.run();

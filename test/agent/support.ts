/**
 * Helpers of the agent tests: real agents as child processes (`node --import tsx
 * agent/src/cli.ts ...`) against a test database, the admin API on the test's pool, and waits on
 * run states through the API (get_run), never fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi, type PgAutomatorApi } from '../../client/index.ts';
import { waitFor, type TestDatabase } from '../support/database.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'agent/src/cli.ts');

export interface LogLine {
  time: string;
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface AgentProcess {
  name: string;
  child: ChildProcess;
  logs: LogLine[];
  /** Raw stdout/stderr, for failure messages. */
  output(): string;
  /** The last `count` lines of output() (those `keep` accepts), for failure messages. */
  lastLines(count: number, keep?: (line: string) => boolean): string;
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM (or the given signal) and wait for the exit; resolves to the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface AgentOptions {
  name: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  databaseUrl?: string;
}

const started: AgentProcess[] = [];
let scratch: string | undefined;

/** A private temporary directory for this test file (spool files, scripts, SQLite files). */
export function tempDir(): string {
  scratch ??= mkdtempSync(path.join(os.tmpdir(), 'pgat-agent-'));
  return scratch;
}

export function startAgent(db: TestDatabase, options: AgentOptions): AgentProcess {
  const args = [
    // For profiling an agent in a test or benchmark: PGAUTOMATOR_AGENT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'
    ...(process.env.PGAUTOMATOR_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean),
    '--import', 'tsx', cli,
    '--database-url', options.databaseUrl ?? db.url,
    '--name', options.name,
    '--heartbeat-interval', '2',
    '--spool-file', path.join(tempDir(), `${options.name}.spool`),
    '--log-format', 'json',
    '--kill-grace', '1',
    '--reconnect-min', '0.1',
    '--reconnect-max', '1',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  let raw = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    raw += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (raw += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const agent: AgentProcess = {
    name: options.name,
    child,
    logs,
    output: () => raw,
    lastLines: (count, keep = () => true) => raw.trimEnd().split('\n').filter(keep).slice(-count).join('\n'),
    exited,
    waitForLog: async (match, what, timeoutMs = 60_000) => {
      try {
        return await waitFor(() => logs.find(match), { timeoutMs, what: `${options.name}: ${what}` });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- last lines of ${options.name} ---\n${agent.lastLines(15)}`);
      }
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  started.push(agent);
  return agent;
}

/** Stops (SIGTERM, SIGKILL after a while) every agent still running: a test's agents never outlive it. */
export async function stopAgents(): Promise<void> {
  await Promise.all(started.map((a) => a.stop('SIGTERM', 10_000)));
}

/** Kills every agent this file started that is still running, and removes the scratch directory. */
export async function cleanup(): Promise<void> {
  await Promise.all(started.map((a) => a.stop('SIGKILL', 5000)));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

export function adminApi(db: TestDatabase): PgAutomatorApi {
  return createApi(db.pool);
}

export interface StepRunView {
  position: number;
  step: string;
  attempt: number;
  state: string;
  exit_code: number | null;
  message: string | null;
  output: string | null;
  output_bytes: number;
  started_at: string;
  finished_at: string | null;
  agent: string | null;
}
export interface RunView {
  run: { id: number; state: string; message: string | null; agent: string | null; trigger: string; attempt: number; [key: string]: unknown };
  steps: StepRunView[];
}

export async function getRun(db: TestDatabase, runId: number): Promise<RunView> {
  return (await adminApi(db).getRun({ run_id: runId })) as unknown as RunView;
}

const finalStates = ['succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped'];

/** Waits until the run is in one of `states` (default: any final state) and returns it. */
export async function waitForRun(db: TestDatabase, runId: number, states: string[] = finalStates, timeoutMs = 60_000): Promise<RunView> {
  return waitFor(
    async () => {
      const view = await getRun(db, runId);
      return states.includes(view.run.state) ? view : null;
    },
    { timeoutMs, intervalMs: 50, what: `run ${runId} in state ${states.join('|')}` },
  );
}

/** A job with the given steps (each add_step's named arguments, job filled in). */
export async function createJob(db: TestDatabase, name: string, steps: Array<Record<string, unknown>>, job: Record<string, unknown> = {}): Promise<void> {
  const api = adminApi(db);
  await api.createJob({ name, ...job } as Parameters<PgAutomatorApi['createJob']>[0]);
  for (const [i, step] of steps.entries()) {
    await api.addStep({ job: name, name: `s${i + 1}`, kind: 'shell', ...step } as Parameters<PgAutomatorApi['addStep']>[0]);
  }
}

/** Starts the job by hand and returns the run id. */
export async function startJob(db: TestDatabase, job: string, atStep?: string): Promise<number> {
  const id = await adminApi(db).startJob({ job, at_step: atStep });
  return id as number;
}

/** Whether a process exists and is not a zombie (Linux: /proc), to check that a kill took its tree. */
export function processAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

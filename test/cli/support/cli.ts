/**
 * Running `pgautomator` as a user does: `node cli/bin.js ...` in a child process, capturing its
 * output and exit code. Also a scratch database on the test server that starts EMPTY (no
 * extension), for the install tests; createTestDatabase gives one that has it already.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, serverUrl } from '../../support/database.ts';

export const root = path.resolve(import.meta.dirname, '../../..');
export const bin = path.join(root, 'cli/bin.js');

/** Whether a process exists (signal 0; EPERM means it exists under another user). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Processes whose process group is one of `groups` (the quick start runs each part in its own group). */
export const membersOf = (groups: number[]): number[] =>
  spawnSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, pgid]) => groups.includes(pgid))
    .map(([pid]) => pid);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    // The environment's own database must not stand in for a missing --database-url.
    if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
    if (!options.env?.PGAUTOMATOR_DATABASE_URL) delete env.PGAUTOMATOR_DATABASE_URL;
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pgautomator ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface EmptyDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new database without pgautomator on the test server; drop() removes it. */
export async function createEmptyDatabase(label: string): Promise<EmptyDatabase> {
  const name = `pgat_cli_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs SQL on the test server's maintenance database (roles are cluster-wide). */
export function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return admin(work);
}

/** Runs SQL in database `url`. */
export async function inDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `url` with another user (and optionally a password). */
export function urlAs(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
}

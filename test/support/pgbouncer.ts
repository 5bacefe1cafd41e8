/**
 * A real PgBouncer (Debian's `pgbouncer`, installed by scripts/test-prerequisites.ts) in front of
 * the test server, for the pooler tests: a config file written in a private temporary directory,
 * a free localhost port, trust authentication for the test server's user, and the pool mode asked
 * for. Everything else is left at PgBouncer's defaults (notably `ignore_startup_parameters` empty,
 * so a client that sends `options` at startup is refused, as with a stock install).
 *
 * PgBouncer refuses to run as root: when the tests run as root it runs as `postgres`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { serverUrl, waitFor } from './database.ts';

export type PoolMode = 'session' | 'transaction';

export interface Bouncer {
  mode: PoolMode;
  port: number;
  /** `url` (a postgres:// URL of the test server) with host and port replaced by PgBouncer's. */
  via(url: string): string;
  /** PgBouncer's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Where Debian puts it (/usr/sbin is not on every user's PATH). */
export function pgbouncerBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPgbouncer(mode: PoolMode): Promise<Bouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error('pgbouncer is not installed: apt-get install pgbouncer (scripts/test-prerequisites.ts does so as root)');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgat-pgbouncer-'));
  const runAs = process.getuid?.() === 0 ? userIds('postgres') : undefined;
  const port = await freePort();
  const logFile = path.join(dir, 'pgbouncer.log');
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `pool_mode = ${mode}`,
      'default_pool_size = 10',
      'max_client_conn = 200',
      `logfile = ${logFile}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  if (runAs) {
    chmodSync(dir, 0o755);
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(path.join(dir, file), runAs.uid, runAs.gid);
  }
  const child: ChildProcess = spawn(binary, [path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => `${stderr}${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`;
  const via = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  try {
    // Ready once it answers a query (it connects to the server on demand).
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${log()}`);
        const client = new pg.Client({ connectionString: via(serverUrl) });
        client.on('error', () => {});
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => {});
        }
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `pgbouncer (${mode}) on port ${port}` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- pgbouncer ---\n${log()}`);
  }
  return {
    mode,
    port,
    via,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGINT: PgBouncer's fast shutdown (closes every connection at once).
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

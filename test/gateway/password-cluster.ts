/**
 * A throw-away PostgreSQL cluster that checks passwords (scram-sha-256), for the login tests: the
 * machine's server trusts local TCP connections, so only a server of our own can prove that a wrong
 * password is refused. Built with the server's own initdb/pg_ctl (run as `postgres` when we are root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { anyFreePort } from '../../cli/free-port.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { installExtension } from '../../cli/extension-installer.ts';

export interface PasswordCluster {
  /** Superuser URL of database `pga` (extension installed). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPasswordCluster(superPassword: string): Promise<PasswordCluster> {
  const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  const root = process.getuid?.() === 0;
  const ids = root ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};
  const dir = mkdtempSync(path.join(tmpdir(), 'pga-scram-'));
  if (root) chownSync(dir, ids.uid!, ids.gid!);
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${superPassword}\n`);
  if (root) chownSync(pwfile, ids.uid!, ids.gid!);
  const data = path.join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const result = spawnSync(path.join(bindir, cmd), args, { ...ids, encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout || result.error}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await anyFreePort();
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const stop = async () => {
    spawnSync(path.join(bindir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...ids, stdio: 'ignore', cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = `postgres://postgres:${encodeURIComponent(superPassword)}@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE pga');
    await admin.end();
    const client = new pg.Client({ connectionString: `${base}/pga` });
    await client.connect();
    try {
      await installExtension(client, { method: 'auto' });
    } finally {
      await client.end();
    }
    return { url: `${base}/pga`, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

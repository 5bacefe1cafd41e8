/**
 * The machine header of a results file: CPU, memory, load, PostgreSQL version, the settings we
 * changed, and the box's ceiling for single-row INSERT transactions measured with pgbench (a custom
 * script of one INSERT into a small table; 1 and 8 clients), the same kind of work every fire does.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './bench-context.ts';
import { PG_BIN } from './cluster.ts';

export interface MachineInfo {
  host: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  settings: { name: string; setting: string }[];
  loadAtStart: string;
  pgbench: { clients: number; tps: number }[];
  versions: Record<string, string>;
}

export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

export async function describeMachine(ctx: BenchContext, versions: Record<string, string>): Promise<MachineInfo> {
  const pgVersion = (await ctx.pool.query('SELECT version() AS v')).rows[0].v as string;
  const settings = await ctx.pool.query(
    "SELECT name, setting FROM pg_settings WHERE source NOT IN ('default', 'override', 'client', 'session') AND name NOT IN ('port', 'unix_socket_directories', 'cron.host') ORDER BY name",
  );
  return {
    host: os.hostname(),
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion,
    settings: settings.rows,
    loadAtStart: loadAverage(),
    pgbench: [],
    versions,
  };
}

/** pgbench's transactions/s for one INSERT per transaction, `clients` clients, `seconds` long. */
export function pgbenchInserts(ctx: BenchContext, clients: number, seconds: number): number {
  const script = path.join(ctx.cluster.root, 'insert.sql');
  writeFileSync(script, 'INSERT INTO bench.ceiling DEFAULT VALUES;\n');
  const out = spawnSync(
    path.join(PG_BIN, 'pgbench'),
    ['-n', '-f', script, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-h', ctx.cluster.socketDir, '-p', String(ctx.cluster.port), '-U', 'postgres', 'bench'],
    { encoding: 'utf8' },
  );
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(out.stdout ?? '');
  if (out.status !== 0 || !match) throw new Error(`pgbench failed: ${out.stderr || out.stdout}`);
  return Number(match[1]);
}

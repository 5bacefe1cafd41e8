/**
 * Shared by the agent benchmarks (bench/agent-*.ts): the machine line, percentiles, and real
 * agents as child processes (through test/agent/support.ts).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { TestDatabase } from '../test/support/database.ts';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function machine(db: TestDatabase): Promise<string> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const pgVersion = (await db.pool.query('SHOW server_version')).rows[0].server_version as string;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  return `nproc ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${cpu}; Node ${process.version}; PostgreSQL ${pgVersion}; load average ${load} at the start`;
}

export function loadNow(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

/** Resident memory of a process, KiB (Linux). */
export function rssKiB(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Today's date in UTC, for schedule specs. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

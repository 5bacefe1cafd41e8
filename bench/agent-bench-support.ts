/**
 * Shared by the agent benchmarks (bench/agent-*.ts): the machine line, percentiles, and real
 * agents as child processes (through test/agent/support.ts).
 */
import { spawnSync } from 'node:child_process';
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

/** Clock ticks per second of /proc's CPU times. */
export const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Fields of /proc/<pid>/stat we need (after the parenthesised command, which may hold spaces). */
export function readStat(pid: number): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (stat field 3); ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]), cutime: Number(fields[13]), cstime: Number(fields[14]) };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc; null when it is gone). */
export function cpuMs(pid: number): number | null {
  const stat = readStat(pid);
  return stat ? ((stat.utime + stat.stime) * 1000) / clockTicks : null;
}

/**
 * CPU spent by a set of processes between start() and stop(): the benchmarks divide it by the
 * work done, a figure that the load of a shared machine does not move as it moves wall time.
 */
export class CpuMeter {
  private readonly before = new Map<number, number>();
  private readonly last = new Map<number, number>();
  /** Starts counting pid (from now, or from its birth with fromZero). */
  add(pid: number, fromZero = false): void {
    if (this.before.has(pid)) return;
    const now = cpuMs(pid);
    if (now === null) return;
    this.before.set(pid, fromZero ? 0 : now);
    this.last.set(pid, now);
  }
  /** Reads every counted process again; a process that ended keeps its last reading. */
  sample(): void {
    for (const pid of this.before.keys()) {
      const now = cpuMs(pid);
      if (now !== null) this.last.set(pid, now);
    }
  }
  totalMs(): number {
    this.sample();
    let sum = 0;
    for (const [pid, start] of this.before) sum += (this.last.get(pid) ?? start) - start;
    return sum;
  }
}

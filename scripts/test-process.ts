/**
 * One test file (or check) as a child process with a time limit, for scripts/run-tests.ts.
 *
 * The child is spawned detached, so it leads a process group of its own: what it starts (agents,
 * servers, Chromium's helpers) is in that group unless it detaches in turn. On the time limit the
 * runner ends the whole tree: every descendant found through /proc (Linux; this catches those
 * that made groups of their own, such as Playwright's browser or a shell step) and the group,
 * SIGTERM first (Playwright closes its browsers on it), SIGKILL a few seconds later. After a
 * normal exit, whatever is left in the group is a leak of the file: it is killed and reported.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Finished {
  /** The file's process id (test databases carry it in their names). */
  pid: number | undefined;
  /** Exit code; 128 + n for a signal. */
  code: number;
  output: string;
  timedOut: boolean;
  /** Processes of the file's group still running after it exited (killed by the runner). */
  leftBehind: string[];
}

const GRACE_MS = 5_000;
const running = new Set<number>();

/** pid -> parent pid of every process we may see (Linux /proc); empty elsewhere. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command may contain spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  return parents;
}

function descendants(pid: number): number[] {
  const parents = parentsByPid();
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length) {
    const parent = frontier.pop()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Ends the process tree led by `pid` (group and descendants): SIGTERM, then SIGKILL after the grace. */
export async function killTree(pid: number, graceMs = GRACE_MS): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  signal(-pid, 'SIGTERM');
  for (const p of tree) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (signal(-pid, 0) || tree.some((p) => signal(p, 0)))) await new Promise((r) => setTimeout(r, 100));
  // Descendants found now too: a process that forked while we waited.
  for (const p of [...tree, ...descendants(pid)]) signal(p, 'SIGKILL');
  signal(-pid, 'SIGKILL');
}

/** Ends every file still running (the runner itself was interrupted). */
export async function killAllRunning(): Promise<void> {
  await Promise.all([...running].map((pid) => killTree(pid, 2_000)));
}

export function runLimited(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let leftBehind: string[] = [];
    let settled = false;
    let limit: NodeJS.Timeout | undefined;
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      if (pid) running.delete(pid);
      resolve({ pid, code, output, timedOut, leftBehind });
    };
    child.on('error', (error) => {
      output += `cannot run ${command}: ${error.message}`;
      finish(127);
    });
    if (!pid) return; // spawn failed: 'error' follows
    running.add(pid);
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    limit = setTimeout(() => {
      timedOut = true;
      void killTree(pid);
    }, options.timeoutMs);
    let exitCode = 1;
    let closed = false;
    child.on('close', () => (closed = true));
    child.on('exit', (code, sig) => {
      clearTimeout(limit);
      exitCode = code ?? 128 + (sig === 'SIGKILL' ? 9 : sig === 'SIGTERM' ? 15 : 1);
      void (async () => {
        // Whatever still runs in the file's group a moment later outlived it: a leak (an agent,
        // a browser, a server). tsx's esbuild service ends by itself once its parent is gone.
        for (let i = 0; i < 20 && signal(-pid, 0); i++) await new Promise((r) => setTimeout(r, 100));
        leftBehind = groupMembers(pid);
        if (leftBehind.length) await killTree(pid, 2_000);
        // A grandchild outside the group may hold our pipes open: wait for them a little only.
        for (let i = 0; i < 20 && !closed; i++) await new Promise((r) => setTimeout(r, 100));
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(exitCode);
      })();
    });
  });
}

/** The commands of the processes in group `pgid`. */
function groupMembers(pgid: number): string[] {
  return readdirSafe()
    .filter((p) => pgidOf(p) === pgid)
    .map((p) => {
      try {
        return `${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 160)}`;
      } catch {
        return String(p);
      }
    });
}

function readdirSafe(): number[] {
  try {
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
  } catch {
    return [];
  }
}

function pgidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

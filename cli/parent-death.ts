/**
 * A child that must not outlive us, even when we die without running any handler (SIGKILL, the
 * OOM killer). Our other children (agent, gateway) hold an IPC channel and stop themselves when it
 * closes (cli/main.ts); PostgreSQL has no such hook, hence this, in two ways:
 *
 * - Linux: the child is started through util-linux's `setpriv --pdeathsig`, so the kernel sends it
 *   `signal` the moment we die (tiedToThisProcess).
 * - Everywhere else (macOS, Windows, a Linux without setpriv): a small watcher process
 *   (parent-death-watcher.mjs) reads a pipe from us and stops the child when the pipe closes,
 *   which every OS does when we die (stopWhenWeDie).
 *
 * PGAUTOMATOR_PDEATHSIG=0 turns the Linux way off, so that the portable one can be tested on Linux
 * (test/cli/start-supervision.test.ts). A postmaster left anyway is stopped by the next
 * `pgautomator start` (EmbeddedCluster.stopLeftover).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== 'linux' || process.env.PGAUTOMATOR_PDEATHSIG === '0') return null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/bin', '/usr/sbin', '/sbin'])) {
    if (dir && existsSync(path.join(dir, 'setpriv'))) return path.join(dir, 'setpriv');
  }
  return null;
}

/**
 * The command line that runs `command args` so that it receives `signal` when this process dies;
 * `tied` false: this platform cannot, use stopWhenWeDie once it runs.
 */
export function tiedToThisProcess(command: string, args: string[], signal: NodeJS.Signals): { command: string; args: string[]; tied: boolean } {
  setpriv ??= findSetpriv();
  // setpriv execs the command: the pid we get is the command's own.
  if (setpriv) return { command: setpriv, args: ['--pdeathsig', signal, '--', command, ...args], tied: true };
  return { command, args, tied: false };
}

const watcherScript = fileURLToPath(new URL('./parent-death-watcher.mjs', import.meta.url));

export interface ParentDeathWatch {
  /** The watcher's pid. */
  readonly pid: number | undefined;
  /** We stop the child ourselves (or it ended): the watcher ends without touching it. */
  release(): void;
}

/**
 * Starts a watcher that stops process `pid` should we die: `signal`, then SIGQUIT after `graceMs`,
 * then SIGKILL to its group; on Windows `windowsStop` (a command line) instead.
 */
export function stopWhenWeDie(pid: number, how: { signal: NodeJS.Signals; graceMs: number; windowsStop?: [string, string[]] }): ParentDeathWatch {
  const watcher = spawn(process.execPath, [watcherScript, JSON.stringify({ pid, ...how })], {
    // stdin: the pipe whose end is our death. Its own process group: a Ctrl-C in the terminal
    // reaches us, and we stop PostgreSQL in order, before the watcher would.
    stdio: ['pipe', 'ignore', 'inherit'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  watcher.on('error', () => undefined); // no node to start: nothing watches, as before
  // Neither the watcher nor its pipe keeps us running.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    pid: watcher.pid,
    release: () => {
      if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill('SIGTERM');
    },
  };
}

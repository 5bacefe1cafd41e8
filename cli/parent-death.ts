/**
 * A child that must not outlive us, even when we die without running any handler (SIGKILL, the
 * OOM killer): on Linux it is started through util-linux's `setpriv --pdeathsig`, so the kernel
 * sends it `signal` when we die. Our other children (agent, gateway) hold an IPC channel and stop
 * themselves when it closes (cli/main.ts); PostgreSQL has no such hook, hence this.
 *
 * Elsewhere (macOS, Windows, a Linux without setpriv) the command runs as it is, and a postmaster
 * left by a killed run is stopped by the next `pgautomator start` (EmbeddedCluster.stopLeftover).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== 'linux') return null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/bin', '/usr/sbin', '/sbin'])) {
    if (dir && existsSync(path.join(dir, 'setpriv'))) return path.join(dir, 'setpriv');
  }
  return null;
}

/** The command line that runs `command args` so that it receives `signal` when this process dies. */
export function tiedToThisProcess(command: string, args: string[], signal: NodeJS.Signals): { command: string; args: string[]; tied: boolean } {
  setpriv ??= findSetpriv();
  // setpriv execs the command: the pid we get is the command's own.
  if (setpriv) return { command: setpriv, args: ['--pdeathsig', signal, '--', command, ...args], tied: true };
  return { command, args, tied: false };
}

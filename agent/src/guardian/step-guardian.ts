/**
 * The agent's side of the step guardian (guardian-process.mjs: why it exists and its protocol).
 * The agent tells it each step process group as it starts and ends, and renews the lease after each
 * successful heartbeat or registration; it hears back which groups the guardian fenced. If the
 * guardian dies, it is started again and told the live groups and the lease.
 *
 * Windows has no process groups and no signals to send them: there is no guardian; steps of an
 * agent that is killed outright may outlive it (the agent's own lease fencing still applies while
 * it runs). Every method is then a no-op.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleep } from '../executors/executor.ts';
import { Lease } from '../lease.ts';
import type { Logger } from '../logger.ts';

const guardianScript = fileURLToPath(new URL('./guardian-process.mjs', import.meta.url));

export const guardianSupported = process.platform !== 'win32';

/** The longest a step's command waits for its group's line to reach the guardian. */
const addWaitMs = 2_000;

export interface StepGuardianOptions {
  /** Where the guardian writes its pid (beside the spool: one per agent state). */
  pidFile: string;
  logger: Logger;
  /** The guardian killed these groups because the lease ran out. */
  onFenced(pgids: number[]): void;
}

export class StepGuardian {
  private child: ChildProcess | undefined;
  /** Live groups -> keep (spared when the lease runs out: steps of on_abandon = wait runs). */
  private readonly groups = new Map<number, boolean>();
  /** Monotonic deadline of the lease last sent, or null. */
  private leaseDeadline: number | null = null;
  private closing = false;
  private restarts = 0;

  constructor(private readonly options: StepGuardianOptions) {}

  /**
   * Waits (up to `timeoutMs`) for a guardian left by an earlier agent with the same state to finish:
   * it is killing that agent's steps, which must be gone before this agent runs their retries.
   */
  static async waitForPrevious(pidFile: string, logger: Logger, timeoutMs = 5_000): Promise<void> {
    if (!guardianSupported || !existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !isGuardian(pid)) return;
    const deadline = Date.now() + timeoutMs;
    while (isGuardian(pid) && Date.now() < deadline) await sleep(50);
    if (isGuardian(pid)) logger.warn('the guardian of an earlier agent with this state is still running (is that agent still alive?)', { pid, pid_file: pidFile });
    else logger.info('the guardian of the previous agent finished', { pid });
  }

  start(): void {
    if (!guardianSupported || this.closing) return;
    const child = spawn(process.execPath, [guardianScript, this.options.pidFile], {
      // Its own session and process group: a signal to the agent's group does not reach it.
      detached: true,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: process.env.PGAUTOMATOR_GUARDIAN_TRACE ? { PGAUTOMATOR_GUARDIAN_TRACE: process.env.PGAUTOMATOR_GUARDIAN_TRACE } : {},
    });
    this.child = child;
    // Neither the child nor its pipes keep the agent alive: when the agent exits, the pipe closes
    // and the guardian does its work.
    child.unref();
    (child.stdin as unknown as { unref?(): void }).unref?.();
    (child.stdout as unknown as { unref?(): void }).unref?.();
    child.stdin!.on('error', () => {}); // EPIPE when it died: 'exit' handles that
    let pending = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        this.heard(pending.slice(0, newline).trim());
        pending = pending.slice(newline + 1);
      }
    });
    child.once('error', (error) => this.options.logger.error('cannot start the step guardian', { error }));
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.closing) return;
      const delay = Math.min(5_000, 100 * 2 ** Math.min(this.restarts++, 6));
      this.options.logger.warn('the step guardian exited: starting it again', { code: code ?? undefined, signal: signal ?? undefined, restart_in_ms: delay, groups: this.groups.size });
      setTimeout(() => this.restart(), delay).unref();
    });
    for (const [pgid, keep] of this.groups) void this.send(keep ? `add ${pgid} keep` : `add ${pgid}`);
    if (this.leaseDeadline !== null) void this.send(`lease ${Math.floor(this.leaseDeadline - Lease.now())}`);
  }

  /** The guardian process runs now (it may be between a death and its restart). */
  get active(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * A step's process group started. `keep`: a step of an on_abandon = wait run, which the guardian
   * kills when the agent dies but not when the lease runs out. Resolves once the line is in the
   * guardian's pipe (it reads it even if the agent dies next), or at once when no guardian runs
   * (one started again is told every live group); at the latest after addWaitMs (a guardian that
   * stopped reading must not hold every step).
   */
  add(pgid: number, keep = false): Promise<void> {
    if (!guardianSupported) return Promise.resolve();
    this.groups.set(pgid, keep);
    return this.send(keep ? `add ${pgid} keep` : `add ${pgid}`);
  }

  /** It ended (or was killed and is gone). */
  remove(pgid: number): void {
    if (!guardianSupported || !this.groups.delete(pgid)) return;
    void this.send(`del ${pgid}`);
  }

  /** The lease runs out `remainingMs` from now (null: no lease to keep). */
  lease(remainingMs: number | null): void {
    this.leaseDeadline = remainingMs === null ? null : Lease.now() + remainingMs;
    void this.send(remainingMs === null ? 'lease none' : `lease ${Math.floor(remainingMs)}`);
  }

  /** Ends the guardian: with no groups left it exits at once; with groups, it kills them first. */
  async close(timeoutMs = 3_000): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin!.end();
    await Promise.race([exited, sleep(timeoutMs)]);
  }

  /** The guardian's process id (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private restart(): void {
    if (this.closing || this.child) return;
    this.start();
  }

  private send(line: string): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return Promise.resolve();
    return new Promise((resolve) => {
      const bound = setTimeout(resolve, addWaitMs);
      stdin.write(`${line}\n`, () => {
        clearTimeout(bound);
        resolve();
      });
    });
  }

  private heard(line: string): void {
    const [verb, ...args] = line.split(/\s+/);
    if (verb === 'ready') {
      this.options.logger.debug('step guardian ready', { pid: Number(args[0]) });
      if (this.restarts > 0) this.restarts = Math.max(0, this.restarts - 1);
    } else if (verb === 'fenced') {
      const pgids = args.map(Number).filter(Number.isInteger);
      for (const pgid of pgids) this.groups.delete(pgid);
      this.options.onFenced(pgids);
    }
  }
}

/** Whether `pid` is a live step guardian (Linux: by its command line; elsewhere: alive at all). */
function isGuardian(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\S+ \(.*\) [ZX]/.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('guardian-process.mjs');
  } catch {
    return false;
  }
}

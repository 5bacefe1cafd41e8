/**
 * A part of the quick start run as a child process (`node cli/bin.js agent|ui ...`): its output
 * is relayed line by line with a label, it lives in its own process group (so a Ctrl-C in the
 * terminal reaches only the supervisor, which stops the parts in order), and it holds an IPC
 * channel whose loss makes it stop itself (cli/main.ts) should the supervisor die.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { settlesWithin } from './settles-within.ts';

export const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly lines: string[] = [];
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Called when the process ends without being asked to. */
  onUnexpectedExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;

  constructor(
    readonly label: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly print: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  start(): void {
    const child = spawn(process.execPath, [BIN, ...this.args], {
      env: { ...process.env, ...this.env, PGAUTOMATOR_SUPERVISED: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: process.platform !== 'win32',
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
        this.print(`[${this.label}] ${line}`);
      });
    }
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.print(`[${this.label}] ${error.message}`);
        this.exitInfo ??= { code: -1, signal: null };
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        if (!this.stopping) this.onUnexpectedExit?.(code, signal);
        resolve();
      });
    });
  }

  /** The last `n` lines it printed. */
  tail(n: number): string {
    return this.lines.slice(-n).join('\n');
  }

  /** SIGTERM (its own graceful stop), then SIGKILL to its whole process group after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid || this.exitInfo) return this.exited;
    this.stopping = true;
    child.kill('SIGTERM');
    if (!(await settlesWithin(this.exited, graceMs))) this.kill();
    await this.exited;
    this.killGroup(); // anything it left in its group
  }

  /** SIGKILL to the process and its group, at once. */
  kill(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
    this.killGroup();
  }

  private killGroup(): void {
    const pid = this.child?.pid;
    if (!pid || process.platform === 'win32') return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is empty
    }
  }
}

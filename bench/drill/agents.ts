/**
 * The drill's agents: real agent processes (the same command as test/agent/support.ts by default),
 * each with its own state directory (spool) and its own proxy to the database, its log appended to
 * a file across restarts. The drill kills, pauses and restarts them as a supervisor (or a fault)
 * would; `stop()` ends them for good (SIGCONT, SIGTERM, SIGKILL after a while).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface AgentSpec {
  name: string;
  /** The agent command before its options, e.g. ['node', '--import', 'tsx', 'agent/src/cli.ts']. */
  command: string[];
  cwd: string;
  databaseUrl: string;
  stateDir: string;
  heartbeatS: number;
  maxConcurrent: number;
  /** Longest reconnect delay (seconds). */
  reconnectMaxS: number;
}

export class DrillAgent {
  child: ChildProcess | undefined;
  readonly logFile: string;
  /** Wall-clock ms of each start, and of each death the drill caused (SIGKILL). */
  readonly starts: number[] = [];
  readonly kills: number[] = [];
  paused = false;

  constructor(readonly spec: AgentSpec) {
    mkdirSync(spec.stateDir, { recursive: true });
    this.logFile = path.join(spec.stateDir, 'agent.log');
  }

  get name(): string {
    return this.spec.name;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const { command, name, databaseUrl, heartbeatS, maxConcurrent, stateDir } = this.spec;
    const args = [
      ...command.slice(1),
      '--database-url', databaseUrl,
      '--name', name,
      '--heartbeat-interval', String(heartbeatS),
      '--max-concurrent', String(maxConcurrent),
      '--spool-file', path.join(stateDir, 'agent.spool'),
      '--log-format', 'json',
      '--kill-grace', '1',
      '--drain-timeout', '5',
      '--reconnect-min', '0.1',
      '--reconnect-max', String(this.spec.reconnectMaxS),
    ];
    const child = spawn(command[0], args, { cwd: this.spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: stateDir } });
    appendFileSync(this.logFile, `# drill: started pid ${child.pid} at ${new Date().toISOString()}\n`);
    const write = (chunk: Buffer) => appendFileSync(this.logFile, chunk);
    child.stdout!.on('data', write);
    child.stderr!.on('data', write);
    this.child = child;
    this.paused = false;
    this.starts.push(Date.now());
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    this.child!.kill(signal);
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
    if (signal === 'SIGKILL') this.kills.push(Date.now());
    appendFileSync(this.logFile, `# drill: ${signal} pid ${this.child!.pid} at ${new Date().toISOString()}\n`);
  }

  /** Waits for the current process to exit (after a SIGKILL, say). */
  async exited(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve));
  }

  /** SIGCONT (if paused), SIGTERM, SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(graceMs: number): Promise<'exited' | 'killed'> {
    if (!this.alive) return 'exited';
    if (this.paused) this.signal('SIGCONT');
    this.signal('SIGTERM');
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      this.signal('SIGKILL');
    }, graceMs);
    await this.exited();
    clearTimeout(timer);
    return forced ? 'killed' : 'exited';
  }

  /** Lines of its log (JSON) whose message matches, parsed. */
  logLines(match: (msg: string) => boolean): Array<Record<string, unknown>> {
    const lines: Array<Record<string, unknown>> = [];
    for (const text of readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (typeof line.msg === 'string' && match(line.msg)) lines.push(line);
      } catch {
        // a partial line
      }
    }
    return lines;
  }
}

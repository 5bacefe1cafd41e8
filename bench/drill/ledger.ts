/**
 * The ledger: every shell step of the drill appends one line when it starts and one when its work
 * is done, from the variables the agent gives it, so the drill can count what really ran against
 * what the database recorded.
 *
 *   S <epoch seconds.micros> <run id> <step position> <attempt> <job> <pid>
 *   E <epoch seconds.micros> <run id> <step position> <attempt> <job> <pid> <exit code>
 *
 * Each line is one `echo >>` of bash (open with O_APPEND, one write of well under PIPE_BUF bytes),
 * so concurrent steps never interleave within a line. `$EPOCHREALTIME` needs no extra process.
 * The work between the lines is a sleep, so a fault lands mid-step. On its first attempt a step
 * fails (exit 1, after its end line) with the given probability.
 *
 * A step killed mid-work writes no end line; the watcher below notes, every `pollMs`, which
 * started steps' processes still live, so such an execution's end is known to within `pollMs`.
 */
import { readFileSync } from 'node:fs';

export interface LedgerStep {
  sleepS: number;
  /** Chance (0..1) that the first attempt fails. */
  failFirst: number;
}

export function stepCommand(ledger: string, step: LedgerStep): string {
  const fields = '$EPOCHREALTIME $PGAUTOMATOR_RUN_ID $PGAUTOMATOR_STEP_POSITION $PGAUTOMATOR_ATTEMPT $PGAUTOMATOR_JOB $$';
  const percent = Math.round(step.failFirst * 100);
  return [
    `L='${ledger}'`,
    `echo "S ${fields}" >> "$L"`,
    `sleep ${step.sleepS.toFixed(2)}`,
    `c=0; if [ "$PGAUTOMATOR_ATTEMPT" = 1 ] && [ $((RANDOM % 100)) -lt ${percent} ]; then c=1; fi`,
    `echo "E ${fields} $c" >> "$L"`,
    'exit $c',
  ].join('\n');
}

/** One execution of a step attempt, as the ledger (and the watcher) saw it. */
export interface Execution {
  key: string;
  runId: number;
  position: number;
  attempt: number;
  job: string;
  pid: number;
  startMs: number;
  endMs?: number;
  exitCode?: number;
  /** Last time the watcher saw its process alive (for executions without an end line). */
  lastSeenMs?: number;
  /** Still alive when the drill ended (an orphan the drill had to kill). */
  aliveAtEnd?: boolean;
}

export const executionKey = (runId: number, position: number, attempt: number) => `${runId}:${position}:${attempt}`;

/** When the execution stopped: its end line, else the last time it was seen alive, else its start. */
export const executionEnd = (e: Execution) => e.endMs ?? Math.max(e.lastSeenMs ?? e.startMs, e.startMs);

function processAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export class LedgerWatcher {
  /** Every start line, in order (a key started twice appears twice). */
  readonly executions: Execution[] = [];
  /** End lines whose start line is missing (should never happen). */
  readonly unmatchedEnds: string[] = [];
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly pollMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.poll();
  }

  /** Executions without an end line whose process still lives. */
  open(): Execution[] {
    return this.executions.filter((e) => e.endMs === undefined && processAlive(e.pid));
  }

  poll(): void {
    let text = '';
    try {
      const all = readFileSync(this.file);
      text = all.subarray(this.offset).toString('utf8');
      this.offset = all.length;
    } catch {
      return; // no step has run yet
    }
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.add(line);
    const now = Date.now();
    for (const e of this.executions) if (e.endMs === undefined && processAlive(e.pid)) e.lastSeenMs = now;
  }

  private add(line: string): void {
    const [kind, time, run, position, attempt, job, pid, exit] = line.trim().split(' ');
    if (kind !== 'S' && kind !== 'E') return;
    const ms = Number(time.replace(',', '.')) * 1000;
    const key = executionKey(Number(run), Number(position), Number(attempt));
    if (kind === 'S') {
      this.executions.push({ key, runId: Number(run), position: Number(position), attempt: Number(attempt), job, pid: Number(pid), startMs: ms, lastSeenMs: ms });
      return;
    }
    let started: Execution | undefined;
    for (let i = this.executions.length - 1; i >= 0 && !started; i--) {
      const e = this.executions[i];
      if (e.key === key && e.pid === Number(pid)) started = e;
    }
    if (!started) this.unmatchedEnds.push(line);
    else {
      started.endMs = ms;
      started.exitCode = Number(exit);
    }
  }

  /**
   * Ends every execution still running (orphans of a dead agent, or steps nobody stopped): SIGKILL
   * to its process group (the step's shell leads one), only when the pid is still the step's bash.
   */
  killLeftovers(): Execution[] {
    const left = this.open();
    for (const e of left) {
      e.aliveAtEnd = true;
      e.lastSeenMs = Date.now();
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${e.pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!cmdline.includes(this.file)) continue; // the pid was reused
      for (const target of [-e.pid, e.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone already, or not a group leader
        }
      }
    }
    return left;
  }
}

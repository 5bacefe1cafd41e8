/**
 * Results that could not be written because the database was unreachable: appended, one JSON line
 * each and flushed to disk, to the spool file, and replayed in order once the database is back (also
 * after an agent restart). Replay removes what was written; an entry the database refuses as
 * already done (the run ended meanwhile) is dropped, so replaying twice does no harm. Nothing
 * here executes anything again: the spool holds outcomes, not work.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { FinalState, RunEndState } from './protocol.ts';

/** How a step attempt ended, as end_step records it. */
export interface StepEnd {
  stepRunId: number;
  state: FinalState;
  exitCode: number | null;
  message: string | null;
  output: string;
  outputBytes: number;
  /**
   * Which step and attempt ended: an agent restarted with this end in its spool continues the run
   * after it (absent in spools written by older agents: such a run cannot be continued).
   */
  stepId?: number;
  attempt?: number;
  /**
   * When it ended at the latest, where the agent learned of the end only later (a pause past its
   * lease: the guardian ended every step still alive when the lease ran out). ISO time.
   */
  endedAt?: string;
}

/** `at`: when the agent recorded it (the database's clock may be later at replay). */
export type SpoolEntry =
  | ({ op: 'end_step'; runId: number; at: string } & StepEnd)
  | { op: 'end_run'; runId: number; state: RunEndState; message: string | null; at: string; lastStep?: StepEnd };

/** What the replay callback says about one entry. */
export type ReplayVerdict = 'written' | 'dropped' | 'unreachable';

export class Spool {
  private entries: SpoolEntry[] = [];
  private loaded = false;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Reads the spool file (once); returns the entries waiting. */
  async load(): Promise<readonly SpoolEntry[]> {
    if (this.loaded) return this.entries;
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A line cut short by a crash mid-append is the only possible damage: it is the last one.
    this.entries = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as SpoolEntry];
        } catch {
          return [];
        }
      });
    this.loaded = true;
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Where each run with entries waiting stands, for an agent that restarted: the last step end
   * spooled for it, or 'ended' when its end_run is spooled. Its next step cannot have begun: a step
   * begins only once the database is back and the spool replayed.
   */
  resumePoints(): Map<number, StepEnd | 'ended' | undefined> {
    const points = new Map<number, StepEnd | 'ended' | undefined>();
    for (const entry of this.entries) {
      if (points.get(entry.runId) === 'ended') continue;
      if (entry.op === 'end_run') points.set(entry.runId, 'ended');
      else points.set(entry.runId, entry);
    }
    return points;
  }

  /** Runs with entries waiting (they must be resumed, not abandoned, when the agent registers). */
  runIds(): number[] {
    return [...new Set(this.entries.map((e) => e.runId))];
  }

  /** Appends an entry durably (written and fsynced before this resolves). */
  async append(entry: SpoolEntry): Promise<void> {
    await this.load();
    this.entries.push(entry);
    await this.serialize(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const handle = await open(this.file, 'a', 0o600);
      try {
        await handle.write(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Hands the entries to `write` in order until one is 'unreachable' (kept, with all after it);
   * returns how many were written. The file is rewritten as entries go.
   */
  async replay(write: (entry: SpoolEntry) => Promise<ReplayVerdict>): Promise<number> {
    await this.load();
    let written = 0;
    let done = 0;
    try {
      while (this.entries.length > 0) {
        const verdict = await write(this.entries[0]);
        if (verdict === 'unreachable') break;
        this.entries.shift();
        if (verdict === 'written') written++;
        // Persist progress now and then: a crash in between replays a few entries again, which
        // the database refuses harmlessly as already done.
        if (++done % 50 === 0) await this.rewrite();
      }
    } finally {
      if (done > 0) await this.rewrite();
    }
    return written;
  }

  private rewrite(): Promise<void> {
    const snapshot = this.entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    return this.serialize(async () => {
      const temporary = `${this.file}.tmp`;
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.write(snapshot);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    });
  }

  private serialize(task: () => Promise<void>): Promise<void> {
    const next = this.writing.then(task, task);
    this.writing = next.catch(() => {});
    return next;
  }
}

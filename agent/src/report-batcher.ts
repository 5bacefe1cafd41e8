/**
 * Group commit on the agent's side: protocol reports (step begins, output, step and run ends)
 * issued while an earlier report is on its way are sent together in one `agent_report` call, one
 * transaction. An idle agent pays nothing for it (a lone report goes out at once, on the next turn
 * of the event loop); a busy one pays one round trip and one commit per batch instead of per
 * report. Measured with no-op steps, per-report commits bounded two agents to about 200 runs/s.
 *
 * Order: reports of one run are issued one after another (the run flow awaits each), and a batch
 * keeps the order of its entries, so a run's reports reach the database in the order made.
 * Errors: an entry the database refused rejects only its own promise (as a typed error, like the
 * single call would); a call that failed as a whole (connection lost, permission) rejects every
 * entry of it with that error: their outcome is unknown, as it would be for single calls.
 */
import { toTypedError } from '../../client/index.ts';

export interface StepEndFields {
  step_run_id: number;
  state: string;
  exit_code: number | null;
  message: string | null;
  output: string;
  output_bytes: number;
}

export type ReportEntry =
  | { op: 'begin_step'; run_id: number; step_id: number; attempt: number }
  | { op: 'log_step'; step_run_id: number; chunk: string; stream: string }
  /** finished_at: when a result replayed from the spool ended (agent clock). */
  | ({ op: 'end_step'; finished_at?: string } & StepEndFields)
  /** last_step: the run's last attempt ends with it, all or nothing. */
  | { op: 'end_run'; run_id: number; state: string; message: string | null; last_step?: StepEndFields; finished_at?: string };

/** One entry's answer from `agent_report`. */
export type ReportResult =
  | { ok: true; step_run_id?: number }
  | { ok: false; code: string; message: string; detail?: string | null; hint?: string | null };

export interface ReportBatcherOptions {
  /** Sends one batch; resolves with one result per entry, in order. */
  send(entries: ReportEntry[]): Promise<ReportResult[]>;
  /** The database's limit per call (agent_report: 64). */
  maxEntries?: number;
  /** Payload per batch beyond its first entry (output can be large). */
  maxBytes?: number;
  /** Batches on their way at once (each holds a connection). */
  maxInFlight?: number;
}

interface Pending {
  entry: ReportEntry;
  bytes: number;
  resolve(result: ReportResult & { ok: true }): void;
  reject(error: unknown): void;
}

/** Payload size of an entry, roughly: its text fields dominate. */
function sizeOf(entry: ReportEntry): number {
  if (entry.op === 'log_step') return 64 + entry.chunk.length;
  if (entry.op === 'end_step') return 128 + entry.output.length + (entry.message?.length ?? 0);
  if (entry.op === 'end_run' && entry.last_step) return 224 + entry.last_step.output.length + (entry.last_step.message?.length ?? 0);
  return 96;
}

export class ReportBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxInFlight: number;
  /** Batches sent and entries in them, for the agent's log and the benchmarks. */
  readonly stats = { batches: 0, entries: 0 };

  constructor(private readonly options: ReportBatcherOptions) {
    this.maxEntries = options.maxEntries ?? 64;
    this.maxBytes = options.maxBytes ?? 1 << 20;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** Queues a report; resolves when the database applied it, rejects when it refused it. */
  submit(entry: ReportEntry): Promise<ReportResult & { ok: true }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, bytes: sizeOf(entry), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // setImmediate, not a timer: reports made in the same turn (a claim's runs beginning their
    // first steps) join one batch, and a lone report waits for nothing.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.maxEntries && (count === 0 || bytes + this.queue[count].bytes <= this.maxBytes)) {
      bytes += this.queue[count].bytes;
      count++;
    }
    const batch = this.queue.splice(0, count);
    this.inFlight++;
    this.stats.batches++;
    this.stats.entries += batch.length;
    // More may be sent in parallel while this one is on its way.
    this.schedule();
    try {
      const results = await this.options.send(batch.map((p) => p.entry));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new Error(`agent_report answered ${Array.isArray(results) ? results.length : typeof results} results for ${batch.length} entries`);
      }
      batch.forEach((pending, i) => {
        const result = results[i];
        if (result.ok) pending.resolve(result);
        else pending.reject(toTypedError(Object.assign(new Error(result.message), { code: result.code, detail: result.detail ?? undefined, hint: result.hint ?? undefined })));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

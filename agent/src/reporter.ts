/**
 * The run flow's RunReporter backed by the database, surviving its absence:
 * - begin_step waits until the database is back (a step does not start while its start cannot be
 *   recorded); a kill, timeout or shutdown ends the wait by throwing the signal's StepAbort;
 * - end_step and end_run go to the spool when the database is unreachable, or while older entries
 *   wait there (order is kept); the claim loop replays them after re-registering;
 * - live output is dropped while the database is away (the stored head and tail stay complete);
 * - an answer that the run or attempt is no longer running here (abandoned, reaped) stops the run
 *   (RunLostError) or drops the record.
 * All of it goes through a ReportBatcher: reports of concurrent runs share calls and commits.
 */
import type { AgentApi } from './db/api.ts';
import { isGone, isUnreachable } from './db/api.ts';
import type { Connectivity } from './connectivity.ts';
import type { Logger } from './logger.ts';
import type { OutputStream } from './output-buffer.ts';
import type { RunEndState } from './protocol.ts';
import { RunLostError, type RunReporter } from './run-flow.ts';
import { ReportBatcher, type ReportEntry, type StepEndFields } from './report-batcher.ts';
import type { ReplayVerdict, Spool, SpoolEntry, StepEnd } from './spool.ts';

const stepEndFields = (step: StepEnd): StepEndFields => ({
  step_run_id: step.stepRunId,
  state: step.state,
  exit_code: step.exitCode,
  message: step.message,
  output: step.output,
  output_bytes: step.outputBytes,
});
const endStepEntry = (step: StepEnd) => ({ op: 'end_step' as const, ...stepEndFields(step) });

export class DurableReporter implements RunReporter {
  readonly batcher: ReportBatcher;

  constructor(
    api: AgentApi,
    private readonly spool: Spool,
    private readonly connectivity: Connectivity,
    private readonly logger: Logger,
    /** Called after an end_run was written (or spooled): capacity and maybe mail. */
    private readonly onRunEnded: (runId: number) => void = () => {},
  ) {
    this.batcher = new ReportBatcher({ send: (entries) => api.report(entries) });
  }

  async beginStep(runId: number, stepId: number, attempt: number, signal: AbortSignal): Promise<number> {
    for (;;) {
      // Stopped (kill, timeout, shutdown) while waiting: the run flow records why, via the spool if need be.
      if (!(await this.connectivity.whenUp(signal))) throw signal.reason;
      try {
        const { step_run_id: stepRunId } = await this.batcher.submit({ op: 'begin_step', run_id: runId, step_id: stepId, attempt });
        if (typeof stepRunId !== 'number') throw new Error(`begin_step answered ${JSON.stringify(stepRunId)}, not a step run id`);
        return stepRunId;
      } catch (error) {
        if (isUnreachable(error)) {
          this.logger.warn('database unreachable at begin_step: waiting for it', { run: runId, error });
          this.connectivity.markDown();
          continue;
        }
        if (isGone(error)) throw new RunLostError((error as Error).message);
        throw error;
      }
    }
  }

  async logStep(stepRunId: number, chunk: string, stream: OutputStream): Promise<void> {
    if (!this.connectivity.online) return;
    try {
      await this.batcher.submit({ op: 'log_step', step_run_id: stepRunId, chunk, stream });
    } catch (error) {
      if (isUnreachable(error)) this.connectivity.markDown();
      else if (!isGone(error)) this.logger.warn('log_step failed', { step_run: stepRunId, error });
    }
  }

  async endStep(runId: number, step: StepEnd): Promise<void> {
    await this.record({ op: 'end_step', runId, ...step, at: step.endedAt ?? new Date().toISOString() });
  }

  async endRun(runId: number, state: RunEndState, message: string | null, lastStep?: StepEnd): Promise<void> {
    await this.record({ op: 'end_run', runId, state, message, lastStep, at: lastStep?.endedAt ?? new Date().toISOString() });
    this.onRunEnded(runId);
  }

  /**
   * Writes one result (fresh, or replayed from the spool: then with the time it ended, since the
   * database's clock is later by the length of the outage).
   */
  async write(entry: SpoolEntry, replayed = false): Promise<ReplayVerdict> {
    // The time it ended goes along when it is not now: replayed from the spool, or learned late.
    const learnedLate = entry.op === 'end_step' ? entry.endedAt : entry.lastStep?.endedAt;
    const finished = replayed || learnedLate ? { finished_at: entry.at } : {};
    if (entry.op === 'end_step') return this.writeEntry(entry, { ...endStepEntry(entry), ...finished });
    const endRun: ReportEntry = { op: 'end_run', run_id: entry.runId, state: entry.state, message: entry.message, ...finished };
    if (!entry.lastStep) return this.writeEntry(entry, endRun);
    // The last attempt's end and the run's end in one entry (one lock, one subtransaction).
    const together = await this.writeEntry(entry, { ...endRun, last_step: stepEndFields(entry.lastStep) }, true);
    if (together !== 'dropped') return together;
    // Refused together (the step ended already: a replay after a crash, say): what still fits, one by one.
    const step = await this.writeEntry(entry, { ...endStepEntry(entry.lastStep), ...finished });
    if (step === 'unreachable') return step;
    return this.writeEntry(entry, endRun);
  }

  private async writeEntry(entry: SpoolEntry, report: ReportEntry, quiet = false): Promise<ReplayVerdict> {
    try {
      await this.batcher.submit(report);
      return 'written';
    } catch (error) {
      if (isUnreachable(error)) return 'unreachable';
      if (quiet) return 'dropped';
      // Gone: the run ended meanwhile (abandoned while the agent was away), or the entry was
      // written before a crash and is replayed again. Anything else would fail forever: log it.
      const fields = { run: entry.runId, op: report.op, error };
      if (isGone(error)) this.logger.warn('spooled result refused by the database: dropped', fields);
      else this.logger.error('spooled result could not be written: dropped', fields);
      return 'dropped';
    }
  }

  private async record(entry: SpoolEntry): Promise<void> {
    if (this.connectivity.online && this.spool.size === 0) {
      const verdict = await this.write(entry);
      if (verdict !== 'unreachable') return;
      this.connectivity.markDown();
    }
    await this.spool.append(entry);
    this.logger.info('database unreachable: result spooled', { run: entry.runId, op: entry.op, spooled: this.spool.size });
  }
}

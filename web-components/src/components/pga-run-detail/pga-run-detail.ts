import { css, html, LitElement, nothing } from 'lit';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { durationBetween, formatDuration, formatInstant } from '../../time-format.ts';
import '../pga-state-badge/pga-state-badge.ts';

export interface RunRow {
  id: number;
  job: string;
  agent: string | null;
  trigger: string;
  schedule: string | null;
  scheduled_for: string | null;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  state: string;
  message: string | null;
  attempt: number;
  retry_of: number | null;
  requested_by: string | null;
  kill_requested_at: string | null;
  kill_requested_by: string | null;
  /** trigger = job: the upstream run whose end started this one. */
  upstream_run_id?: number | null;
  /** Why the run exists, in the database's words (the runs view's `cause`). */
  cause?: string | null;
}

/** The run whose end started a run (trigger = job), as far as the page could read it. */
export interface UpstreamRun {
  id: number;
  job: string;
  state: string;
}

export interface StepRunRow {
  id: number;
  position: number;
  step: string;
  attempt: number;
  retries: number;
  agent: string | null;
  state: string;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  message: string | null;
  output: string | null;
  output_bytes: number | null;
}

/** How a run was triggered, in words. */
export function triggerText(run: Pick<RunRow, 'trigger' | 'schedule' | 'requested_by' | 'retry_of' | 'upstream_run_id'>): string {
  if (run.trigger === 'job') return run.upstream_run_id ? `after run ${run.upstream_run_id}` : 'after a run (purged)';
  if (run.trigger === 'schedule') return `schedule ${run.schedule ?? '(deleted)'}`;
  if (run.trigger === 'manual') return `manual${run.requested_by ? ` (${run.requested_by})` : ''}`;
  if (run.trigger === 'retry') return `retry${run.retry_of ? ` of run ${run.retry_of}` : ''}`;
  return run.trigger;
}

/**
 * One run with its step attempts and their output (presentational). The page-level element feeds
 * it the run, the steps and the output streamed so far.
 *
 * @prop run - the run (a row of list_runs / get_run's `run`)
 * @prop steps - its step attempts, in the order they ran
 * @prop outputs - output text per step run id (streamed chunks); falls back to each step's stored output
 * @prop upstream - trigger = job: the run whose end started this one (its job and state); null
 *   while unknown (then the run's `cause` is shown)
 * @attr can-kill - show the Kill button while the run is queued or running
 * @attr now - the clock (ms since epoch) for durations of running steps
 * @fires pga-run-kill - {runId} when Kill is pressed
 * @fires pga-run-open - {runId} when the upstream run (the cause) is chosen
 * @fires pga-step-history - {job, step} when the person asks for a step's history across runs
 * @csspart output - each step's output block
 */
export class PgaRunDetail extends LitElement {
  static override properties = {
    run: { attribute: false },
    steps: { attribute: false },
    outputs: { attribute: false },
    upstream: { attribute: false },
    canKill: { type: Boolean, attribute: 'can-kill' },
    now: { type: Number },
  };
  declare run: RunRow | null;
  declare steps: StepRunRow[];
  declare outputs: Record<number, string>;
  declare upstream: UpstreamRun | null;
  declare canKill: boolean;
  declare now: number;

  static override styles = [
    sharedStyles,
    css`
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0 0 12px; }
      dt { color: var(--_muted); font-size: 12px; }
      dd { margin: 0; }
      .step { border: 1px solid var(--_line); border-radius: 8px; margin-bottom: 10px; }
      .step header { display: flex; gap: 10px; align-items: center; padding: 6px 10px; background: #f6f8fa; border-radius: 8px 8px 0 0; flex-wrap: wrap; }
      .link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-decoration: underline; font: inherit; }
      pre { margin: 0; padding: 8px 10px; background: #0d1117; color: #e6edf3; max-height: 320px; overflow: auto; white-space: pre-wrap; word-break: break-all; border-radius: 0 0 8px 8px; }
    `,
  ];

  constructor() {
    super();
    this.run = null;
    this.steps = [];
    this.outputs = {};
    this.upstream = null;
    this.canKill = false;
    this.now = Date.now();
  }

  /** Why the run exists; a run started by another's end links to that run. */
  private renderCause(run: RunRow) {
    if (run.trigger !== 'job' || !run.upstream_run_id) return triggerText(run);
    const id = run.upstream_run_id;
    const up = this.upstream?.id === id ? this.upstream : null;
    return html`after <button class="link" @click=${() => emit(this, 'pga-run-open', { runId: id })}>run ${id}</button>${up
        ? html` of job “${up.job}” <pga-state-badge state=${up.state}></pga-state-badge>`
        : html` <span class="muted">(${run.cause ?? 'of another job'})</span>`}`;
  }

  override render() {
    const run = this.run;
    if (!run) return html`<p class="muted">Choose a run.</p>`;
    const active = run.state === 'running' || run.state === 'queued';
    return html`<div class="toolbar">
        <h3 style="margin:0">Run ${run.id} of “${run.job}”</h3>
        <pga-state-badge state=${run.state}></pga-state-badge>
        <span class="spacer"></span>
        ${this.canKill && active
          ? html`<button class="danger primary" ?disabled=${Boolean(run.kill_requested_at)} @click=${() => emit(this, 'pga-run-kill', { runId: run.id })}>${run.kill_requested_at ? 'Kill requested…' : 'Kill'}</button>`
          : nothing}
      </div>
      <dl>
        <dt>Cause</dt><dd class="cause">${this.renderCause(run)}</dd>
        <dt>Agent</dt><dd>${run.agent ?? '—'}</dd>
        <dt>Scheduled for</dt><dd>${formatInstant(run.scheduled_for)}</dd>
        <dt>Started</dt><dd>${formatInstant(run.started_at)}</dd>
        <dt>Finished</dt><dd>${formatInstant(run.finished_at)}</dd>
        <dt>Duration</dt><dd>${formatDuration(durationBetween(run.started_at, run.finished_at, this.now))}</dd>
        <dt>Attempt</dt><dd>${run.attempt}</dd>
        ${run.message ? html`<dt>Message</dt><dd>${run.message}</dd>` : nothing}
        ${run.kill_requested_at ? html`<dt>Kill</dt><dd>requested by ${run.kill_requested_by ?? '?'} at ${formatInstant(run.kill_requested_at)}</dd>` : nothing}
      </dl>
      ${this.steps.length === 0 ? html`<p class="muted">${active ? 'No step has started yet.' : 'No step ran.'}</p>` : nothing}
      ${this.steps.map((s) => {
        const output = this.outputs[s.id] ?? s.output ?? '';
        return html`<div class="step" data-step-run=${s.id}>
          <header>
            <strong>${s.position}. ${s.step}</strong>
            <pga-state-badge state=${s.state}></pga-state-badge>
            ${s.attempt > 1 ? html`<span class="muted">attempt ${s.attempt} (retry ${s.retries})</span>` : nothing}
            <span class="muted">${formatDuration(durationBetween(s.started_at, s.finished_at, this.now))}</span>
            ${s.exit_code !== null ? html`<span class="muted">exit ${s.exit_code}</span>` : nothing}
            ${s.message ? html`<span class="muted">${s.message}</span>` : nothing}
            <span class="spacer"></span>
            <button type="button" aria-label="Step history of ${s.step}" @click=${() => emit(this, 'pga-step-history', { job: run.job, step: s.step })}>Step history</button>
          </header>
          <pre part="output" aria-label="Output of ${s.step}" aria-live=${s.state === 'running' ? 'polite' : 'off'}>${output || (s.state === 'running' ? '…' : '(no output)')}</pre>
        </div>`;
      })}`;
  }
}
define('pga-run-detail', PgaRunDetail);

declare global {
  interface HTMLElementTagNameMap {
    'pga-run-detail': PgaRunDetail;
  }
}

import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { displayZone, durationBetween, formatDuration, formatInstant, wallClockIn } from '../../time-format.ts';
import '../pga-run-detail/pga-run-detail.ts';
import { triggerText, type RunRow, type StepRunRow, type UpstreamRun } from '../pga-run-detail/pga-run-detail.ts';
import '../pga-state-badge/pga-state-badge.ts';
import { runsToCsv } from './runs-csv.ts';

const STATES = ['', 'queued', 'running', 'succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped'];
const PAGE = 50;

interface Chunk {
  id: number;
  chunk: string;
}

/**
 * `YYYY-MM-DD[ HH:MM[:SS]]` typed in the zone times are shown in (browser or UTC, chosen in the
 * console header) to an ISO instant; '' stays ''; null when it is not such a date.
 */
export function wallClockToIso(value: string, zone = displayZone()): string | null {
  const text = value.trim();
  if (text === '') return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return null;
  const local = `${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
  const date = zone === 'UTC' ? new Date(`${local}Z`) : new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An ISO instant as `YYYY-MM-DD HH:MM` in the display zone (the filter fields' text). */
const isoToWallClock = (iso: string) => (iso ? wallClockIn(displayZone(), new Date(iso)).slice(0, 16) : '');

/** The history filters that live in the console's URL. */
export const RUN_FILTERS = ['job', 'state', 'agent', 'since', 'until', 'search', 'range'] as const;

/** Which time since/until bound (list_runs' range_on), in the words of the form. */
const RANGES = [
  ['scheduled', 'Due'],
  ['started', 'Started'],
  ['finished', 'Finished'],
] as const;
const rangeLabel = (range: string) => RANGES.find(([v]) => v === range)?.[1] ?? 'Due';

/** A row of list_step_runs: one attempt of one step, across runs. */
export interface StepHistoryRow {
  id: number;
  run_id: number;
  attempt: number;
  state: string;
  agent: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  message: string | null;
}
const STEP_HISTORY = 20;

/**
 * Run history with filters (job, state, agent, time window). Opening a run shows its steps and
 * their output, streamed live while it runs (the step_output events of /events and step_output).
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr job - filter: only this job's runs
 * @attr state - filter: only runs in this state
 * @attr agent - filter: only runs on this agent
 * @attr since - filter: runs due at or after this instant (ISO)
 * @attr until - filter: runs due before this instant (ISO)
 * @attr search - filter: runs whose message or a step's output or message contains this text
 * @attr range - which time since/until bound: scheduled (default), started or finished
 * @attr run - id of the run to show (set when the user opens one)
 * @fires pga-run-open - {runId} when the user opens a run
 * @fires pga-run-kill - {runId} after a kill was requested
 * @fires pga-runs-filter - {job, state, agent, since, until, search, range} when the person changes a filter (the console puts them in the URL)
 * @csspart table - the history table
 * @csspart detail - the run detail pane
 */
export class PgaRuns extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    job: { type: String },
    state: { type: String },
    agent: { type: String },
    since: { type: String },
    until: { type: String },
    search: { type: String },
    range: { type: String },
    run: { type: Number, reflect: true },
    runs: { state: true },
    more: { state: true },
    detail: { state: true },
    steps: { state: true },
    outputs: { state: true },
    choices: { state: true },
    rangeError: { state: true },
    upstream: { state: true },
    stepHistory: { state: true },
  };
  declare gatewayUrl: string;
  declare job: string;
  declare state: string;
  declare agent: string;
  declare since: string;
  declare until: string;
  declare search: string;
  declare range: string;
  /** The step whose last attempts across runs are shown under the run (list_step_runs). */
  declare stepHistory: { job: string; step: string; rows: StepHistoryRow[] } | null;
  declare run: number | null;
  declare runs: RunRow[];
  declare more: boolean;
  declare detail: RunRow | null;
  declare steps: StepRunRow[];
  declare outputs: Record<number, string>;
  declare choices: { jobs: string[]; agents: string[] };
  /** A since/until that cannot be used: {control, message}, shown under the field. */
  declare rangeError: { control: 'since' | 'until'; message: string } | null;
  /** The run whose end started the open one (trigger = job), for its cause. */
  declare upstream: UpstreamRun | null;

  static override styles = [
    sharedStyles,
    css`
      /* No run open: the table takes the width. A run open: beside the table on wide screens,
         above it otherwise (scrolled into view), so the table never shrinks into a side scroll. */
      .layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 14px; align-items: start; }
      .layout:not(.open) [part~='detail'] { display: none; }
      .layout.open [part~='detail'] { order: -1; }
      @media (min-width: 1800px) {
        .layout.open { grid-template-columns: minmax(0, 3fr) minmax(380px, 2fr); }
        .layout.open [part~='detail'] { order: 0; }
      }
      td { font-size: 13px; }
      td.when { white-space: nowrap; }
      .field { display: flex; flex-direction: column; gap: 2px; }
      .field-error { max-width: 260px; }
      .scroll { overflow-x: auto; min-width: 0; }
      tbody tr { cursor: pointer; }
      tbody tr:hover td { background: #f6f8fa; }
      .cause-job { display: inline-block; background: #eef1f4; border-radius: 4px; padding: 0 6px; white-space: nowrap; }
      .step-history { margin-top: 14px; border-top: 1px solid var(--_line); padding-top: 10px; }
      button.link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-decoration: underline; }
      td.msg { max-width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.reload(),
    onEvent: (e) => this.onEvent(e),
  });
  private readonly clock = new ClockController(this, 1000);
  private lastChunk: Record<number, number> = {};
  private fetching = new Map<number, Promise<void>>();
  private again = new Set<number>();

  constructor() {
    super();
    this.gatewayUrl = '';
    this.job = '';
    this.state = '';
    this.agent = '';
    this.since = '';
    this.until = '';
    this.search = '';
    this.range = '';
    this.stepHistory = null;
    this.run = null;
    this.runs = [];
    this.more = false;
    this.detail = null;
    this.steps = [];
    this.outputs = {};
    this.choices = { jobs: [], agents: [] };
    this.rangeError = null;
    this.upstream = null;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (!this.gateway.session) return;
    if (this.hasUpdated && RUN_FILTERS.some((k) => changed.has(k))) void this.loadRuns();
    if (changed.has('run') && this.hasUpdated && this.run !== (this.detail?.id ?? null)) void this.openRun(this.run);
  }

  private async reload(): Promise<void> {
    const choices = await this.gateway.latest('choices', () =>
      Promise.all([
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_jobs')),
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_agents')),
      ]),
    );
    if (!choices) return;
    const [jobs, agents] = choices;
    this.choices = { jobs: (jobs ?? []).map((j) => j.name), agents: (agents ?? []).map((a) => a.name) };
    await this.loadRuns();
    if (this.run) await this.openRun(this.run);
  }

  /**
   * Reloads the first page of history with the current filters. Only the latest load of the list
   * is shown (GatewayController.latest): a reload on an event, begun before the filters changed and
   * answered after, would show rows of the old filters.
   */
  async loadRuns(): Promise<void> {
    const rows = await this.gateway.latest('runs', () => this.gateway.run((c) => c.read<RunRow[]>('list_runs', this.filters())));
    if (rows) {
      this.runs = rows;
      this.more = rows.length === PAGE;
    }
  }

  private filters(beforeId?: number): Record<string, unknown> {
    return { job: this.job, state: this.state, agent: this.agent, since: this.since, until: this.until, search: this.search,
      range_on: this.range, limit: PAGE, before_id: beforeId };
  }

  private async loadOlder(): Promise<void> {
    const last = this.runs[this.runs.length - 1];
    // A page older than a list reloaded meanwhile would be added to the wrong list.
    const rows = await this.gateway.latest('runs', () => this.gateway.run((c) => c.read<RunRow[]>('list_runs', this.filters(last?.id))));
    if (rows) {
      this.runs = [...this.runs, ...rows];
      this.more = rows.length === PAGE;
    }
  }

  private onEvent(e: GatewayEvent): void {
    if (['run_queued', 'run_started', 'run_finished', 'kill'].includes(e.event)) this.gateway.reloadSoon(() => void this.loadRuns(), 200);
    const openId = this.detail?.id;
    if (openId === undefined || e.run_id !== openId) return;
    if (e.event === 'step_output' && typeof e.step_run_id === 'number') {
      if (!this.steps.some((s) => s.id === e.step_run_id)) void this.refreshRun();
      void this.fetchOutput(e.step_run_id);
    } else if (['run_started', 'run_finished', 'kill'].includes(e.event)) void this.refreshRun();
  }

  /** A step's last attempts across runs (state, duration, exit code), shown under the open run. */
  private async showStepHistory(job: string, step: string): Promise<void> {
    const rows = await this.gateway.run((c) => c.read<StepHistoryRow[]>('list_step_runs', { job, step, limit: STEP_HISTORY }));
    if (rows) {
      this.stepHistory = { job, step, rows };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part~="step-history"] h3')?.focus();
    }
  }

  private async openRun(runId: number | null): Promise<void> {
    this.stepHistory = null;
    this.lastChunk = {};
    this.outputs = {};
    this.steps = [];
    this.detail = null;
    if (runId === null || runId === undefined) return;
    await this.refreshRun(runId);
  }

  private async refreshRun(runId = this.detail?.id ?? this.run ?? undefined): Promise<void> {
    if (runId === undefined || runId === null) return;
    // The latest refresh only: on run_started then run_finished, the first answer arriving last
    // would leave the run shown running after its end.
    const doc = await this.gateway.latest('run', () => this.gateway.run((c) => c.read<{ run: RunRow; steps: StepRunRow[] }>('get_run', { run_id: runId })));
    if (!doc || (this.run !== null && this.run !== runId)) return;
    this.detail = doc.run;
    this.steps = doc.steps;
    await this.loadUpstream(doc.run);
    // Output: stored output of finished steps; the streamed chunks of running (or unstored) ones.
    await Promise.all(doc.steps.filter((s) => s.state === 'running' || s.output === null).map((s) => this.fetchOutput(s.id)));
  }

  /** The job and state of the run whose end started `run` (its cause), when it still exists. */
  private async loadUpstream(run: RunRow): Promise<void> {
    const id = run.upstream_run_id;
    if (!id) {
      this.upstream = null;
      return;
    }
    if (this.upstream?.id === id) return;
    // Not through gateway.run: a purged upstream run is no error of this page (the cause text says it).
    const doc = await this.gateway.client.read<{ run: RunRow }>('get_run', { run_id: id }).catch(() => null);
    this.upstream = doc ? { id, job: doc.run.job, state: doc.run.state } : null;
  }

  /** Appends the chunks of a step run after the last one seen (one fetch at a time per step run). */
  private fetchOutput(stepRunId: number): Promise<void> {
    const running = this.fetching.get(stepRunId);
    if (running) {
      this.again.add(stepRunId);
      return running;
    }
    const work = (async () => {
      do {
        this.again.delete(stepRunId);
        const chunks = await this.gateway.run((c) => c.read<Chunk[]>('step_output', { step_run_id: stepRunId, after_id: this.lastChunk[stepRunId] ?? 0 }));
        if (chunks && chunks.length > 0) {
          this.lastChunk[stepRunId] = chunks[chunks.length - 1].id;
          this.outputs = { ...this.outputs, [stepRunId]: (this.outputs[stepRunId] ?? '') + chunks.map((c) => c.chunk).join('') };
        }
      } while (this.again.has(stepRunId));
    })().finally(() => this.fetching.delete(stepRunId));
    this.fetching.set(stepRunId, work);
    return work;
  }

  private select(runId: number): void {
    this.run = runId;
    emit(this, 'pga-run-open', { runId });
    // One column (all but very wide windows): the detail sits above the table, bring it into view.
    if (!matchMedia('(min-width: 1800px)').matches) {
      void this.updateComplete.then(() => this.renderRoot.querySelector('[part~="detail"]')?.scrollIntoView({ block: 'start' }));
    }
  }

  private async kill(runId: number): Promise<void> {
    const job = this.detail?.id === runId ? this.detail.job : '';
    if (!confirm(`Kill run ${runId}${job ? ` of “${job}”` : ''}? Its running step is stopped and the run ends as killed.`)) return;
    this.gateway.clearError();
    const outcome = await this.gateway.run((c) => c.call<string>('kill_run', { run_id: runId }));
    if (outcome !== undefined) {
      emit(this, 'pga-run-kill', { runId });
      await this.refreshRun(runId);
    }
  }

  /** Downloads the runs listed now (the filters applied, the pages loaded) as CSV. */
  private exportCsv(): void {
    const url = URL.createObjectURL(new Blob([runsToCsv(this.runs)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `pgautomator-runs-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Sets one filter and announces all of them (for the URL). */
  private setFilter(key: (typeof RUN_FILTERS)[number], value: string): void {
    this[key] = value;
    emit(this, 'pga-runs-filter', { job: this.job, state: this.state, agent: this.agent, since: this.since, until: this.until, search: this.search, range: this.range });
  }

  /** A typed since/until: checked (an ISO date, until after since) before it filters anything. */
  private setRange(key: 'since' | 'until', text: string): void {
    const iso = wallClockToIso(text);
    if (iso === null) {
      this.rangeError = { control: key, message: `Write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM (${displayZone()}).` };
      return;
    }
    const since = key === 'since' ? iso : this.since;
    const until = key === 'until' ? iso : this.until;
    if (since && until && until <= since) {
      const what = rangeLabel(this.range);
      this.rangeError = { control: key, message: `“${what} until” must be after “${what} since” (${isoToWallClock(since)}); nothing would match.` };
      return;
    }
    this.rangeError = null;
    this.setFilter(key, iso);
  }

  private rangeInput(key: 'since' | 'until', label: string) {
    const error = this.rangeError?.control === key ? this.rangeError.message : '';
    return html`<span class="field"><label>${label}<input type="text" name=${key} placeholder="YYYY-MM-DD HH:MM" inputmode="numeric" .value=${isoToWallClock(this[key])}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby="err-${key}"
        @change=${(e: Event) => this.setRange(key, (e.target as HTMLInputElement).value)}
        @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.setRange(key, (e.target as HTMLInputElement).value)} /></label>
      ${error ? html`<span class="field-error" id="err-${key}" role="alert">${error}</span>` : nothing}</span>`;
  }

  private filterSelect(label: string, key: 'job' | 'state' | 'agent', values: string[]) {
    return html`<label>${label}<select name=${key} aria-label=${label} .value=${this[key]} @change=${(e: Event) => this.setFilter(key, (e.target as HTMLSelectElement).value)}>
      <option value="">any</option>${values.filter(Boolean).map((v) => html`<option value=${v} ?selected=${v === this[key]}>${v.replace('_', ' ')}</option>`)}</select></label>`;
  }

  private renderStepHistory(zone: string) {
    const h = this.stepHistory;
    if (!h) return nothing;
    return html`<div part="step-history" class="step-history">
      <div class="toolbar"><h3 tabindex="-1" style="margin:0">Step “${h.step}”: last ${h.rows.length} attempts</h3><span class="spacer"></span>
        <button type="button" @click=${() => (this.stepHistory = null)}>Close</button></div>
      <div class="scroll"><table aria-label="History of step ${h.step}">
        <thead><tr><th>Run</th><th>Attempt</th><th>State</th><th>Started (${zone})</th><th>Duration</th><th>Exit code</th><th>Message</th></tr></thead>
        <tbody>${h.rows.map(
          (r) => html`<tr data-step-run=${r.id}>
            <td><button class="link" type="button" aria-label="Open run ${r.run_id}" @click=${() => this.select(r.run_id)}>${r.run_id}</button></td>
            <td>${r.attempt}</td><td><pga-state-badge state=${r.state}></pga-state-badge></td>
            <td class="when">${formatInstant(r.started_at, zone, { zoneInHeader: true })}</td>
            <td>${formatDuration(durationBetween(r.started_at, r.finished_at, this.clock.now))}</td>
            <td>${r.exit_code ?? '—'}</td><td class="msg" title=${r.message ?? ''}>${r.message ?? ''}</td></tr>`,
        )}</tbody></table></div></div>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const zone = displayZone();
    const bare = { zoneInHeader: true };
    return html`<h2>Run history</h2>
      <form class="row" aria-label="Filters" @submit=${(e: Event) => e.preventDefault()}>
        ${this.filterSelect('Job', 'job', this.choices.jobs)} ${this.filterSelect('State', 'state', STATES)} ${this.filterSelect('Agent', 'agent', this.choices.agents)}
        <label>Times<select name="range" aria-label="Times" .value=${this.range || 'scheduled'} @change=${(e: Event) => this.setFilter('range', (e.target as HTMLSelectElement).value === 'scheduled' ? '' : (e.target as HTMLSelectElement).value)}>
          ${RANGES.map(([v, label]) => html`<option value=${v} ?selected=${v === (this.range || 'scheduled')}>${label}</option>`)}</select></label>
        ${this.rangeInput('since', `${rangeLabel(this.range)} since`)} ${this.rangeInput('until', `${rangeLabel(this.range)} until`)}
        <label>Search<input type="search" name="search" placeholder="text in messages and output" .value=${this.search}
          @change=${(e: Event) => this.setFilter('search', (e.target as HTMLInputElement).value.trim())}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.setFilter('search', (e.target as HTMLInputElement).value.trim())} /></label>
        <button type="button" @click=${() => void this.loadRuns()}>Refresh</button>
        <button type="button" ?disabled=${this.runs.length === 0} @click=${this.exportCsv}>Export CSV</button>
      </form>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      <div class="layout ${this.detail ? 'open' : ''}">
        <div class="scroll">
          <table part="table" aria-label="Runs">
            <thead><tr><th>Run</th><th>Job</th><th>State</th><th>Cause</th><th>Agent</th><th>Scheduled (${zone})</th><th>Started (${zone})</th><th>Finished (${zone})</th><th>Duration</th><th title="Attempt of the run (retries + 1)">Attempt</th><th>Message</th></tr></thead>
            <tbody>
              ${this.runs.length === 0 ? html`<tr><td colspan="11" class="muted">${this.search ? `No runs whose messages or output contain “${this.search}”.` : 'No runs.'}</td></tr>` : nothing}
              ${this.runs.map(
                (r) => html`<tr class=${r.id === this.detail?.id ? 'selected' : ''} data-run=${r.id} tabindex="0" aria-label="Run ${r.id} of ${r.job}, ${r.state}"
                  @click=${() => this.select(r.id)} @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.select(r.id))}>
                  <td>${r.id}</td><td>${r.job}</td><td><pga-state-badge state=${r.state}></pga-state-badge></td>
                  <td title=${r.cause ?? ''}>${r.trigger === 'job' ? html`<span class="cause-job">${triggerText(r)}</span>` : triggerText(r)}</td><td>${r.agent ?? '—'}</td><td class="when">${formatInstant(r.scheduled_for, zone, bare)}</td><td class="when">${formatInstant(r.started_at, zone, bare)}</td><td class="when">${formatInstant(r.finished_at, zone, bare)}</td>
                  <td>${formatDuration(durationBetween(r.started_at, r.finished_at, this.clock.now))}</td><td>${r.attempt}</td>
                  <td class="msg" title=${r.message ?? ''}>${r.message ?? ''}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${this.more ? html`<div class="toolbar" style="margin-top:8px"><button @click=${() => void this.loadOlder()}>Older runs</button></div>` : nothing}
        </div>
        <section class="card" part="detail" aria-label="Run detail">
          <pga-run-detail .run=${this.detail} .steps=${this.steps} .outputs=${this.outputs} .upstream=${this.upstream}
            @pga-run-open=${(e: CustomEvent<{ runId: number }>) => (this.run = e.detail.runId)} .now=${this.clock.now} ?can-kill=${this.gateway.can('pgautomator_operator')}
            @pga-run-kill=${(e: CustomEvent<{ runId: number }>) => {
              e.stopPropagation();
              void this.kill(e.detail.runId);
            }}
            @pga-step-history=${(e: CustomEvent<{ job: string; step: string }>) => {
              e.stopPropagation();
              void this.showStepHistory(e.detail.job, e.detail.step);
            }}></pga-run-detail>
          ${this.renderStepHistory(zone)}
        </section>
      </div>`;
  }
}
define('pga-runs', PgaRuns);

declare global {
  interface HTMLElementTagNameMap {
    'pga-runs': PgaRuns;
  }
}

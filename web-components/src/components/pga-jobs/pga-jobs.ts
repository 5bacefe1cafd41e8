import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { durationBetween, formatDuration, formatInstant, formatRelative } from '../../time-format.ts';
import '../pga-state-badge/pga-state-badge.ts';

export interface JobRow {
  name: string;
  description: string | null;
  category: string | null;
  enabled: boolean;
  paused_reason: string | null;
  steps: number;
  schedules: string[];
  next_run_at: string | null;
  last_run_id: number | null;
  last_run_state: string | null;
  last_run_finished_at: string | null;
}

export interface RunningRow {
  id: number;
  job: string;
  state: string;
  agent: string | null;
  started_at: string | null;
  step: string | null;
  kill_requested_at: string | null;
}

const STATE_FILTERS = ['all', 'enabled', 'disabled', 'running', 'failed'] as const;
type StateFilter = (typeof STATE_FILTERS)[number];
const RUN_EVENTS = new Set(['run_queued', 'run_started', 'run_finished', 'kill', 'schedule_changed']);

/**
 * The jobs, by category, with their state, last and next run, and the actions an operator needs:
 * start now, kill the running run, enable/disable. Live: refreshes on run events.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr category - show only this category (empty: all)
 * @attr state - filter: all, enabled, disabled, running, failed (last run failed)
 * @attr search - filter: words each shown job has in its name, description or category
 * @fires pga-job-open - {name} to edit a job ({name: null} for "New job")
 * @fires pga-job-start - {name, runId} after a start was accepted
 * @fires pga-run-kill - {runId} after a kill was requested
 * @fires pga-job-toggle - {name, enabled} after enable/disable
 * @fires pga-run-open - {runId} to show a run (the last run link)
 * @csspart table - the jobs table
 * @slot toolbar - extra controls at the end of the toolbar
 */
export class PgaJobs extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    category: { type: String },
    state: { type: String },
    jobs: { state: true },
    running: { state: true },
    busy: { state: true },
    notice: { state: true },
    search: { type: String },
  };
  declare gatewayUrl: string;
  declare category: string;
  declare state: StateFilter;
  declare jobs: JobRow[];
  declare running: RunningRow[];
  declare busy: string;
  declare notice: string;
  /** Words every shown job contains in its name, description or category. */
  declare search: string;

  static override styles = [
    sharedStyles,
    css`
      tr.group td { background: #f6f8fa; font-weight: 600; color: var(--_muted); }
      td.actions { white-space: nowrap; display: flex; gap: 6px; }
      /* A long job name wraps inside its cell instead of widening the page past its buttons. */
      .name { font-weight: 600; background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-align: left; overflow-wrap: anywhere; }
      td:first-child { max-width: 40vw; overflow-wrap: anywhere; }
      .desc { display: block; font-size: 12px; color: var(--_muted); overflow-wrap: anywhere; }
      /* Phone width: each job is a card of labelled lines, its actions always on screen. */
      @media (max-width: 700px) {
        thead { display: none; }
        table, tbody, tr, td { display: block; width: 100%; }
        tr[data-job] { border-bottom: 2px solid var(--_line); padding: 6px 0; }
        tr.group td { width: 100%; }
        tr[data-job] td { border: none; padding: 2px 4px; max-width: none; }
        tr[data-job] td:not(:first-child):not(.actions)::before { content: attr(data-label) ': '; color: var(--_muted); font-size: 12px; }
        td.actions { flex-wrap: wrap; }
        .toolbar label.inline { flex-wrap: wrap; }
      }
      .link { background: none; border: none; padding: 0; cursor: pointer; }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e: GatewayEvent) => {
      if (RUN_EVENTS.has(e.event)) this.gateway.reloadSoon(() => void this.load());
    },
  });
  private readonly clock = new ClockController(this, 1000);

  constructor() {
    super();
    this.gatewayUrl = '';
    this.category = '';
    this.state = 'all';
    this.jobs = [];
    this.running = [];
    this.busy = '';
    this.notice = '';
    this.search = '';
  }

  /** Reloads the jobs and the running runs. */
  async load(): Promise<void> {
    const [jobs, running] = await Promise.all([
      this.gateway.run((c) => c.read<JobRow[]>('list_jobs')),
      this.gateway.run((c) => c.read<RunningRow[]>('list_running')),
    ]);
    if (jobs) this.jobs = jobs;
    if (running) this.running = running;
  }

  private runningOf(job: string): RunningRow | undefined {
    return this.running.find((r) => r.job === job && r.state === 'running') ?? this.running.find((r) => r.job === job);
  }

  private async start(job: JobRow): Promise<void> {
    this.busy = job.name;
    // A notice of an earlier action must not stand next to this action's error.
    this.notice = '';
    this.gateway.clearError();
    const runId = await this.gateway.run((c) => c.call<number>('start_job', { job: job.name }));
    this.busy = '';
    if (runId !== undefined) {
      this.notice = `Started “${job.name}”: run ${runId}.`;
      emit(this, 'pga-job-start', { name: job.name, runId });
      await this.load();
    }
  }

  private async kill(run: RunningRow): Promise<void> {
    // A kill cannot be undone: ask first (the SSMS "Stop job" and pgAdmin both do).
    if (!confirm(`Kill run ${run.id} of “${run.job}”? Its running step is stopped and the run ends as killed.`)) return;
    this.busy = run.job;
    this.notice = '';
    this.gateway.clearError();
    const outcome = await this.gateway.run((c) => c.call<string>('kill_run', { run_id: run.id }));
    this.busy = '';
    if (outcome !== undefined) {
      this.notice = outcome === 'cancelled' ? `Run ${run.id} of “${run.job}” was cancelled before it started.` : `Kill requested for run ${run.id} of “${run.job}”.`;
      emit(this, 'pga-run-kill', { runId: run.id });
      await this.load();
    }
  }

  private async toggle(job: JobRow): Promise<void> {
    this.busy = job.name;
    this.notice = '';
    this.gateway.clearError();
    const done = await this.gateway.run((c) => c.call(job.enabled ? 'disable_job' : 'enable_job', { name: job.name }).then(() => true));
    this.busy = '';
    if (done) {
      emit(this, 'pga-job-toggle', { name: job.name, enabled: !job.enabled });
      await this.load();
    }
  }

  private visible(): JobRow[] {
    const words = this.search.toLowerCase().split(/\s+/).filter(Boolean);
    return this.jobs.filter((j) => {
      if (this.category && (j.category ?? '') !== this.category) return false;
      const haystack = `${j.name} ${j.description ?? ''} ${j.category ?? ''}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
      switch (this.state) {
        case 'enabled':
          return j.enabled;
        case 'disabled':
          return !j.enabled;
        case 'running':
          return Boolean(this.runningOf(j.name));
        case 'failed':
          return ['failed', 'timed_out', 'abandoned', 'killed'].includes(j.last_run_state ?? '');
        default:
          return true;
      }
    });
  }

  private renderRow(job: JobRow) {
    const run = this.runningOf(job.name);
    const operator = this.gateway.can('pgautomator_operator');
    const busy = this.busy === job.name;
    return html`<tr data-job=${job.name}>
      <td data-label="Job"><button class="name" @click=${() => emit(this, 'pga-job-open', { name: job.name })} aria-label="Edit job ${job.name}">${job.name}</button>
        ${job.description ? html`<span class="desc">${job.description}</span>` : nothing}</td>
      <td data-label="Enabled">${job.enabled ? html`<span>enabled</span>` : html`<span class="muted" title=${job.paused_reason ?? ''}>disabled</span>`}</td>
      <td data-label="Now">${run
        ? html`<pga-state-badge state=${run.kill_requested_at ? 'killed' : run.state}></pga-state-badge>
            <span class="muted">${run.state === 'running' ? `${formatDuration(durationBetween(run.started_at, null, this.clock.now))}${run.step ? ` · ${run.step}` : ''}${run.kill_requested_at ? ' · kill requested' : ''}` : 'waiting for an agent'}</span>`
        : html`<span class="muted">idle</span>`}</td>
      <td data-label="Last run">${job.last_run_state
        ? html`<button class="link" @click=${() => emit(this, 'pga-run-open', { runId: job.last_run_id! })} aria-label="Last run of ${job.name}: ${(job.last_run_state ?? '').replace(/_/g, ' ')}"><pga-state-badge state=${job.last_run_state}></pga-state-badge></button>
            <span class="muted" title=${formatInstant(job.last_run_finished_at)}>${formatRelative(job.last_run_finished_at, this.clock.now)}</span>`
        : html`<span class="muted">never</span>`}</td>
      <td data-col="next" data-label="Next run" title=${formatInstant(job.next_run_at)}>${job.next_run_at ? formatRelative(job.next_run_at, this.clock.now) : html`<span class="muted">—</span>`}</td>
      <td class="actions">
        <button class="primary" ?disabled=${!operator || busy} @click=${() => this.start(job)} aria-label="Start ${job.name} now">Start</button>
        ${run ? html`<button class="danger" ?disabled=${!operator || busy || Boolean(run.kill_requested_at)} @click=${() => this.kill(run)} aria-label="Kill run ${run.id} of ${job.name}">Kill</button>` : nothing}
        <button ?disabled=${!operator || busy} @click=${() => this.toggle(job)} aria-label="${job.enabled ? 'Disable' : 'Enable'} ${job.name}">${job.enabled ? 'Disable' : 'Enable'}</button>
      </td>
    </tr>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const categories = [...new Set(this.jobs.map((j) => j.category ?? ''))].sort();
    const rows = this.visible();
    const groups = new Map<string, JobRow[]>();
    for (const job of rows) groups.set(job.category ?? '', [...(groups.get(job.category ?? '') ?? []), job]);
    return html`<div class="toolbar">
        <h2 style="margin:0">Jobs</h2>
        <label class="inline">Search<input type="search" aria-label="Search jobs" placeholder="name, description, category" .value=${this.search} @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)} /></label>
        <label class="inline">Category<select aria-label="Category" .value=${this.category} @change=${(e: Event) => (this.category = (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>${categories.filter((c) => c).map((c) => html`<option value=${c} ?selected=${c === this.category}>${c}</option>`)}</select></label>
        <label class="inline">State<select aria-label="State" .value=${this.state} @change=${(e: Event) => (this.state = (e.target as HTMLSelectElement).value as StateFilter)}>
          ${STATE_FILTERS.map((s) => html`<option value=${s} ?selected=${s === this.state}>${s}</option>`)}</select></label>
        <span class="spacer"></span>
        <button @click=${() => void this.load()}>Refresh</button>
        ${this.gateway.can('pgautomator_admin') ? html`<button class="primary" @click=${() => emit(this, 'pga-job-open', { name: null })}>New job</button>` : nothing}
        <slot name="toolbar"></slot>
      </div>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      <table part="table" aria-label="Jobs">
        <thead><tr><th>Job</th><th>Enabled</th><th>Now</th><th>Last run</th><th>Next run</th><th>Actions</th></tr></thead>
        <tbody>
          ${rows.length === 0 ? html`<tr><td colspan="6" class="muted">No jobs${this.jobs.length ? ' match the filter' : ' yet'}.</td></tr>` : nothing}
          ${[...groups.entries()].map(([category, jobs]) => html`<tr class="group"><td colspan="6">${category || 'No category'}</td></tr>${jobs.map((j) => this.renderRow(j))}`)}
        </tbody>
      </table>`;
  }
}
define('pga-jobs', PgaJobs);

declare global {
  interface HTMLElementTagNameMap {
    'pga-jobs': PgaJobs;
  }
}

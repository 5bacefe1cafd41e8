import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { placeFieldError, type FormFields } from '../../form-errors.ts';
import { durationBetween, formatDuration, formatInstant, formatRelative } from '../../time-format.ts';
import '../pga-state-badge/pga-state-badge.ts';
import { durationWords, sparkline, successWords } from './job-figures.ts';

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
  /** Intervals in PostgreSQL's text form. */
  last_duration: string | null;
  avg_duration: string | null;
  /** Seconds, oldest first: the last 20 runs that started and ended. */
  recent_durations: number[];
  success_rate: number | null;
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
/** Actions on the selected jobs, and the API function each calls per job. */
const BULK = { enable: 'enable_job', disable: 'disable_job', start: 'start_job' } as const;
type BulkAction = keyof typeof BULK;
const COPY_FIELDS: FormFields = { new_name: { control: 'copy_name', label: 'Name of the copy' } };

/**
 * The jobs, by category, with their state, last and next run, last and average duration with the
 * trend of the last runs, success rate, and the actions an operator needs: start now, kill the
 * running run, enable/disable, for one job or for the selected ones; an admin copies a job.
 * Live: refreshes on run events.
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
 * @fires pga-jobs-filter - {search, category, state} when the user changes a filter (the console keeps them in the URL)
 * @fires pga-job-copy - {name, newName} after a job was copied
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
    selected: { state: true },
    copying: { state: true },
    fieldErrors: { state: true },
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
  /** Names of the jobs ticked for a bulk action. */
  declare selected: ReadonlySet<string>;
  /** The job whose "Copy" form is open, or ''. */
  declare copying: string;
  declare fieldErrors: Record<string, string>;

  static override styles = [
    sharedStyles,
    css`
      tr.group td { background: #f6f8fa; font-weight: 600; color: var(--_muted); }
      td.actions { white-space: nowrap; display: flex; gap: 6px; }
      /* A long job name wraps inside its cell instead of widening the page past its buttons. */
      .name { font-weight: 600; background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-align: left; overflow-wrap: anywhere; }
      td[data-label='Job'] { max-width: 40vw; overflow-wrap: anywhere; }
      .desc { display: block; font-size: 12px; color: var(--_muted); overflow-wrap: anywhere; }
      /* Phone width: each job is a card of labelled lines, its actions always on screen. */
      @media (max-width: 700px) {
        thead { display: none; }
        table, tbody, tr, td { display: block; width: 100%; }
        tr[data-job] { border-bottom: 2px solid var(--_line); padding: 6px 0; }
        tr.group td { width: 100%; }
        tr[data-job] td { border: none; padding: 2px 4px; max-width: none; }
        tr[data-job] td[data-label]:not([data-label='Job'])::before { content: attr(data-label) ': '; color: var(--_muted); font-size: 12px; }
        td.actions { flex-wrap: wrap; }
        .toolbar label.inline { flex-wrap: wrap; }
      }
      .link { background: none; border: none; padding: 0; cursor: pointer; }
      td.pick, th.pick { width: 28px; }
      .spark { vertical-align: middle; color: var(--_accent); margin-left: 4px; }
      .bulk { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 8px; margin-bottom: 8px; border: 1px solid var(--_accent); border-radius: 6px; background: #eef4ff; }
      form.copy { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin-bottom: 8px; }
      form.copy input { min-width: min(320px, 80vw); }
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
    this.selected = new Set();
    this.copying = '';
    this.fieldErrors = {};
  }

  /** A filter changed by the user: shown at once, and announced so the console can keep it in the URL. */
  private setFilter(change: Partial<{ search: string; category: string; state: StateFilter }>): void {
    Object.assign(this, change);
    emit(this, 'pga-jobs-filter', { search: this.search, category: this.category, state: this.state === 'all' ? '' : this.state });
  }

  /** Reloads the jobs and the running runs. */
  async load(): Promise<void> {
    // Only the latest reload's answers are shown (GatewayController.latest).
    const answer = await this.gateway.latest('jobs', () =>
      Promise.all([this.gateway.run((c) => c.read<JobRow[]>('list_jobs')), this.gateway.run((c) => c.read<RunningRow[]>('list_running'))]),
    );
    if (!answer) return;
    const [jobs, running] = answer;
    if (jobs) {
      this.jobs = jobs;
      // A selected job deleted meanwhile is no longer selected.
      const names = new Set(jobs.map((j) => j.name));
      if ([...this.selected].some((n) => !names.has(n))) this.selected = new Set([...this.selected].filter((n) => names.has(n)));
    }
    if (running) this.running = running;
  }

  private toggleSelected(names: string[], on: boolean): void {
    const next = new Set(this.selected);
    for (const n of names) on ? next.add(n) : next.delete(n);
    this.selected = next;
  }

  /**
   * Enable, disable or start each selected job: one call per job, as the single buttons make, so
   * one job that refuses (a run already active under overlap skip) does not stop the others; the
   * notice says which did what.
   */
  private async bulk(action: BulkAction): Promise<void> {
    const names = this.jobs.filter((j) => this.selected.has(j.name)).map((j) => j.name);
    if (names.length === 0) return;
    // Starting many jobs at once is a load someone should mean.
    if (action === 'start' && names.length > 1 && !confirm(`Start ${names.length} jobs now? ${names.join(', ')}`)) return;
    this.busy = '*';
    this.notice = '';
    this.gateway.clearError();
    const failed: string[] = [];
    for (const name of names) {
      const args = action === 'start' ? { job: name } : { name };
      const ok = await this.gateway.run((c) => c.call(BULK[action], args).then(() => true));
      if (!ok) failed.push(`${name}: ${this.gateway.error?.message ?? 'failed'}`);
    }
    this.gateway.clearError();
    this.busy = '';
    const done = names.length - failed.length;
    const verb = { enable: 'Enabled', disable: 'Disabled', start: 'Started' }[action];
    this.notice = `${verb} ${done} of ${names.length} job${names.length === 1 ? '' : 's'}.${failed.length ? ` Not done: ${failed.join('; ')}` : ''}`;
    if (failed.length === 0) this.selected = new Set();
    await this.load();
  }

  private async copy(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const source = this.copying;
    const newName = new FormData(event.target as HTMLFormElement).get('copy_name')?.toString() ?? '';
    this.notice = '';
    this.fieldErrors = {};
    this.gateway.clearError();
    const id = await this.gateway.run((c) => c.call<number>('copy_job', { name: source, new_name: newName }));
    if (id === undefined) {
      // The database names new_name: say it under the field, in the form's words.
      await placeFieldError(this, this.gateway, COPY_FIELDS);
      return;
    }
    this.copying = '';
    this.notice = `Copied “${source}” to “${newName}”, with its steps, schedules and mail settings.`;
    emit(this, 'pga-job-copy', { name: source, newName });
    await this.load();
  }

  private renderCopyForm() {
    const error = this.fieldErrors.copy_name;
    return html`<form class="copy" aria-label="Copy job ${this.copying}" @submit=${(e: SubmitEvent) => void this.copy(e)}>
      <span><label>Name of the copy of “${this.copying}”<input name="copy_name" required maxlength="200" .value=${`${this.copying}-copy`}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby="err-copy_name" /></label>
        ${error ? html`<span class="field-error" id="err-copy_name" role="alert">${error}</span>` : nothing}</span>
      <button class="primary" type="submit">Copy</button>
      <button type="button" @click=${() => ((this.copying = ''), (this.fieldErrors = {}))}>Cancel</button>
    </form>`;
  }

  private renderBulkBar(rows: JobRow[]) {
    const count = this.selected.size;
    if (count === 0) return nothing;
    const operator = this.gateway.can('pgautomator_operator');
    const busy = this.busy !== '';
    const hidden = [...this.selected].filter((n) => !rows.some((r) => r.name === n)).length;
    return html`<div class="bulk" role="region" aria-label="Selected jobs">
      <span><strong>${count}</strong> selected${hidden ? html` <span class="muted">(${hidden} not shown by the filter)</span>` : nothing}</span>
      <button ?disabled=${!operator || busy} @click=${() => void this.bulk('enable')}>Enable selected</button>
      <button ?disabled=${!operator || busy} @click=${() => void this.bulk('disable')}>Disable selected</button>
      <button class="primary" ?disabled=${!operator || busy} @click=${() => void this.bulk('start')}>Start selected</button>
      <button ?disabled=${busy} @click=${() => (this.selected = new Set())}>Clear selection</button>
    </div>`;
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
    const busy = this.busy === job.name || this.busy === '*';
    const figures = `${job.recent_durations.length} run${job.recent_durations.length === 1 ? '' : 's'}`;
    return html`<tr data-job=${job.name}>
      <td class="pick"><input type="checkbox" aria-label="Select ${job.name}" .checked=${this.selected.has(job.name)}
        @change=${(e: Event) => this.toggleSelected([job.name], (e.target as HTMLInputElement).checked)} /></td>
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
      <td data-col="duration" data-label="Duration" title="last run (average of the last ${figures})">${durationWords(job.last_duration, job.avg_duration)}${sparkline(job.recent_durations)}</td>
      <td data-col="success" data-label="Success" title="of the last ${figures} with an outcome">${successWords(job.success_rate)}</td>
      <td data-col="next" data-label="Next run" title=${formatInstant(job.next_run_at)}>${job.next_run_at ? formatRelative(job.next_run_at, this.clock.now) : html`<span class="muted">—</span>`}</td>
      <td class="actions">
        <button class="primary" ?disabled=${!operator || busy} @click=${() => this.start(job)} aria-label="Start ${job.name} now">Start</button>
        ${run ? html`<button class="danger" ?disabled=${!operator || busy || Boolean(run.kill_requested_at)} @click=${() => this.kill(run)} aria-label="Kill run ${run.id} of ${job.name}">Kill</button>` : nothing}
        <button ?disabled=${!operator || busy} @click=${() => this.toggle(job)} aria-label="${job.enabled ? 'Disable' : 'Enable'} ${job.name}">${job.enabled ? 'Disable' : 'Enable'}</button>
        ${this.gateway.can('pgautomator_admin') ? html`<button @click=${() => ((this.copying = job.name), (this.fieldErrors = {}))} aria-label="Copy ${job.name}">Copy</button>` : nothing}
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
        <label class="inline">Search<input type="search" aria-label="Search jobs" placeholder="name, description, category" .value=${this.search} @input=${(e: Event) => this.setFilter({ search: (e.target as HTMLInputElement).value })} /></label>
        <label class="inline">Category<select aria-label="Category" .value=${this.category} @change=${(e: Event) => this.setFilter({ category: (e.target as HTMLSelectElement).value })}>
          <option value="">all</option>${categories.filter((c) => c).map((c) => html`<option value=${c} ?selected=${c === this.category}>${c}</option>`)}</select></label>
        <label class="inline">State<select aria-label="State" .value=${this.state} @change=${(e: Event) => this.setFilter({ state: (e.target as HTMLSelectElement).value as StateFilter })}>
          ${STATE_FILTERS.map((s) => html`<option value=${s} ?selected=${s === this.state}>${s}</option>`)}</select></label>
        <span class="spacer"></span>
        <button @click=${() => void this.load()}>Refresh</button>
        ${this.gateway.can('pgautomator_admin') ? html`<button class="primary" @click=${() => emit(this, 'pga-job-open', { name: null })}>New job</button>` : nothing}
        <slot name="toolbar"></slot>
      </div>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${this.copying ? this.renderCopyForm() : nothing}
      ${this.renderBulkBar(rows)}
      <table part="table" aria-label="Jobs">
        <thead><tr><th class="pick"><input type="checkbox" aria-label="Select all shown jobs" ?disabled=${rows.length === 0}
          .checked=${rows.length > 0 && rows.every((r) => this.selected.has(r.name))}
          @change=${(e: Event) => this.toggleSelected(rows.map((r) => r.name), (e.target as HTMLInputElement).checked)} /></th>
          <th>Job</th><th>Enabled</th><th>Now</th><th>Last run</th><th>Duration</th><th>Success</th><th>Next run</th><th>Actions</th></tr></thead>
        <tbody>
          ${rows.length === 0 ? html`<tr><td colspan="9" class="muted">No jobs${this.jobs.length ? ' match the filter' : ' yet'}.</td></tr>` : nothing}
          ${[...groups.entries()].map(([category, jobs]) => html`<tr class="group"><td colspan="9">${category || 'No category'}</td></tr>${jobs.map((j) => this.renderRow(j))}`)}
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

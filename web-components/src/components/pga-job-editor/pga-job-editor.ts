import { html, LitElement, nothing } from 'lit';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { GatewayError } from '../../api/client.ts';
import { formHint, placeFieldError, type FormFields } from '../../form-errors.ts';
import { formatInstant } from '../../time-format.ts';
import '../pga-job-script/pga-job-script.ts';
import '../pga-step-list/pga-step-list.ts';
import type { StepItem } from '../pga-step-list/pga-step-list.ts';
import { EMAIL_EVENTS, EMAIL_FIELDS, JOB_FIELDS, STEP_FIELDS, emptyJob, emptyStep, FLOW, jobArgs, jobToDraft, MISFIRE, OVERLAP, SHELLS, splitList, stepArgs, stepToDraft, type EmailDraft, type JobDraft, type StepDraft } from './job-drafts.ts';
import { JobDependencies, type AlertRule, type TriggerLink } from './job-dependencies.ts';
import { jobEditorStyles } from './pga-job-editor.styles.ts';

interface AttachedSchedule {
  name: string;
  type: string;
  enabled: boolean;
  time_zone: string;
  next_fire_at: string | null;
}

interface JobDoc {
  job: Record<string, unknown>;
  steps: StepItem[];
  schedules: AttachedSchedule[];
  email: { on: string[]; to: string[]; from: string | null; subject: string | null; body: string | null };
  triggers: { after: TriggerLink[]; starts: TriggerLink[] };
  alert_rules: AlertRule[];
}

/**
 * Creates or edits a job: its properties, its ordered steps (add, edit, reorder, delete; shell or
 * SQL on a named connection), the schedules attached to it, its mail settings, the jobs it runs
 * after (and those that run after it), and its freshness and duration alert rules.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr job - name of the job to edit; empty for a new job
 * @fires pga-job-save - {name} after the job's properties were saved
 * @fires pga-job-delete - {name} after the job was deleted
 * @fires pga-schedule-open - {name} to open an attached schedule
 * @fires pga-job-open - {name} to open a job it runs after or that runs after it
 * @csspart properties - the properties section
 * @csspart steps - the steps section
 * @csspart schedules - the schedules section
 * @csspart email - the mail section
 * @csspart triggers - the "Runs after" section
 * @csspart alerts - the alert rules section
 */
export class PgaJobEditor extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    job: { type: String },
    draft: { state: true },
    steps: { state: true },
    stepDraft: { state: true },
    attached: { state: true },
    email: { state: true },
    options: { state: true },
    notice: { state: true },
    fieldErrors: { state: true },
    attachChoice: { state: true },
    loadingJob: { state: true },
  };
  declare gatewayUrl: string;
  declare job: string;
  declare draft: JobDraft;
  declare steps: StepItem[];
  declare stepDraft: StepDraft | null;
  declare attached: AttachedSchedule[];
  declare email: EmailDraft;
  declare options: { categories: string[]; agents: string[]; connections: string[]; schedules: string[] };
  declare notice: string;
  /** Messages shown under their control (by control name), from the database's `field`. */
  declare fieldErrors: Record<string, string>;
  declare attachChoice: string;
  /** The job being switched to has not arrived yet: its forms are disabled, so nothing typed into
   * them can be saved onto it with another job's values (or lost when its values arrive). */
  declare loadingJob: boolean;

  static override styles = [sharedStyles, jobEditorStyles];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e) => {
      if (e.event === 'schedule_changed' && this.job) this.gateway.reloadSoon(() => void this.load());
    },
  });
  private loadedFor: string | undefined;
  // Unsaved edits survive background reloads (a schedule_changed event, a resync): a reload
  // replaces a form only when the person has not typed into it since it was last saved or loaded.
  private draftDirty = false;
  private emailDirty = false;
  // "Runs after" and "Alerts": their state and calls, through this editor's act() and error places.
  private readonly dependencies = new JobDependencies(this, {
    job: () => this.job,
    act: (what, work, fields) => this.act(what, work, fields),
    call: (fn, args) => this.gateway.client.call(fn, args),
    admin: () => this.gateway.can('pgautomator_admin'),
    loading: () => this.loadingJob,
    invalid: (control) => this.invalid(control),
    errorFor: (control) => this.errorFor(control),
    openJob: (name) => emit(this, 'pga-job-open', { name }),
  });

  constructor() {
    super();
    this.gatewayUrl = '';
    this.job = '';
    this.draft = emptyJob();
    this.steps = [];
    this.stepDraft = null;
    this.attached = [];
    this.email = { on: [], to: '', from: '', subject: '', body: '' };
    this.options = { categories: [], agents: [], connections: [], schedules: [] };
    this.notice = '';
    this.fieldErrors = {};
    this.attachChoice = '';
    this.loadingJob = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('job') && this.gateway.session && this.loadedFor !== this.job) void this.load();
  }

  /** Reloads the job (when editing one) and the choices of its selects. */
  async load(): Promise<void> {
    // A new job's form is reset only when switching to it (not when a resync reloads the choices).
    const switching = this.loadedFor !== this.job;
    this.loadedFor = this.job;
    const job = this.job;
    if (switching) {
      // Nothing of the previous job (or of the new-job form) may stay on screen under this one's title.
      this.draftDirty = false;
      this.emailDirty = false;
      this.draft = emptyJob();
      this.email = { on: [], to: '', from: '', subject: '', body: '' };
      this.steps = [];
      this.attached = [];
      this.stepDraft = null;
      this.fieldErrors = {};
      this.notice = '';
      this.attachChoice = '';
      this.dependencies.reset();
      this.loadingJob = Boolean(job);
    }
    const names = (rows: Array<{ name: string }> | undefined) => (rows ?? []).map((r) => r.name);
    // Only the latest load's answers are shown (GatewayController.latest): loads overlap (a
    // schedule_changed reload, the reload after a save), and an older answer arriving last would
    // put back steps or schedules the newer one had replaced.
    const choices = await this.gateway.latest('choices', () =>
      Promise.all([
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_categories')),
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_agents')),
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_connections')),
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_schedules')),
      ]),
    );
    if (choices) {
      const [categories, agents, connections, schedules] = choices;
      this.options = { categories: names(categories), agents: names(agents), connections: names(connections), schedules: names(schedules) };
    }
    if (!job) return;
    // The other jobs (choices of "Runs after job") only matter for an existing job: read beside it.
    const answer = await this.gateway.latest('job', () =>
      Promise.all([
        this.gateway.run((c) => c.read<JobDoc>('get_job', { name: job })),
        this.gateway.run((c) => c.read<Array<{ name: string }>>('list_jobs')),
      ]),
    );
    // A reply for a job the editor has since left is dropped (the newer load fills the form), as
    // is one a newer load of the same job overtook.
    if (this.loadedFor !== job || !answer) return;
    const [doc, jobs] = answer;
    this.loadingJob = false;
    if (!doc) return;
    if (!this.draftDirty) this.draft = jobToDraft(doc.job);
    this.steps = doc.steps;
    this.attached = doc.schedules;
    if (!this.emailDirty) this.email = { on: doc.email.on ?? [], to: (doc.email.to ?? []).join(', '), from: doc.email.from ?? '', subject: doc.email.subject ?? '', body: doc.email.body ?? '' };
    this.dependencies.loaded(doc, names(jobs));
  }

  /** Runs a change, reloads the job, then says what was done (so the notice never precedes the view). */
  private async act(what: string, work: () => Promise<unknown>, fields?: FormFields): Promise<boolean> {
    this.gateway.clearError();
    this.notice = '';
    this.fieldErrors = {};
    const done = await this.gateway.run(async () => {
      await work();
      return true;
    });
    if (!done) {
      // An error the database tied to one of this form's fields goes under that field (and the
      // field gets focus, which scrolls it into view); others stay in the banner.
      if (fields) await placeFieldError(this, this.gateway, fields);
      return false;
    }
    await this.load();
    this.notice = what;
    return true;
  }

  private async saveJob(event: Event): Promise<void> {
    event.preventDefault();
    const existing = this.job || null;
    const name = this.draft.name.trim();
    this.draftDirty = false;
    const category = this.draft.category.trim();
    const ok = await this.act(
      `Saved job “${name}”.`,
      async () => {
        // A category typed that does not exist yet is created in the same transaction as the job
        // (one batch): a job that fails to save leaves no category behind.
        const calls = [];
        if (category && !this.options.categories.includes(category)) calls.push({ fn: 'create_category', args: { name: category } });
        calls.push({ fn: existing ? 'update_job' : 'create_job', args: jobArgs({ ...this.draft, category }, existing) });
        await this.gateway.client.batch(calls);
        this.job = name;
        this.loadedFor = name;
      },
      JOB_FIELDS,
    );
    if (ok) emit(this, 'pga-job-save', { name });
  }

  /** Starts the job now at the chosen step (start_job's at_step), as SQL Server Agent's "Start job at step". */
  private async startAtStep(event: Event): Promise<void> {
    event.preventDefault();
    const step = String(new FormData(event.target as HTMLFormElement).get('at_step') ?? '');
    let runId: unknown;
    const ok = await this.act(`Started “${this.job}”${step ? ` at step “${step}”` : ''}.`, async () => {
      runId = await this.gateway.client.call('start_job', { job: this.job, at_step: step || undefined });
    });
    if (ok) {
      this.notice = `Started “${this.job}”${step ? ` at step “${step}”` : ''}: run ${String(runId)}.`;
      emit(this, 'pga-job-start', { name: this.job, runId: Number(runId) });
    }
  }

  private async deleteJob(): Promise<void> {
    if (!confirm(`Delete job “${this.job}” and its history?`)) return;
    const name = this.job;
    const ok = await this.act(`Deleted job “${name}”.`, async () => {
      await this.gateway.client.call('delete_job', { name });
      this.job = '';
    });
    if (ok) emit(this, 'pga-job-delete', { name });
  }

  private async saveStep(event: Event): Promise<void> {
    event.preventDefault();
    const d = this.stepDraft!;
    const ok = await this.act(`Saved step “${d.name}”.`, () => this.gateway.client.call(d.original ? 'update_step' : 'add_step', stepArgs(this.job, d)), STEP_FIELDS);
    if (ok) {
      this.stepDraft = null;
      // The form is gone: keep the keyboard where it was (on "Add step"), not on the page body.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('button[data-action="add-step"]')?.focus();
    }
  }

  private async onStepAction(e: CustomEvent<{ action: 'edit' | 'delete' | 'up' | 'down'; index: number; name: string }>): Promise<void> {
    // By name, not index: the list may have been re-read between the click and now.
    const step = this.steps.find((s) => s.name === e.detail.name);
    if (!step) return;
    if (e.detail.action === 'edit') this.stepDraft = stepToDraft(step);
    else if (e.detail.action === 'delete') {
      if (confirm(`Delete step “${step.name}”?`)) await this.act(`Deleted step “${step.name}”.`, () => this.gateway.client.call('remove_step', { job: this.job, step: step.name }));
    } else {
      const position = step.position + (e.detail.action === 'up' ? -1 : 1);
      await this.act(`Moved step “${step.name}” to ${position}.`, () => this.gateway.client.call('move_step', { job: this.job, step: step.name, position }));
    }
  }

  private async attach(event: Event): Promise<void> {
    event.preventDefault();
    const schedule = this.attachChoice;
    if (schedule && (await this.act(`Attached schedule “${schedule}”.`, () => this.gateway.client.call('attach_schedule', { job: this.job, schedule })))) this.attachChoice = '';
  }

  private async detach(schedule: string): Promise<void> {
    await this.act(`Detached schedule “${schedule}”.`, () => this.gateway.client.call('detach_schedule', { job: this.job, schedule }));
  }

  private async saveEmail(event: Event): Promise<void> {
    event.preventDefault();
    const e = this.email;
    this.emailDirty = false;
    await this.act('Saved mail settings.', () =>
      this.gateway.client.call('set_job_email', { job: this.job, on: e.on, to: splitList(e.to), from: e.from || null, subject: e.subject || null, body: e.body || null }),
      EMAIL_FIELDS,
    );
  }

  private field<K extends keyof JobDraft>(key: K, label: string, placeholder = '') {
    return html`<span class="field"><label>${label}<input name=${key} placeholder=${placeholder} .value=${String(this.draft[key])} aria-invalid=${this.invalid(key)} aria-describedby="err-${key}" @input=${(e: Event) => (this.draft = { ...this.draft, [key]: (e.target as HTMLInputElement).value })} /></label>${this.errorFor(key)}</span>`;
  }

  private invalid(control: string): 'true' | 'false' {
    return this.fieldErrors[control] ? 'true' : 'false';
  }

  /** The message under a control (role=alert so a screen reader hears it at once). */
  private errorFor(control: string) {
    const message = this.fieldErrors[control];
    return message ? html`<span class="field-error" id="err-${control}" role="alert">${message}</span>` : nothing;
  }

  /** A text input of a sub-form (step, mail) with its error under it. */
  private input(name: string, label: string, value: string, onInput: (v: string) => void, extra: { placeholder?: string; type?: string; required?: boolean } = {}) {
    return html`<span class="field"><label>${label}<input name=${name} type=${extra.type ?? 'text'} placeholder=${extra.placeholder ?? ''} ?required=${extra.required} .value=${value}
      aria-invalid=${this.invalid(name)} aria-describedby="err-${name}" @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)} /></label>${this.errorFor(name)}</span>`;
  }

  private select(value: string, choices: readonly string[], onChange: (v: string) => void, label: string, name: string, emptyLabel?: string) {
    return html`<label>${label}<select name=${name} aria-label=${label} .value=${value} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${emptyLabel !== undefined ? html`<option value="" ?selected=${value === ''}>${emptyLabel}</option>` : nothing}
      ${choices.filter((c) => c !== '').map((c) => html`<option value=${c} ?selected=${c === value}>${c.replace(/_/g, ' ')}</option>`)}</select></label>`;
  }

  private renderStepForm() {
    const d = this.stepDraft;
    if (!d) return html`<button data-action="add-step" @click=${() => (this.stepDraft = emptyStep())} ?disabled=${!this.job}>Add step</button>`;
    const set = (patch: Partial<StepDraft>) => (this.stepDraft = { ...d, ...patch });
    const others = this.steps.map((s) => s.name).filter((n) => n !== d.original);
    return html`<form class="step-form" @submit=${this.saveStep} aria-label="Step">
      <h3>${d.original ? `Edit step “${d.original}”` : 'New step'}</h3>
      <div class="grid">
        ${this.input('step_name', 'Step name', d.name, (v) => set({ name: v }), { required: true })}
        ${this.select(d.kind, ['shell', 'sql'], (v) => set({ kind: v as 'shell' | 'sql' }), 'Kind', 'kind')}
        ${d.kind === 'shell'
          ? this.select(d.shell, SHELLS, (v) => set({ shell: v }), 'Shell', 'shell', "agent's default")
          : this.select(d.connection, this.options.connections, (v) => set({ connection: v }), 'Connection', 'connection', 'choose…')}
        ${this.input('step_timeout', 'Timeout', d.timeout, (v) => set({ timeout: v }), { placeholder: 'e.g. 10 minutes' })}
        ${this.input('retries', 'Retries', d.retries, (v) => set({ retries: v }), { type: 'number' })}
        ${this.input('retry_delay', 'Retry delay', d.retry_delay, (v) => set({ retry_delay: v }), { placeholder: 'e.g. 30 seconds' })}
        ${this.select(d.on_success, FLOW, (v) => set({ on_success: v }), 'On success', 'on_success')}
        ${d.on_success === 'goto' ? this.select(d.on_success_goto, others, (v) => set({ on_success_goto: v }), 'Go to step', 'on_success_goto', 'choose…') : nothing}
        ${this.select(d.on_failure, FLOW, (v) => set({ on_failure: v }), 'On failure', 'on_failure')}
        ${d.on_failure === 'goto' ? this.select(d.on_failure_goto, others, (v) => set({ on_failure_goto: v }), 'Go to step', 'on_failure_goto', 'choose…') : nothing}
        <label class="inline"><input type="checkbox" name="step_enabled" .checked=${d.enabled} @change=${(e: Event) => set({ enabled: (e.target as HTMLInputElement).checked })} />Enabled</label>
      </div>
      <label>${d.kind === 'sql' ? 'SQL' : 'Command'}<textarea name="command" required .value=${d.command} aria-invalid=${this.invalid('command')} aria-describedby="err-command" @input=${(e: Event) => set({ command: (e.target as HTMLTextAreaElement).value })}></textarea></label>${this.errorFor('command')}
      <div class="toolbar" style="margin-top:8px">
        <button class="primary" type="submit">${d.original ? 'Save step' : 'Add this step'}</button>
        <button type="button" @click=${() => (this.stepDraft = null)}>Cancel</button>
      </div>
    </form>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const d = this.draft;
    const admin = this.gateway.can('pgautomator_admin');
    const unattached = this.options.schedules.filter((s) => !this.attached.some((a) => a.name === s));
    return html`
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}${this.gateway.error instanceof GatewayError && formHint(this.gateway.error, JOB_FIELDS) ? html`<br /><span class="muted">${formHint(this.gateway.error, JOB_FIELDS)}</span>` : nothing}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${admin ? nothing : html`<div class="banner info">Read only: changing jobs needs pgautomator_admin.</div>`}
      <section class="card" part="properties">
        <form @submit=${this.saveJob} @input=${() => (this.draftDirty = true)} @change=${() => (this.draftDirty = true)} aria-label="Job properties">
          <h2>${this.job ? `Job “${this.job}”` : 'New job'}</h2>
          <fieldset class="plain" ?disabled=${this.loadingJob} aria-busy=${this.loadingJob ? 'true' : 'false'}>
          <div class="grid">
            ${this.field('name', 'Name')}
            ${this.field('description', 'Description')}
            <span class="field"><label>Category<input name="category" list="pga-categories" .value=${d.category} aria-invalid=${this.invalid('category')} aria-describedby="err-category" @input=${(e: Event) => (this.draft = { ...d, category: (e.target as HTMLInputElement).value })} /></label>${this.errorFor('category')}</span>
            <datalist id="pga-categories">${this.options.categories.map((c) => html`<option value=${c}></option>`)}</datalist>
            ${this.select(d.agent, this.options.agents, (v) => (this.draft = { ...d, agent: v }), 'Agent', 'agent', 'any agent')}
            ${this.field('agent_tags', 'Agent tags (comma separated)', 'linux, db')}
            ${this.select(d.overlap, OVERLAP, (v) => (this.draft = { ...d, overlap: v }), 'When a run is still going', 'overlap')}
            ${this.select(d.misfire, MISFIRE, (v) => (this.draft = { ...d, misfire: v }), 'Missed fires', 'misfire')}
            ${this.field('misfire_grace', 'Misfire grace', '1 minute')} ${this.field('timeout', 'Job timeout', 'e.g. 1 hour')}
            <label class="inline"><input type="checkbox" name="enabled" .checked=${d.enabled} @change=${(e: Event) => (this.draft = { ...d, enabled: (e.target as HTMLInputElement).checked })} />Enabled</label>
          </div>
          <div class="toolbar">
            <button class="primary" type="submit" ?disabled=${!admin || !d.name.trim()}>${this.job ? 'Save job' : 'Create job'}</button>
            ${this.job && admin ? html`<button type="button" class="danger" @click=${this.deleteJob}>Delete job</button>` : nothing}
            ${this.job
              ? html`<span class="spacer"></span>
                  <a href="#runs?job=${encodeURIComponent(this.job)}">History of this job</a>
                  <pga-job-script gateway-url=${this.gatewayUrl} job=${this.job}></pga-job-script>`
              : nothing}
          </div>
          </fieldset>
        </form>
      </section>
      ${this.job
        ? html`<section class="card" part="steps"><h3>Steps</h3>
              <pga-step-list .steps=${this.steps} ?readonly=${!admin} @pga-step-action=${this.onStepAction}></pga-step-list>
              ${admin ? this.renderStepForm() : nothing}
              ${this.gateway.can('pgautomator_operator') && this.steps.length > 0
                ? html`<form class="row" style="margin-top:10px" aria-label="Start at a step" @submit=${this.startAtStep}>
                    <label>Start at step<select name="at_step" aria-label="Start at step">${this.steps.map((s) => html`<option value=${s.name}>${s.position}. ${s.name}</option>`)}</select></label>
                    <button type="submit">Start now at this step</button></form>`
                : nothing}
            </section>
            <section class="card" part="schedules"><h3>Schedules</h3>
              <ul class="attached">
                ${this.attached.length === 0 ? html`<li class="muted">No schedule: the job runs only when started by hand.</li>` : nothing}
                ${this.attached.map(
                  (s) => html`<li><button class="link" style="background:none;border:none;color:var(--_accent);cursor:pointer" @click=${() => emit(this, 'pga-schedule-open', { name: s.name })}>${s.name}</button>
                    <span class="muted">${s.type}, ${s.time_zone}${s.enabled ? '' : ', disabled'} · next ${formatInstant(s.next_fire_at, s.time_zone)}</span><span class="spacer"></span>
                    ${admin ? html`<button class="danger" @click=${() => this.detach(s.name)} aria-label="Detach schedule ${s.name}">Detach</button>` : nothing}</li>`,
                )}
              </ul>
              ${admin
                ? html`<form class="row" @submit=${this.attach} aria-label="Attach a schedule">
                    <label>Schedule<select name="schedule" aria-label="Schedule" .value=${this.attachChoice} @change=${(e: Event) => (this.attachChoice = (e.target as HTMLSelectElement).value)}>
                      <option value="" ?selected=${this.attachChoice === ''}>${unattached.length ? 'choose a schedule…' : 'no other schedule'}</option>
                      ${unattached.map((s) => html`<option value=${s} ?selected=${s === this.attachChoice}>${s}</option>`)}</select></label>
                    <button type="submit" ?disabled=${!this.attachChoice}>Attach</button></form>`
                : nothing}
            </section>
            <section class="card" part="email"><h3>Mail</h3>
              <form @submit=${this.saveEmail} @input=${() => (this.emailDirty = true)} @change=${() => (this.emailDirty = true)} aria-label="Mail settings">
                <fieldset class="plain" ?disabled=${this.loadingJob}>
                <div class="events">${EMAIL_EVENTS.map(
                  (ev) => html`<label class="inline"><input type="checkbox" name="email-${ev}" .checked=${this.email.on.includes(ev)}
                    @change=${(e: Event) => (this.email = { ...this.email, on: (e.target as HTMLInputElement).checked ? [...this.email.on, ev] : this.email.on.filter((x) => x !== ev) })} />mail on ${ev}</label>`,
                )}</div>
                <div class="grid">
                  ${this.input('email_to', 'To (operators or addresses, comma separated)', this.email.to, (v) => (this.email = { ...this.email, to: v }))}
                  ${this.input('email_from', 'From', this.email.from, (v) => (this.email = { ...this.email, from: v }))}
                  ${this.input('email_subject', 'Subject', this.email.subject, (v) => (this.email = { ...this.email, subject: v }), { placeholder: '{{job}} {{state}}' })}
                </div>
                <label>Body<textarea name="email_body" .value=${this.email.body} @input=${(e: Event) => (this.email = { ...this.email, body: (e.target as HTMLTextAreaElement).value })}></textarea></label>
                <div class="toolbar" style="margin-top:8px"><button type="submit" ?disabled=${!admin}>Save mail settings</button></div>
                </fieldset>
              </form>
            </section>
            ${this.dependencies.render()}`
        : html`<p class="muted">Create the job first; then add its steps, schedules, mail settings, triggers and alerts.</p>`}
    `;
  }
}
define('pga-job-editor', PgaJobEditor);

declare global {
  interface HTMLElementTagNameMap {
    'pga-job-editor': PgaJobEditor;
  }
}

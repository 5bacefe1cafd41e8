import { html, LitElement, nothing } from 'lit';
import { nextFires, ORDINALS, RELATIVE_WEEKDAYS, ScheduleSpecError, SCHEDULE_TYPES, SUB_DAY_UNITS, validateSchedule, WEEKDAY_NAMES } from '../../../../extension-src/engine/index.ts';
import { GatewayError } from '../../api/client.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { formatInstant, isValidTimeZone, wallClockIn } from '../../time-format.ts';
import '../pga-schedule-calendar/pga-schedule-calendar.ts';
import { readCronExpression } from './cron-reading.ts';
import { scheduleEditorStyles } from './pga-schedule-editor.styles.ts';
import { controlOfField, draftToSpec, emptyDraft, specToDraft, type ScheduleDraft } from './schedule-draft.ts';

const PREVIEW_COUNT = 10;
const CALENDAR_LIMIT = 1000;
const EVERY_UNIT: Record<string, string> = { daily: 'days', weekly: 'weeks', monthly: 'months', monthly_relative: 'months' };
const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

/**
 * Creates or edits a schedule: every field of the spec, validation as you type (by the schedule
 * engine itself, naming the field at fault), and a preview of the next fires computed in the
 * browser by the same engine the database uses, as a list and on a month calendar.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr schedule - name of the schedule to edit; empty for a new one
 * @prop spec - the spec being edited (read: what the form says now)
 * @fires pga-schedule-change - {spec, valid, field, message} on every edit
 * @fires pga-schedule-save - {name} after the database accepted the schedule
 * @fires pga-schedule-delete - {name} after the schedule was deleted
 * @fires pga-job-open - {name} to open a job that uses the schedule
 * @csspart form - the form
 * @csspart preview - the preview column (list and calendar)
 */
export class PgaScheduleEditor extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    schedule: { type: String },
    draft: { state: true },
    name: { state: true },
    description: { state: true },
    enabled: { state: true },
    calendarMonth: { state: true },
    saving: { state: true },
    saved: { state: true },
    serverError: { state: true },
    usedBy: { state: true },
  };
  declare gatewayUrl: string;
  declare schedule: string;
  declare draft: ScheduleDraft;
  declare name: string;
  declare description: string;
  declare enabled: boolean;
  declare calendarMonth: string;
  declare saving: boolean;
  declare saved: string;
  declare serverError: GatewayError | null;
  /** The jobs this schedule fires (get_schedule's jobs). */
  declare usedBy: Array<{ job: string; enabled: boolean; next_fire_at: string | null }>;

  static override styles = [sharedStyles, scheduleEditorStyles];

  private readonly gateway = new GatewayController(this, { onReady: () => void this.load() });
  private loadedFor: string | undefined;

  constructor() {
    super();
    this.gatewayUrl = '';
    this.schedule = '';
    this.draft = emptyDraft(new Date().toISOString().slice(0, 10));
    this.name = '';
    this.description = '';
    this.enabled = true;
    this.calendarMonth = '';
    this.saving = false;
    this.saved = '';
    this.serverError = null;
    this.usedBy = [];
  }

  get spec(): Record<string, unknown> {
    return draftToSpec(this.draft);
  }

  set spec(spec: Record<string, unknown>) {
    this.draft = specToDraft(spec, new Date().toISOString().slice(0, 10));
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('schedule') && this.gateway.session && this.loadedFor !== this.schedule) void this.load();
  }

  private async load(): Promise<void> {
    const switching = this.loadedFor !== this.schedule;
    this.loadedFor = this.schedule;
    if (!this.schedule && !switching) return; // a resync must not wipe a new schedule being typed
    this.serverError = null;
    this.saved = '';
    if (!this.schedule) {
      this.usedBy = [];
      this.name = '';
      this.description = '';
      this.enabled = true;
      this.draft = emptyDraft(wallClockIn('UTC').slice(0, 10));
      return;
    }
    const doc = await this.gateway.run((c) => c.read<{ schedule: Record<string, unknown>; jobs: PgaScheduleEditor['usedBy'] } | null>('get_schedule', { name: this.schedule }));
    const row = doc?.schedule;
    if (!row) return;
    this.usedBy = doc.jobs ?? [];
    this.name = String(row.name ?? this.schedule);
    this.description = String(row.description ?? '');
    this.enabled = row.enabled !== false;
    this.draft = specToDraft((row.spec ?? {}) as Record<string, unknown>, wallClockIn('UTC').slice(0, 10));
  }

  /** The engine's verdict on the current draft. */
  private check(): { valid: true } | { valid: false; field: string; message: string } {
    // The engine checks the spec's shape; the zone is checked here (the engine has no zone data):
    // a zone the browser does not know would make the preview a guess, so it is an error at once.
    const zone = this.draft.time_zone.trim();
    if (zone && !isValidTimeZone(zone)) return { valid: false, field: 'time_zone', message: `Time zone: “${zone}” is not a time zone (write an IANA name such as Europe/Berlin or UTC; the list suggests them as you type).` };
    try {
      validateSchedule(this.spec);
      return { valid: true };
    } catch (error) {
      if (error instanceof ScheduleSpecError) return { valid: false, field: error.field, message: error.message };
      return { valid: false, field: 'spec', message: (error as Error).message };
    }
  }

  private set<K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]): void {
    this.draft = { ...this.draft, [key]: value };
    this.saved = '';
    this.serverError = null;
    const verdict = this.check();
    emit(this, 'pga-schedule-change', {
      spec: this.spec,
      valid: verdict.valid,
      field: verdict.valid ? null : verdict.field,
      message: verdict.valid ? null : verdict.message,
    });
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.check().valid || !this.name.trim()) return;
    this.saving = true;
    this.serverError = null;
    const name = this.name.trim();
    try {
      if (this.schedule) {
        await this.gateway.client.call('update_schedule', {
          name: this.schedule,
          spec: this.spec,
          enabled: this.enabled,
          description: this.description || undefined,
          new_name: name !== this.schedule ? name : undefined,
          clear: this.description ? undefined : ['description'],
        });
      } else {
        await this.gateway.client.call('create_schedule', { name, spec: this.spec, enabled: this.enabled, description: this.description || undefined });
      }
      this.schedule = name;
      this.loadedFor = name;
      this.saved = `Saved schedule “${name}”.`;
      emit(this, 'pga-schedule-save', { name });
    } catch (error) {
      this.serverError = error instanceof GatewayError ? error : new GatewayError(0, { message: (error as Error).message });
    } finally {
      this.saving = false;
    }
  }

  /** Deletes the schedule; when jobs use it, the question names them and the detach is forced. */
  private async deleteSchedule(): Promise<void> {
    const name = this.schedule;
    const users = this.usedBy.map((j) => j.job);
    const question = users.length ? `Delete schedule “${name}”? It is detached from ${users.length} job(s): ${users.join(', ')}. They then run only when started by hand or by another schedule.` : `Delete schedule “${name}”?`;
    if (!confirm(question)) return;
    const done = await this.gateway.run((c) => c.call('delete_schedule', { name, force: users.length > 0 }).then(() => true));
    if (done) {
      emit(this, 'pga-schedule-delete', { name });
      return;
    }
    // Refused (a job was attached since the list was read: PA021 names it): the error stays in the
    // banner and the list shows who uses it now, the draft being edited untouched.
    const doc = await this.gateway.run((c) => c.read<{ jobs: PgaScheduleEditor['usedBy'] } | null>('get_schedule', { name }));
    if (doc) this.usedBy = doc.jobs ?? [];
  }

  private renderUsedBy() {
    if (!this.schedule) return nothing;
    const zone = this.draft.time_zone || 'UTC';
    return html`<section aria-label="Jobs using this schedule"><h3>Used by</h3>
      ${this.usedBy.length === 0
        ? html`<p class="muted">No job uses this schedule yet: attach it in a job's editor.</p>`
        : html`<ul class="used-by">${this.usedBy.map(
            (j) => html`<li data-job=${j.job}><button type="button" class="link" @click=${() => emit(this, 'pga-job-open', { name: j.job })}>${j.job}</button>
              <span class="muted">${j.enabled ? '' : 'disabled · '}next ${formatInstant(j.next_fire_at, zone)}</span></li>`,
          )}</ul>`}</section>`;
  }

  private fieldError(control: string): string | null {
    const verdict = this.check();
    if (!verdict.valid && controlOfField(verdict.field) === control) return verdict.message;
    if (this.serverError?.field && controlOfField(this.serverError.field) === control) return this.serverError.message;
    return null;
  }

  /** Attributes tying a control to its error message. */
  private invalid(control: string) {
    return this.fieldError(control) ? 'true' : 'false';
  }

  private errorFor(control: string) {
    const message = this.fieldError(control);
    return message ? html`<span class="field-error" id="err-${control}" role="alert">${message}</span>` : nothing;
  }

  private input(control: keyof ScheduleDraft, label: string, type = 'text', extra: { narrow?: boolean; placeholder?: string } = {}) {
    return html`<span class="field"><label>${label}
      <input
        name=${control}
        type=${type}
        class=${extra.narrow ? 'narrow' : ''}
        placeholder=${extra.placeholder ?? ''}
        .value=${String(this.draft[control] ?? '')}
        aria-invalid=${this.invalid(control)}
        aria-describedby="err-${control}"
        @input=${(e: Event) => this.set(control, (e.target as HTMLInputElement).value as never)}
      /></label>${this.errorFor(control)}</span>`;
  }

  private renderDays() {
    const d = this.draft;
    if (d.type === 'once') return html`<div class="row">${this.input('date', 'Date', 'text', { placeholder: 'YYYY-MM-DD' })}</div>`;
    if (d.type === 'cron') return this.renderCron();
    return html`<div class="row">
        ${this.input('start_date', 'Start date', 'text', { placeholder: 'YYYY-MM-DD' })}
        ${this.input('end_date', 'End date (optional)', 'text', { placeholder: 'YYYY-MM-DD' })}
        ${this.input('every', `Every N ${EVERY_UNIT[d.type]}`, 'text', { narrow: true })}
      </div>
      ${d.type === 'weekly'
        ? html`<fieldset aria-describedby="err-weekdays"><legend>Weekdays</legend><div class="weekdays">
            ${WEEKDAY_NAMES.map(
              (w) => html`<label><input type="checkbox" name="weekday-${w}" .checked=${d.weekdays.includes(w)}
                @change=${(e: Event) => this.set('weekdays', (e.target as HTMLInputElement).checked ? WEEKDAY_NAMES.filter((x) => x === w || d.weekdays.includes(x)) : d.weekdays.filter((x) => x !== w))} />${w}</label>`,
            )}</div>${this.errorFor('weekdays')}</fieldset>`
        : nothing}
      ${d.type === 'monthly' ? html`<div class="row">${this.input('day', 'Day of the month (1-31; clamps to the last day)', 'text', { narrow: true })}</div>` : nothing}
      ${d.type === 'monthly_relative'
        ? html`<div class="row">
            <label>Ordinal<select name="ordinal" aria-label="Ordinal" .value=${d.ordinal} @change=${(e: Event) => this.set('ordinal', (e.target as HTMLSelectElement).value)}>
              ${ORDINALS.map((o) => html`<option value=${o} ?selected=${o === d.ordinal}>${o}</option>`)}</select></label>${this.errorFor('ordinal')}
            <label>Day kind<select name="weekday" aria-label="Day kind" .value=${d.weekday} @change=${(e: Event) => this.set('weekday', (e.target as HTMLSelectElement).value)}>
              ${RELATIVE_WEEKDAYS.map((w) => html`<option value=${w} ?selected=${w === d.weekday}>${w.replace('_', ' ')}</option>`)}</select></label>${this.errorFor('weekday')}
          </div>`
        : nothing}`;
  }

  /**
   * Cron mode: the expression (checked as you type by the engine, its error under the field), its
   * reading in plain words from the engine's own parse, and the optional start and end dates. No
   * "every" and no times within the day: the expression says the days and the times.
   */
  private renderCron() {
    const d = this.draft;
    const reading = this.fieldError('expression') ? null : readCronExpression(d.expression);
    return html`<div class="row">
        <span class="field cron"><label>Cron expression
          <input
            name="expression"
            class="mono"
            spellcheck="false"
            autocomplete="off"
            placeholder="minute hour day-of-month month day-of-week"
            .value=${d.expression}
            aria-invalid=${this.invalid('expression')}
            aria-describedby="err-expression cron-reading cron-help"
            @input=${(e: Event) => this.set('expression', (e.target as HTMLInputElement).value)}
          /></label>${this.errorFor('expression')}
          ${reading ? html`<p class="cron-reading" id="cron-reading" aria-live="polite"><span class="muted">Reads:</span> ${reading}</p>` : nothing}
          <span class="note" id="cron-help">Five fields, minute hour day-of-month month day-of-week (<code>*</code>, <code>N</code>, <code>A-B</code>, <code>*/S</code>, <code>A-B/S</code>, lists with commas), or @hourly, @daily, @weekly, @monthly, @yearly. Fires at whole minutes of the time zone's wall clock.</span>
        </span>
      </div>
      <div class="row">
        ${this.input('start_date', 'Start date (optional)', 'text', { placeholder: 'YYYY-MM-DD' })}
        ${this.input('end_date', 'End date (optional)', 'text', { placeholder: 'YYYY-MM-DD' })}
      </div>`;
  }

  private renderTimes() {
    const d = this.draft;
    return html`<fieldset><legend>Within the day</legend>
      <div class="row">
        <label>Repeat within the day<select name="sub_type" aria-label="Repeat within the day" .value=${d.sub_type} @change=${(e: Event) => this.set('sub_type', (e.target as HTMLSelectElement).value as ScheduleDraft['sub_type'])}>
          <option value="once" ?selected=${d.sub_type === 'once'}>once, at a time</option>
          <option value="every" ?selected=${d.sub_type === 'every'}>every N units, between two times</option>
        </select></label>${this.errorFor('sub_type')}
        ${d.sub_type === 'once'
          ? this.input('sub_time', 'Time (HH:MM[:SS])', 'text', { narrow: true })
          : html`${this.input('sub_every', 'Every', 'text', { narrow: true })}
              <label>Unit<select name="sub_unit" aria-label="Unit" .value=${d.sub_unit} @change=${(e: Event) => this.set('sub_unit', (e.target as HTMLSelectElement).value as ScheduleDraft['sub_unit'])}>
                ${SUB_DAY_UNITS.map((u) => html`<option value=${u} ?selected=${u === d.sub_unit}>${u}s</option>`)}</select></label>${this.errorFor('sub_unit')}
              ${this.input('sub_start_time', 'From', 'text', { narrow: true })} ${this.input('sub_end_time', 'Until', 'text', { narrow: true })}`}
      </div></fieldset>`;
  }

  private renderExceptions() {
    const d = this.draft;
    const update = (i: number, key: 'from' | 'to', value: string) =>
      this.set('exceptions', d.exceptions.map((e, j) => (j === i ? { ...e, [key]: value } : e)));
    return html`<fieldset><legend>Exceptions (no fire on these dates)</legend>
      ${d.exceptions.map(
        (e, i) => html`<div class="exception">
          <label>From<input name="exception-${i}-from" .value=${e.from} placeholder="YYYY-MM-DD" aria-invalid=${this.invalid(`exceptions[${i}]`)} @input=${(ev: Event) => update(i, 'from', (ev.target as HTMLInputElement).value)} /></label>
          <label>To (optional)<input name="exception-${i}-to" .value=${e.to} placeholder="YYYY-MM-DD" aria-invalid=${this.invalid(`exceptions[${i}]`)} @input=${(ev: Event) => update(i, 'to', (ev.target as HTMLInputElement).value)} /></label>
          <button type="button" class="danger" aria-label="Remove exception ${i + 1}" @click=${() => this.set('exceptions', d.exceptions.filter((_, j) => j !== i))}>Remove</button>
          ${this.errorFor(`exceptions[${i}]`)}
        </div>`,
      )}
      <button type="button" @click=${() => this.set('exceptions', [...d.exceptions, { from: d.start_date || d.date, to: '' }])}>Add exception</button>
    </fieldset>`;
  }

  private renderPreview() {
    const verdict = this.check();
    if (!verdict.valid) return html`<div class="status bad" role="status">Invalid: ${verdict.message}</div>`;
    const zone = this.draft.time_zone || 'UTC';
    const now = wallClockIn(zone);
    let fires: string[] = [];
    let calendarFires: string[] = [];
    let truncated = false;
    try {
      fires = nextFires(this.spec, now, PREVIEW_COUNT);
      const month = this.calendarMonth || fires[0]?.slice(0, 7) || now.slice(0, 7);
      const monthStart = `${month}-01 00:00:00`;
      const after = monthStart > now ? monthStart : now;
      // "strictly after": start one second before the month when the month lies ahead.
      const from = after === monthStart ? previousSecond(monthStart) : after;
      const candidates = nextFires(this.spec, from, CALENDAR_LIMIT);
      calendarFires = candidates.filter((f) => f.startsWith(month));
      truncated = candidates.length === CALENDAR_LIMIT && calendarFires.length === candidates.length;
    } catch (error) {
      return html`<div class="status bad" role="status">${(error as Error).message}</div>`;
    }
    return html`<div class="status ok" role="status">Valid schedule.</div>
      <h3>Next ${PREVIEW_COUNT} fires</h3>
      ${fires.length === 0 ? html`<p class="muted">No fire after now (${now}).</p>` : html`<ol class="fires" aria-label="Next fires">${fires.map((f) => html`<li>${f}</li>`)}</ol>`}
      <p class="note">Wall-clock times in <strong>${zone}</strong>, computed in this browser by the same schedule engine the database runs. The database turns them into instants by the zone's rule: a time inside a daylight-saving gap fires at the end of the gap, a repeated time fires once.</p>
      <pga-schedule-calendar .fires=${calendarFires} .month=${this.calendarMonth || fires[0]?.slice(0, 7) || now.slice(0, 7)} ?truncated=${truncated}
        @pga-calendar-navigate=${(e: CustomEvent<{ year: number; month: number }>) => (this.calendarMonth = `${String(e.detail.year).padStart(4, '0')}-${String(e.detail.month).padStart(2, '0')}`)}></pga-schedule-calendar>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const d = this.draft;
    const verdict = this.check();
    const canEdit = this.gateway.state.status !== 'ready' || this.gateway.can('pgautomator_admin');
    return html`<div class="layout">
      <form part="form" @submit=${this.save} aria-label="Schedule">
        <h2>${this.schedule ? `Schedule “${this.schedule}”` : 'New schedule'}</h2>
        ${this.gateway.error && !this.serverError ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
        <div class="row">
          <label>Name<input name="name" required .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} /></label>
          <label>Description<input name="description" .value=${this.description} @input=${(e: Event) => (this.description = (e.target as HTMLInputElement).value)} /></label>
          <label class="inline"><input type="checkbox" name="enabled" .checked=${this.enabled} @change=${(e: Event) => (this.enabled = (e.target as HTMLInputElement).checked)} />Enabled</label>
        </div>
        <div class="row">
          <label>Type<select name="type" aria-label="Type" .value=${d.type} aria-invalid=${this.invalid('type')} @change=${(e: Event) => this.set('type', (e.target as HTMLSelectElement).value as ScheduleDraft['type'])}>
            ${SCHEDULE_TYPES.map((t) => html`<option value=${t} ?selected=${t === d.type}>${t.replace('_', ' ')}</option>`)}</select></label>${this.errorFor('type')}
          <span class="field"><label>Time zone<input name="time_zone" list="pga-zones" placeholder="UTC (default)" .value=${d.time_zone} aria-invalid=${this.invalid('time_zone')} aria-describedby="err-time_zone" @input=${(e: Event) => this.set('time_zone', (e.target as HTMLInputElement).value)} /></label>${this.errorFor('time_zone')}</span>
          <datalist id="pga-zones">${ZONES.map((z) => html`<option value=${z}></option>`)}</datalist>
        </div>
        ${this.renderDays()} ${d.type === 'cron' ? nothing : this.renderTimes()} ${this.renderExceptions()}
        ${this.serverError ? html`<div class="banner" role="alert">${this.serverError.message}${this.serverError.hint ? html`<br /><span class="muted">${this.serverError.hint}</span>` : nothing}</div>` : nothing}
        ${this.saved ? html`<div class="banner info" role="status">${this.saved}</div>` : nothing}
        <div class="toolbar">
          <button class="primary" type="submit" ?disabled=${!verdict.valid || this.saving || !this.name.trim() || !canEdit}>${this.schedule ? 'Save schedule' : 'Create schedule'}</button>
          ${canEdit ? nothing : html`<span class="muted">Only pgautomator_admin may change schedules.</span>`}
          ${this.schedule && canEdit ? html`<button type="button" class="danger" @click=${this.deleteSchedule}>Delete schedule</button>` : nothing}
        </div>
        ${this.renderUsedBy()}
      </form>
      <section part="preview" aria-label="Preview">${this.renderPreview()}</section>
    </div>`;
  }
}

function previousSecond(local: string): string {
  const [date, time] = local.split(' ');
  if (time !== '00:00:00') return local;
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCSeconds(-1);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

define('pga-schedule-editor', PgaScheduleEditor);

declare global {
  interface HTMLElementTagNameMap {
    'pga-schedule-editor': PgaScheduleEditor;
  }
}

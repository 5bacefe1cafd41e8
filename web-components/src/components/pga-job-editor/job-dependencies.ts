/**
 * The job editor's "Runs after" and "Alerts" sections (docs/dependencies-and-alerts.md): the
 * triggers that start this job when runs of other jobs end, the jobs its own ends start, and its
 * freshness and duration alert rules: templates, and the JobDependencies controller that holds
 * their state and makes their calls through the editor (kept apart so the editor stays small).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { FormFields } from '../../form-errors.ts';
import { formatInstant, intervalWords } from '../../time-format.ts';

/** One trigger as get_job's `triggers.after` / `triggers.starts` lists it. */
export interface TriggerLink {
  job: string;
  outcome: string;
  delay: string;
}

/** One alert rule as get_job's `alert_rules` lists it. */
export interface AlertRule {
  kind: string;
  threshold: string;
  due_at: string | null;
}

export interface TriggerDraft {
  after: string;
  outcome: string;
  delay: string;
}

export const OUTCOMES = ['succeeded', 'failed', 'finished'] as const;
export const emptyTrigger = (): TriggerDraft => ({ after: '', outcome: 'succeeded', delay: '' });

/** The trigger form's controls and labels by the argument names of add_job_trigger. */
export const TRIGGER_FIELDS: FormFields = {
  after: { control: 'trigger_after', label: 'Runs after job' },
  outcome: { control: 'trigger_outcome', label: 'When that run' },
  delay: { control: 'trigger_delay', label: 'Delay' },
};

/** The alert rules the editor offers, in the words of the form. */
export const ALERT_KINDS = {
  freshness: { control: 'alert_freshness', label: 'Must succeed at least every', placeholder: 'e.g. 1 day', form: 'Freshness alert' },
  duration: { control: 'alert_duration', label: 'Warn when a run takes longer than', placeholder: 'e.g. 2 hours', form: 'Duration alert' },
} as const;
export type AlertKind = keyof typeof ALERT_KINDS;

/** set_job_alert's arguments for one rule's form (both rules share `threshold`, so one map each). */
export const alertFields = (kind: AlertKind): FormFields => ({
  threshold: { control: ALERT_KINDS[kind].control, label: ALERT_KINDS[kind].label },
  kind: { control: ALERT_KINDS[kind].control, label: ALERT_KINDS[kind].label },
});

const OUTCOME_WORDS: Record<string, string> = { succeeded: 'succeeds', failed: 'fails', finished: 'ends (either way)' };
const delayWords = (delay: string) => {
  const words = intervalWords(delay);
  return words && words !== '0 seconds' ? `, ${words} later` : '';
};

/** What the sections need from the editor: state, the field error helpers, and the actions. */
export interface DependencySections {
  admin: boolean;
  disabled: boolean;
  after: TriggerLink[];
  starts: TriggerLink[];
  /** Jobs this one may run after (all others). */
  jobs: string[];
  draft: TriggerDraft;
  rules: AlertRule[];
  alertDrafts: Record<AlertKind, string>;
  invalid(control: string): 'true' | 'false';
  errorFor(control: string): TemplateResult | typeof nothing;
  onDraft(draft: TriggerDraft): void;
  onAdd(event: Event): void;
  onRemove(after: string): void;
  onOpenJob(name: string): void;
  onAlertDraft(kind: AlertKind, value: string): void;
  onSetAlert(event: Event, kind: AlertKind): void;
  onClearAlert(kind: AlertKind): void;
}

const jobLink = (v: DependencySections, name: string) =>
  html`<button type="button" class="link" @click=${() => v.onOpenJob(name)}>${name}</button>`;

export function renderTriggers(v: DependencySections): TemplateResult {
  const d = v.draft;
  const choices = v.jobs.filter((j) => !v.after.some((t) => t.job === j));
  return html`<section class="card" part="triggers" aria-labelledby="runs-after-title"><h3 id="runs-after-title">Runs after</h3>
    <ul class="attached" aria-label="Jobs this job runs after">
      ${v.after.length === 0 ? html`<li class="muted">No trigger: no other job's end starts this job.</li>` : nothing}
      ${v.after.map(
        (t) => html`<li data-after=${t.job}><span>Runs when ${jobLink(v, t.job)} ${OUTCOME_WORDS[t.outcome] ?? t.outcome}${delayWords(t.delay)}</span><span class="spacer"></span>
          ${v.admin ? html`<button class="danger" @click=${() => v.onRemove(t.job)} aria-label="Remove trigger after ${t.job}">Remove</button>` : nothing}</li>`,
      )}
    </ul>
    ${v.admin
      ? html`<form class="row" @submit=${v.onAdd} aria-label="Add a trigger">
          <fieldset class="plain row" ?disabled=${v.disabled}>
          <span class="field"><label>${TRIGGER_FIELDS.after.label}<select name="trigger_after" .value=${d.after} aria-invalid=${v.invalid('trigger_after')} aria-describedby="err-trigger_after"
            @change=${(e: Event) => v.onDraft({ ...d, after: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${d.after === ''}>${choices.length ? 'choose a job…' : 'no other job'}</option>
            ${choices.map((j) => html`<option value=${j} ?selected=${j === d.after}>${j}</option>`)}</select></label>${v.errorFor('trigger_after')}</span>
          <span class="field"><label>${TRIGGER_FIELDS.outcome.label}<select name="trigger_outcome" .value=${d.outcome} aria-invalid=${v.invalid('trigger_outcome')} aria-describedby="err-trigger_outcome"
            @change=${(e: Event) => v.onDraft({ ...d, outcome: (e.target as HTMLSelectElement).value })}>
            ${OUTCOMES.map((o) => html`<option value=${o} ?selected=${o === d.outcome}>${OUTCOME_WORDS[o]}</option>`)}</select></label>${v.errorFor('trigger_outcome')}</span>
          <span class="field"><label>${TRIGGER_FIELDS.delay.label}<input name="trigger_delay" placeholder="0 (at once), or e.g. 5 minutes" .value=${d.delay} aria-invalid=${v.invalid('trigger_delay')} aria-describedby="err-trigger_delay"
            @input=${(e: Event) => v.onDraft({ ...d, delay: (e.target as HTMLInputElement).value })} /></label>${v.errorFor('trigger_delay')}</span>
          <button type="submit" ?disabled=${!d.after}>Add trigger</button>
          </fieldset></form>`
      : nothing}
    <h4>Jobs that run after this one</h4>
    <ul class="attached" aria-label="Jobs that run after this one">
      ${v.starts.length === 0 ? html`<li class="muted">None.</li>` : nothing}
      ${v.starts.map((t) => html`<li data-starts=${t.job}>${jobLink(v, t.job)}<span class="muted">when this job ${OUTCOME_WORDS[t.outcome] ?? t.outcome}${delayWords(t.delay)}</span></li>`)}
    </ul>
  </section>`;
}

export function renderAlertRules(v: DependencySections): TemplateResult {
  return html`<section class="card" part="alerts" aria-labelledby="alert-rules-title"><h3 id="alert-rules-title">Alerts</h3>
    ${(Object.keys(ALERT_KINDS) as AlertKind[]).map((kind) => {
      const { control, label, placeholder, form } = ALERT_KINDS[kind];
      const rule = v.rules.find((r) => r.kind === kind);
      return html`<form class="row" data-alert=${kind} aria-label=${form} @submit=${(e: Event) => v.onSetAlert(e, kind)}>
        <fieldset class="plain row" ?disabled=${v.disabled || !v.admin}>
        <span class="field"><label>${label}<input name=${control} placeholder=${placeholder} .value=${v.alertDrafts[kind]} aria-invalid=${v.invalid(control)} aria-describedby="err-${control}"
          @input=${(e: Event) => v.onAlertDraft(kind, (e.target as HTMLInputElement).value)} /></label>${v.errorFor(control)}</span>
        ${v.admin ? html`<button type="submit" ?disabled=${!v.alertDrafts[kind].trim()}>Set</button>` : nothing}
        ${v.admin && rule ? html`<button type="button" class="danger" @click=${() => v.onClearAlert(kind)} aria-label="Clear the ${kind} alert">Clear</button>` : nothing}
        <span class="muted">${rule
          ? kind === 'freshness' && rule.due_at
            ? `set: ${intervalWords(rule.threshold)}; next deadline ${formatInstant(rule.due_at)}`
            : `set: ${intervalWords(rule.threshold)}`
          : 'not set'}</span>
        </fieldset>
      </form>`;
    })}
  </section>`;
}

/** What the controller needs of its editor. */
export interface DependencyEditor {
  /** The job edited ('' for a new one). */
  job(): string;
  /** Runs a change the editor's way (notice, field errors, reload); true when it was done. */
  act(what: string, work: () => Promise<unknown>, fields?: FormFields): Promise<boolean>;
  call(fn: string, args: Record<string, unknown>): Promise<unknown>;
  admin(): boolean;
  loading(): boolean;
  invalid(control: string): 'true' | 'false';
  errorFor(control: string): TemplateResult | typeof nothing;
  openJob(name: string): void;
}

const noAlertDrafts = (): Record<AlertKind, string> => ({ freshness: '', duration: '' });

/**
 * The state and the calls of the two sections (add_job_trigger, remove_job_trigger,
 * set_job_alert), as a reactive controller of the job editor: the editor keeps its own forms.
 */
export class JobDependencies implements ReactiveController {
  private upstream: TriggerLink[] = [];
  private downstream: TriggerLink[] = [];
  private jobNames: string[] = [];
  private draft = emptyTrigger();
  private rules: AlertRule[] = [];
  private alertDrafts = noAlertDrafts();
  // A threshold being typed survives background reloads, as the editor's other forms do.
  private alertDirty = new Set<AlertKind>();

  constructor(private readonly host: ReactiveControllerHost, private readonly editor: DependencyEditor) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Switching jobs: nothing of the previous job stays. */
  reset(): void {
    this.upstream = [];
    this.downstream = [];
    this.draft = emptyTrigger();
    this.rules = [];
    this.alertDrafts = noAlertDrafts();
    this.alertDirty.clear();
    this.host.requestUpdate();
  }

  /** get_job's `triggers` and `alert_rules`, and every job's name (the choices). */
  loaded(doc: { triggers?: { after: TriggerLink[]; starts: TriggerLink[] }; alert_rules?: AlertRule[] }, jobs: string[]): void {
    this.jobNames = jobs;
    this.upstream = doc.triggers?.after ?? [];
    this.downstream = doc.triggers?.starts ?? [];
    this.rules = doc.alert_rules ?? [];
    const drafts = { ...this.alertDrafts };
    for (const kind of Object.keys(ALERT_KINDS) as AlertKind[]) {
      if (!this.alertDirty.has(kind)) drafts[kind] = intervalWords(this.rules.find((r) => r.kind === kind)?.threshold);
    }
    this.alertDrafts = drafts;
    this.host.requestUpdate();
  }

  private async addTrigger(event: Event): Promise<void> {
    event.preventDefault();
    const job = this.editor.job();
    const d = this.draft;
    const ok = await this.editor.act(`“${job}” now runs after “${d.after}”.`, () =>
      this.editor.call('add_job_trigger', { job, after: d.after, outcome: d.outcome, delay: d.delay.trim() || undefined }),
      TRIGGER_FIELDS,
    );
    if (ok) {
      this.draft = emptyTrigger();
      this.host.requestUpdate();
    }
  }

  private async removeTrigger(after: string): Promise<void> {
    const job = this.editor.job();
    if (!confirm(`Stop running “${job}” after “${after}”?`)) return;
    await this.editor.act(`“${job}” no longer runs after “${after}”.`, () => this.editor.call('remove_job_trigger', { job, after }));
  }

  /** Sets (threshold typed) or clears (null) one alert rule. */
  private async setAlert(kind: AlertKind, threshold: string | null): Promise<void> {
    const job = this.editor.job();
    const done = threshold === null ? `Cleared the ${kind} alert.` : `Set the ${kind} alert: ${threshold}.`;
    // The typed text is kept on failure (to correct it) and replaced by the saved value on success.
    await this.editor.act(
      done,
      async () => {
        await this.editor.call('set_job_alert', { job, kind, threshold });
        this.alertDirty.delete(kind);
      },
      alertFields(kind),
    );
  }

  render(): TemplateResult {
    const view: DependencySections = {
      admin: this.editor.admin(),
      disabled: this.editor.loading(),
      after: this.upstream,
      starts: this.downstream,
      jobs: this.jobNames.filter((j) => j !== this.editor.job()),
      draft: this.draft,
      rules: this.rules,
      alertDrafts: this.alertDrafts,
      invalid: (control) => this.editor.invalid(control),
      errorFor: (control) => this.editor.errorFor(control),
      onDraft: (draft) => {
        this.draft = draft;
        this.host.requestUpdate();
      },
      onAdd: (e) => void this.addTrigger(e),
      onRemove: (after) => void this.removeTrigger(after),
      onOpenJob: (name) => this.editor.openJob(name),
      onAlertDraft: (kind, value) => {
        this.alertDirty.add(kind);
        this.alertDrafts = { ...this.alertDrafts, [kind]: value };
        this.host.requestUpdate();
      },
      onSetAlert: (e, kind) => {
        e.preventDefault();
        void this.setAlert(kind, this.alertDrafts[kind].trim());
      },
      onClearAlert: (kind) => void this.setAlert(kind, null),
    };
    return html`${renderTriggers(view)}${renderAlertRules(view)}`;
  }
}

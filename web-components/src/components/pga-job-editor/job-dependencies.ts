/**
 * The job editor's "Runs after" and "Alerts" sections (docs/dependencies-and-alerts.md): the
 * triggers that start this job when runs of other jobs end, the jobs its own ends start, and its
 * freshness and duration alert rules. Presentational templates: the editor owns the state and
 * makes the calls (add_job_trigger, remove_job_trigger, set_job_alert); kept apart so the editor
 * stays one concern per file.
 */
import { html, nothing, type TemplateResult } from 'lit';
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

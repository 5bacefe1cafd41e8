/**
 * The `pga-*` events of the elements: names, detail types, and the global typing of
 * addEventListener. Every event bubbles and is composed (crosses shadow roots), so a portal can
 * listen on any ancestor.
 */

export interface PgaEventDetails {
  /** pga-login: the user submitted credentials (pga-login-form). */
  'pga-login-submit': { user: string; password: string };
  /** A session began or ended (any element that logged in or out). */
  'pga-session-change': { user: string | null; groups: string[] };
  /** Open a job in the editor (null name: a new job). */
  'pga-job-open': { name: string | null };
  /** A job was started by hand; run_id is the new run. */
  'pga-job-start': { name: string; runId: number | null };
  /** A job was saved (created or changed). */
  'pga-job-save': { name: string };
  /** A job was deleted. */
  'pga-job-delete': { name: string };
  /** A job was enabled or disabled. */
  'pga-job-toggle': { name: string; enabled: boolean };
  /** Open a run (history with its steps and output). */
  'pga-run-open': { runId: number };
  'pga-schedule-delete': { name: string };
  'pga-runs-filter': { job: string; state: string; agent: string; since: string; until: string; search: string; range: string };
  /** The jobs list's filters changed (the console keeps them in the URL). */
  'pga-jobs-filter': { search: string; category: string; state: string };
  /** A job was copied (copy_job) to newName. */
  'pga-job-copy': { name: string; newName: string };
  'pga-step-history': { job: string; step: string };
  'pga-job-import': { name: string };
  /** A kill of a run was requested. */
  'pga-run-kill': { runId: number };
  /** A schedule was saved. */
  'pga-schedule-save': { name: string };
  /** Open a schedule in the editor (null: a new one). */
  'pga-schedule-open': { name: string | null };
  /** The spec in the schedule editor changed: valid, or the field at fault. */
  'pga-schedule-change': { spec: Record<string, unknown>; valid: boolean; field: string | null; message: string | null };
  /** The month shown by a calendar changed. */
  'pga-calendar-navigate': { year: number; month: number };
  /** A step of the step list was asked to move, edit or delete. */
  'pga-step-action': { action: 'edit' | 'delete' | 'up' | 'down'; index: number; name: string };
  /** Settings of an agent's SMTP relay were saved. */
  'pga-agent-save': { name: string };
  /** The console switched to another view. */
  'pga-view-change': { view: string };
  /** An element failed to call the gateway (also shown inside it). */
  'pga-error-show': { message: string; code: string | null };
}

export type PgaEventName = keyof PgaEventDetails;
export type PgaEvent<N extends PgaEventName> = CustomEvent<PgaEventDetails[N]>;

/** Dispatches a bubbling, composed `pga-*` event from `target`. */
export function emit<N extends PgaEventName>(target: EventTarget, name: N, detail: PgaEventDetails[N]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }));
}

declare global {
  interface HTMLElementEventMap {
    'pga-login-submit': PgaEvent<'pga-login-submit'>;
    'pga-session-change': PgaEvent<'pga-session-change'>;
    'pga-job-open': PgaEvent<'pga-job-open'>;
    'pga-job-start': PgaEvent<'pga-job-start'>;
    'pga-job-save': PgaEvent<'pga-job-save'>;
    'pga-job-delete': PgaEvent<'pga-job-delete'>;
    'pga-job-toggle': PgaEvent<'pga-job-toggle'>;
    'pga-run-open': PgaEvent<'pga-run-open'>;
    'pga-schedule-delete': PgaEvent<'pga-schedule-delete'>;
    'pga-runs-filter': PgaEvent<'pga-runs-filter'>;
    'pga-jobs-filter': PgaEvent<'pga-jobs-filter'>;
    'pga-job-copy': PgaEvent<'pga-job-copy'>;
    'pga-step-history': PgaEvent<'pga-step-history'>;
    'pga-job-import': PgaEvent<'pga-job-import'>;
    'pga-run-kill': PgaEvent<'pga-run-kill'>;
    'pga-schedule-save': PgaEvent<'pga-schedule-save'>;
    'pga-schedule-open': PgaEvent<'pga-schedule-open'>;
    'pga-schedule-change': PgaEvent<'pga-schedule-change'>;
    'pga-calendar-navigate': PgaEvent<'pga-calendar-navigate'>;
    'pga-step-action': PgaEvent<'pga-step-action'>;
    'pga-agent-save': PgaEvent<'pga-agent-save'>;
    'pga-view-change': PgaEvent<'pga-view-change'>;
    'pga-error-show': PgaEvent<'pga-error-show'>;
  }
}

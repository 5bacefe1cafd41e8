/**
 * Database errors in the words of a form. The database names the argument at fault (DETAIL
 * `field: <name>`, GatewayError.field); a form shows the message next to the control of that
 * argument, with the argument names replaced by the form's labels, and without hints that send
 * the user to psql (`... pgautomator.update_job(...)`), which a form cannot act on.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { GatewayError } from './api/client.ts';

/** One form's vocabulary: database argument -> the control's name and its label. */
export type FormFields = Record<string, { control: string; label: string }>;

/** What a form shows under one control. */
export interface FieldMessage {
  control: string;
  message: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with the argument names of `fields` replaced by their labels: quoted ones (`"to"`) always,
 * bare ones only when snake_case (`misfire_grace`), since a bare `to` or `name` is English too.
 */
export function inFormWords(text: string, fields: FormFields): string {
  let out = text;
  for (const [arg, { label }] of Object.entries(fields)) {
    out = out.replace(new RegExp(`["“]${escape(arg)}["”]`, 'g'), `“${label}”`);
    if (arg.includes('_')) out = out.replace(new RegExp(`\\b${escape(arg)}\\b`, 'g'), label);
  }
  return out;
}

/** A hint a person at a form can follow (not SQL), in the form's words, or ''. */
export function formHint(error: GatewayError, fields: FormFields): string {
  const hint = error.hint ?? '';
  if (hint && !/pgautomator\.|=>|\bSELECT\b|psql/i.test(hint)) return inFormWords(hint, fields);
  if (error.code === 'PA020') return 'Choose another name.';
  // A trigger that would close a cycle (add_job_trigger): DETAIL names the chain that exists
  // (`chain: a -> b -> c`); the psql hint (remove_job_trigger) becomes what to do in the form.
  const chain = error.code === 'PA050' ? /^chain: (.+)$/m.exec(error.detail ?? '')?.[1] : undefined;
  if (chain) return `The chain ${chain.replace(/ -> /g, ' → ')} already exists: remove one of its links first, or choose another job.`;
  return '';
}

/**
 * The field message of `error` when it names an argument of this form; null otherwise (the
 * caller shows it in its banner).
 */
export function fieldMessage(error: unknown, fields: FormFields): FieldMessage | null {
  if (!(error instanceof GatewayError) || !error.field) return null;
  const target = fields[error.field];
  if (!target) return null;
  const hint = formHint(error, fields);
  const message = inFormWords(error.message, fields);
  return { control: target.control, message: hint ? `${message}. ${hint}`.replace(/\.\. /, '. ') : message };
}

/** What placeFieldError needs of a form's element (a LitElement with a `fieldErrors` state). */
export interface FieldErrorHost {
  fieldErrors: Record<string, string>;
  readonly updateComplete: Promise<boolean>;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * Moves the gateway's last error under the field of `fields` it names, out of the banner, and
 * focuses that field (which scrolls it into view). Returns false, leaving the error in the banner,
 * when it names none of them.
 */
export async function placeFieldError(host: FieldErrorHost, gateway: { readonly error: unknown; clearError(): void }, fields: FormFields): Promise<boolean> {
  const at = fieldMessage(gateway.error, fields);
  if (!at) return false;
  gateway.clearError();
  host.fieldErrors = { [at.control]: at.message };
  await host.updateComplete;
  host.renderRoot.querySelector<HTMLElement>(`[name="${at.control}"]`)?.focus();
  return true;
}

/** What fieldInput draws besides its label. */
export interface FieldInputOptions {
  type?: string;
  placeholder?: string;
  required?: boolean;
  value?: string;
  min?: string;
}

/**
 * A labelled input whose error (fieldErrors[name], set by placeFieldError) sits right under it,
 * announced and tied to it with aria-describedby: the forms of the settings screens share it.
 */
export function fieldInput(fieldErrors: Record<string, string>, name: string, label: string, extra: FieldInputOptions = {}): TemplateResult {
  const error = fieldErrors[name];
  return html`<span class="field"><label>${label}<input name=${name} type=${extra.type ?? 'text'} placeholder=${extra.placeholder ?? ''} ?required=${extra.required} .value=${extra.value ?? ''}
      min=${extra.min ?? nothing} aria-invalid=${error ? 'true' : 'false'} aria-describedby="err-${name}" /></label>${error ? html`<span class="field-error" id="err-${name}" role="alert">${error}</span>` : nothing}</span>`;
}

import { css, html, LitElement, nothing } from 'lit';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { intervalWords } from '../../time-format.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

export interface StepItem {
  id?: number;
  position: number;
  name: string;
  enabled: boolean;
  kind: 'shell' | 'sql';
  command: string;
  shell: string | null;
  connection: string | null;
  timeout: string | null;
  retries: number;
  retry_delay: string | null;
  on_success: string;
  on_success_goto: string | null;
  on_failure: string;
  on_failure_goto: string | null;
}

/**
 * The ordered steps of a job (presentational): position, name, kind, command, what happens on
 * success and failure, and buttons to move, edit and delete each step.
 *
 * @prop steps - the steps, in order
 * @attr readonly - hide the action buttons
 * @fires pga-step-action - {action: 'up' | 'down' | 'edit' | 'delete', index, name}
 * @csspart table - the steps table
 */
export class PgaStepList extends LitElement {
  static override properties = { steps: { attribute: false }, readonly: { type: Boolean } };
  declare steps: StepItem[];
  declare readonly: boolean;

  static override styles = [
    sharedStyles,
    css`
      pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 5.5em; overflow: auto; }
      td.actions { white-space: nowrap; }
      .disabled td { opacity: 0.55; }
    `,
  ];

  constructor() {
    super();
    this.steps = [];
    this.readonly = false;
  }

  private act(action: 'up' | 'down' | 'edit' | 'delete', index: number): void {
    emit(this, 'pga-step-action', { action, index, name: this.steps[index].name });
  }

  private flow(on: string, target: string | null): string {
    return on === 'goto' ? `go to “${target ?? '?'}”` : on.replace('_', ' ');
  }

  override render() {
    if (this.steps.length === 0) return html`<p class="muted">No steps yet.</p>`;
    return html`<table part="table" aria-label="Steps">
      <thead><tr><th>#</th><th>Step</th><th>Kind</th><th>Command</th><th>On success / failure</th>${this.readonly ? nothing : html`<th>Actions</th>`}</tr></thead>
      <tbody>
        ${this.steps.map(
          (s, i) => html`<tr class=${s.enabled ? '' : 'disabled'} data-step=${s.name}>
            <td>${s.position}</td>
            <td><strong>${s.name}</strong>${s.enabled ? nothing : html` <span class="muted">(disabled)</span>`}
              ${s.retries ? html`<div class="muted">retries: ${s.retries}${s.retry_delay && s.retry_delay !== '00:00:00' ? `, every ${intervalWords(s.retry_delay)}` : ''}</div>` : nothing}
              ${s.timeout ? html`<div class="muted">timeout: ${intervalWords(s.timeout)}</div>` : nothing}</td>
            <td>${s.kind === 'sql' ? html`SQL on <em>${s.connection}</em>` : html`shell${s.shell ? ` (${s.shell})` : ''}`}</td>
            <td><pre>${s.command}</pre></td>
            <td>${this.flow(s.on_success, s.on_success_goto)} / ${this.flow(s.on_failure, s.on_failure_goto)}</td>
            ${this.readonly
              ? nothing
              : html`<td class="actions">
                  <button ?disabled=${i === 0} @click=${() => this.act('up', i)} aria-label="Move step ${s.name} up">↑</button>
                  <button ?disabled=${i === this.steps.length - 1} @click=${() => this.act('down', i)} aria-label="Move step ${s.name} down">↓</button>
                  <button @click=${() => this.act('edit', i)} aria-label="Edit step ${s.name}">Edit</button>
                  <button class="danger" @click=${() => this.act('delete', i)} aria-label="Delete step ${s.name}">Delete</button>
                </td>`}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
define('pga-step-list', PgaStepList);

declare global {
  interface HTMLElementTagNameMap {
    'pga-step-list': PgaStepList;
  }
}

import { css, html, LitElement, nothing } from 'lit';
import { GatewayError } from '../../api/client.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

/**
 * "Import job": a dialog taking a job document (exported with Export JSON / export_job), pasted or
 * from a file, and an optional new name; import_job creates it all or nothing. The document is
 * JSON, not the SQL script, because the gateway only calls API functions: it never runs SQL text.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @fires pga-job-import - {name} after the job was created
 * @csspart dialog - the dialog
 */
export class PgaJobImport extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    text: { state: true },
    newName: { state: true },
    problem: { state: true },
    busy: { state: true },
    open: { state: true },
  };
  declare gatewayUrl: string;
  declare text: string;
  declare newName: string;
  /** What is wrong, shown under the document (with the document's path the database named). */
  declare problem: string;
  declare busy: boolean;
  /** The dialog is in the page only while open. */
  declare open: boolean;

  static override styles = [
    sharedStyles,
    css`
      :host { display: contents; }
      dialog { width: min(760px, 94vw); border: 1px solid var(--_line); border-radius: 10px; padding: 16px; }
      dialog::backdrop { background: rgb(0 0 0 / 35%); }
      textarea { width: 100%; min-height: 240px; font-family: ui-monospace, monospace; font-size: 13px; }
      .field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 10px; }
      h2 { font-size: 18px; margin: 0 0 8px; }
    `,
  ];

  private readonly gateway = new GatewayController(this);

  constructor() {
    super();
    this.gatewayUrl = '';
    this.text = '';
    this.newName = '';
    this.problem = '';
    this.busy = false;
    this.open = false;
  }

  private async show(): Promise<void> {
    this.problem = '';
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  private async readFile(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) this.text = await file.text();
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    let doc: unknown;
    try {
      doc = JSON.parse(this.text);
    } catch (error) {
      this.problem = `This is not a JSON document (${(error as Error).message}). Paste the file that Export JSON saved.`;
      return;
    }
    const name = this.newName.trim() || String((doc as { job?: { name?: unknown } })?.job?.name ?? '');
    this.busy = true;
    this.problem = '';
    try {
      await this.gateway.client.call('import_job', { doc, new_name: this.newName.trim() || undefined });
    } catch (error) {
      // The database names the part of the document at fault (field: steps[2].connection).
      this.problem = error instanceof GatewayError ? `${error.message}${error.field ? ` (in the document: ${error.field})` : ''}` : String(error);
      return;
    } finally {
      this.busy = false;
    }
    this.renderRoot.querySelector('dialog')?.close();
    this.text = '';
    this.newName = '';
    emit(this, 'pga-job-import', { name });
  }

  override render() {
    if (!this.gateway.can('pgautomator_admin')) return nothing;
    return html`<button type="button" data-action="import" @click=${() => void this.show()}>Import job</button>
      ${this.open ? this.renderDialog() : nothing}`;
  }

  private renderDialog() {
    return html`<dialog part="dialog" aria-labelledby="import-title" @close=${() => (this.open = false)}>
        <form @submit=${this.submit} aria-label="Import job">
          <h2 id="import-title">Import a job</h2>
          <p class="muted">A job document saved by Export JSON. Its category and schedules are created when missing; the agents, connections and jobs it names must exist here.</p>
          <span class="field"><label>Document (JSON)<textarea name="doc" required .value=${this.text} aria-invalid=${this.problem ? 'true' : 'false'} aria-describedby="import-problem"
            @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}></textarea></label>
            ${this.problem ? html`<span class="field-error" id="import-problem" role="alert">${this.problem}</span>` : nothing}</span>
          <span class="field"><label>Or a file<input type="file" name="file" accept=".json,application/json" @change=${this.readFile} /></label></span>
          <span class="field"><label>New name (empty: the document's)<input name="new_name" .value=${this.newName} @input=${(e: Event) => (this.newName = (e.target as HTMLInputElement).value)} /></label></span>
          <div class="toolbar">
            <button class="primary" type="submit" ?disabled=${this.busy || !this.text.trim()}>Import</button>
            <span class="spacer"></span>
            <button type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>Cancel</button>
          </div>
        </form>
      </dialog>`;
  }
}
define('pga-job-import', PgaJobImport);

declare global {
  interface HTMLElementTagNameMap {
    'pga-job-import': PgaJobImport;
  }
}

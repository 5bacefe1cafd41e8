import { css, html, LitElement, nothing } from 'lit';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

/**
 * "Script as SQL" and "Export JSON" for one job: buttons that open a dialog with the SQL that
 * recreates the job (script_job) and a Copy button, or download its JSON document (export_job,
 * which the Import job dialog takes back).
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr job - the job's name
 * @csspart dialog - the dialog showing the script
 */
export class PgaJobScript extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    job: { type: String },
    script: { state: true },
    copied: { state: true },
    open: { state: true },
  };
  declare gatewayUrl: string;
  declare job: string;
  declare script: string;
  declare copied: string;
  /** The dialog is in the page only while open: closed, nothing of it is there to be found. */
  declare open: boolean;

  static override styles = [
    sharedStyles,
    css`
      :host { display: contents; }
      dialog { width: min(900px, 94vw); max-height: 86vh; border: 1px solid var(--_line); border-radius: 10px; padding: 16px; }
      dialog::backdrop { background: rgb(0 0 0 / 35%); }
      pre { margin: 8px 0; padding: 10px; background: #0d1117; color: #e6edf3; max-height: 60vh; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; border-radius: 8px; font-size: 13px; }
      h2 { font-size: 18px; margin: 0; overflow-wrap: anywhere; }
    `,
  ];

  private readonly gateway = new GatewayController(this);

  constructor() {
    super();
    this.gatewayUrl = '';
    this.job = '';
    this.script = '';
    this.copied = '';
    this.open = false;
  }

  private async show(): Promise<void> {
    this.gateway.clearError();
    this.copied = '';
    const script = await this.gateway.run((c) => c.read<string>('script_job', { name: this.job }));
    if (script == null) return;
    this.script = script;
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  /** The clipboard API where the page may use it; else the selection and execCommand (plain http). */
  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.script);
    } catch {
      const area = document.createElement('textarea');
      area.value = this.script;
      this.renderRoot.appendChild(area);
      area.select();
      const ok = document.execCommand('copy');
      area.remove();
      if (!ok) {
        this.copied = 'Copying was refused by the browser: select the text and copy it.';
        return;
      }
    }
    this.copied = 'Copied to the clipboard.';
  }

  private async exportJson(): Promise<void> {
    this.gateway.clearError();
    const doc = await this.gateway.run((c) => c.read<unknown>('export_job', { name: this.job }));
    if (doc == null) return;
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${this.job.replace(/[^\p{L}\p{N}._-]+/gu, '_')}.job.json`;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  override render() {
    if (!this.job) return nothing;
    return html`<button type="button" data-action="script" @click=${() => void this.show()}>Script as SQL</button>
      <button type="button" data-action="export" @click=${() => void this.exportJson()}>Export JSON</button>
      ${this.gateway.error ? html`<span class="field-error" role="alert">${this.gateway.error.message}</span>` : nothing}
      ${this.open ? this.renderDialog() : nothing}`;
  }

  private renderDialog() {
    return html`<dialog part="dialog" aria-labelledby="script-title" @close=${() => (this.open = false)}>
        <div class="toolbar"><h2 id="script-title">Job “${this.job}” as SQL</h2></div>
        <p class="muted">Run it with psql (one transaction: it fails and changes nothing where the job exists). Connections are named, never their password.</p>
        <pre aria-label="SQL script">${this.script}</pre>
        <div class="toolbar">
          <button class="primary" type="button" @click=${() => void this.copy()}>Copy</button>
          <span role="status">${this.copied}</span>
          <span class="spacer"></span>
          <button type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>Close</button>
        </div>
      </dialog>`;
  }
}
define('pga-job-script', PgaJobScript);

declare global {
  interface HTMLElementTagNameMap {
    'pga-job-script': PgaJobScript;
  }
}

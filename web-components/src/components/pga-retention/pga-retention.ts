import { css, html, LitElement, nothing } from 'lit';
import { GatewayError } from '../../api/client.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { fieldInput, placeFieldError, type FormFields } from '../../form-errors.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';

/** get_retention's answer. */
interface Retention {
  keep_runs: number | null;
  keep_age: string | null;
  jobs_with_own_policy: number;
  runs_to_purge: number;
}

const RETENTION_FIELDS: FormFields = {
  keep_runs: { control: 'keep_runs', label: 'Keep runs per job' },
  keep_age: { control: 'keep_age', label: 'Keep for' },
};

/** SQLSTATEs of a duration PostgreSQL cannot read (invalid_datetime_format, datetime_field_overflow, interval_field_overflow). */
const BAD_INTERVAL = new Set(['22007', '22008', '22015']);

/**
 * History retention: how many finished runs of each job are kept and for how long (the global
 * setting; a job may carry its own), how many runs that lets go now, and "purge now", which asks
 * first and says how many runs go. The database applies the retention by itself, a little at a
 * time; purging only does it at once. Everyone reads it; admins change it.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @csspart retention - the section
 */
export class PgaRetention extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    retention: { state: true },
    notice: { state: true },
    fieldErrors: { state: true },
  };
  declare gatewayUrl: string;
  declare retention: Retention | null;
  declare notice: string;
  declare fieldErrors: Record<string, string>;

  static override styles = [
    sharedStyles,
    css`
      .field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
      form.row input { width: 12em; max-width: 100%; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 10px; }
      dt { color: var(--_muted); }
      dd { margin: 0; }
    `,
  ];

  private readonly gateway = new GatewayController(this, { onReady: () => void this.load() });

  constructor() {
    super();
    this.gatewayUrl = '';
    this.retention = null;
    this.notice = '';
    this.fieldErrors = {};
  }

  async load(): Promise<void> {
    const r = await this.gateway.run((c) => c.read<Retention>('get_retention'));
    if (r) this.retention = r;
  }

  private policyWords(r: Retention): string {
    const parts = [r.keep_runs ? `the newest ${r.keep_runs} finished runs of each job stay` : '', r.keep_age ? `finished runs older than ${r.keep_age} go` : ''].filter(Boolean);
    return parts.length ? parts.join('; ') : 'no limit: history is kept for ever';
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const f = new FormData(event.target as HTMLFormElement);
    const keepRuns = String(f.get('keep_runs') ?? '').trim();
    const keepAge = String(f.get('keep_age') ?? '').trim();
    this.gateway.clearError();
    this.notice = '';
    this.fieldErrors = {};
    const done = await this.gateway.run((c) =>
      c.call('set_retention', { keep_runs: keepRuns === '' ? null : Number(keepRuns), keep_age: keepAge === '' ? null : keepAge }).then(() => true),
    );
    if (!done) {
      const error = this.gateway.error;
      // A duration PostgreSQL cannot read fails before set_retention runs, so no field is named:
      // it can only be the one duration of this form.
      if (error instanceof GatewayError && BAD_INTERVAL.has(error.code)) {
        this.gateway.clearError();
        this.fieldErrors = { keep_age: `“${keepAge}” is not a duration: write it as 90 days, 12 hours or 6 months.` };
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('[name="keep_age"]')?.focus();
        return;
      }
      await placeFieldError(this, this.gateway, RETENTION_FIELDS);
      return;
    }
    await this.load();
    this.notice = `Saved the retention: ${this.retention ? this.policyWords(this.retention) : ''}.`;
  }

  private async purge(): Promise<void> {
    this.notice = '';
    this.gateway.clearError();
    await this.load(); // the count asked about is the one of now
    const r = this.retention;
    if (!r) return;
    if (r.runs_to_purge === 0) {
      this.notice = 'Nothing to purge: every finished run is within the retention.';
      return;
    }
    const own = r.jobs_with_own_policy ? ` ${r.jobs_with_own_policy} job(s) use their own retention instead.` : '';
    const question = `Delete ${r.runs_to_purge} finished run(s) now, with their step output and mail? Rule: ${this.policyWords(r)}.${own} Queued and running runs stay. This cannot be undone.`;
    if (!confirm(question)) return;
    const deleted = await this.gateway.run((c) => c.call<number>('purge_history', {}));
    if (deleted === undefined) return;
    await this.load();
    this.notice = `Deleted ${deleted} finished run(s).`;
  }

  override render() {
    if (this.gateway.anonymous) return nothing;
    const admin = this.gateway.can('pgautomator_admin');
    const r = this.retention;
    return html`<section class="card" part="retention" aria-labelledby="h-retention">
      <h3 id="h-retention">History retention</h3>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${r
        ? html`<dl aria-label="Current retention">
            <dt>Rule</dt><dd data-rule>${this.policyWords(r)}</dd>
            <dt>Jobs with their own rule</dt><dd>${r.jobs_with_own_policy}</dd>
            <dt>Runs past the rule now</dt><dd data-to-purge>${r.runs_to_purge} <span class="muted">(the database deletes them by itself, a little at a time)</span></dd>
          </dl>`
        : nothing}
      ${admin && r
        ? html`<form class="row" aria-label="Retention" @submit=${this.save}>
              ${fieldInput(this.fieldErrors, 'keep_runs', 'Keep runs per job (empty: no limit)', { type: 'number', min: '1', value: r.keep_runs === null ? '' : String(r.keep_runs) })}
              ${fieldInput(this.fieldErrors, 'keep_age', 'Keep for (empty: no limit)', { placeholder: '90 days', value: r.keep_age ?? '' })}
              <button class="primary" type="submit">Save retention</button>
              <button class="danger" type="button" @click=${() => void this.purge()}>Purge now…</button>
            </form>`
        : nothing}
    </section>`;
  }
}
define('pga-retention', PgaRetention);

declare global {
  interface HTMLElementTagNameMap {
    'pga-retention': PgaRetention;
  }
}

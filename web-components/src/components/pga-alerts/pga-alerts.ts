import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { formatInstant, formatRelative } from '../../time-format.ts';

/** A row of list_alerts (the alerts view), as JSON. */
export interface AlertRow {
  /** null for the computed no_agent row. */
  id: number | null;
  job: string | null;
  kind: 'freshness' | 'duration' | 'no_agent' | string;
  run_id: number | null;
  message: string | null;
  raised_at: string | null;
  cleared_at: string | null;
  cleared_by_run_id: number | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  open: boolean;
}

const KIND_WORDS: Record<string, string> = { freshness: 'not fresh', duration: 'running long', no_agent: 'no agent' };

// alert_* are sent whatever the watch (not progress events); agents coming and going change the
// computed no_agent row; a run's end clears a duration or freshness alert (alert_cleared says so
// too, run_finished is a second chance when alert_cleared raced a resync).
const RELOAD_ON = new Set(['alert_raised', 'alert_cleared', 'alert_acknowledged', 'agent_online', 'agent_offline', 'run_finished']);

/**
 * Alerts raised by the database (freshness: a job that has not succeeded in time; duration: a
 * run that takes too long; no_agent: nobody runs anything): open ones first, with an Acknowledge
 * button for operators. Acknowledged alerts are dimmed; cleared ones are shown only on request.
 * Live: it reloads on the alert events of the gateway's stream.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr show-cleared - also list alerts that were cleared
 * @fires pga-job-open - {name} when an alert's job is chosen
 * @fires pga-run-open - {runId} when an alert's run is chosen
 * @csspart table - the alerts table
 */
export class PgaAlerts extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    showCleared: { type: Boolean, attribute: 'show-cleared' },
    alerts: { state: true },
    notice: { state: true },
    loaded: { state: true },
  };
  declare gatewayUrl: string;
  declare showCleared: boolean;
  declare alerts: AlertRow[];
  declare notice: string;
  declare loaded: boolean;

  static override styles = [
    sharedStyles,
    css`
      /* Dimmed, not faded: opacity would drop the text below the contrast axe (and readers) need. */
      tr.acknowledged td, tr.cleared td { color: var(--_muted); background: #f6f8fa; }
      tr.acknowledged .link, tr.cleared .link { color: #0550ae; } /* the accent is 4.4:1 on the grey: too little */
      tr.cleared td.kind { text-decoration: line-through; }
      td.when { white-space: nowrap; }
      .link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; text-decoration: underline; }
      .scroll { overflow-x: auto; }
      .count { font-weight: 600; }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e: GatewayEvent) => {
      if (RELOAD_ON.has(e.event)) this.gateway.reloadSoon(() => void this.load(), 200);
    },
  });
  private readonly clock = new ClockController(this, 15_000);
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.gatewayUrl = '';
    this.showCleared = false;
    this.alerts = [];
    this.notice = '';
    this.loaded = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The computed no_agent row appears when heartbeats stop, which sends no event: read again
    // now and then (as pga-agents does for silent agents).
    this.poll = setInterval(() => this.gateway.session && void this.load(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('showCleared') && this.hasUpdated && this.gateway.session) void this.load();
  }

  /** Reloads the alerts (open only, unless show-cleared; only the latest load is shown: GatewayController.latest). */
  async load(): Promise<void> {
    const rows = await this.gateway.latest('alerts', () => this.gateway.run((c) => c.read<AlertRow[]>('list_alerts', { open_only: !this.showCleared })));
    if (rows) {
      this.alerts = rows;
      this.loaded = true;
    }
  }

  private async acknowledge(alert: AlertRow): Promise<void> {
    if (alert.id === null) return;
    this.notice = '';
    this.gateway.clearError();
    const done = await this.gateway.run((c) => c.call('acknowledge_alert', { alert_id: alert.id }).then(() => true));
    await this.load();
    if (done) this.notice = `Acknowledged the ${alert.kind} alert of “${alert.job}”.`;
  }

  private status(a: AlertRow) {
    if (!a.open) return html`cleared ${formatRelative(a.cleared_at, this.clock.now)}${a.cleared_by_run_id ? html` by <button class="link" @click=${() => emit(this, 'pga-run-open', { runId: a.cleared_by_run_id! })}>run ${a.cleared_by_run_id}</button>` : nothing}`;
    if (a.acknowledged_at) return html`acknowledged by ${a.acknowledged_by ?? '?'} <span class="muted">${formatRelative(a.acknowledged_at, this.clock.now)}</span>`;
    return html`<strong class="error">open</strong>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const operator = this.gateway.can('pgautomator_operator');
    const open = this.alerts.filter((a) => a.open);
    const waiting = open.filter((a) => !a.acknowledged_at).length;
    return html`<div class="toolbar">
        <h2 style="margin:0">Alerts</h2>
        <span class="muted" role="status"><span class="count">${open.length}</span> open${open.length ? `, ${waiting} not acknowledged` : ''}</span>
        <span class="spacer"></span>
        <label class="inline"><input type="checkbox" name="show_cleared" .checked=${this.showCleared} @change=${(e: Event) => (this.showCleared = (e.target as HTMLInputElement).checked)} />Show cleared alerts</label>
        <button @click=${() => void this.load()}>Refresh</button>
      </div>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${operator ? nothing : html`<div class="banner info">Read only: acknowledging alerts needs pgautomator_operator.</div>`}
      <div class="scroll">
        <table part="table" aria-label="Alerts">
          <thead><tr><th>Kind</th><th>Job</th><th>Since</th><th>Message</th><th>Status</th>${operator ? html`<th><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
          <tbody>
            ${this.loaded && this.alerts.length === 0 ? html`<tr><td colspan=${operator ? 6 : 5} class="muted">${this.showCleared ? 'No alert was ever raised.' : 'No open alert: every job is fresh and no run is overdue.'}</td></tr>` : nothing}
            ${this.alerts.map(
              (a) => html`<tr data-alert=${a.id ?? a.kind} class=${!a.open ? 'cleared' : a.acknowledged_at ? 'acknowledged' : ''}>
                <td class="kind">${KIND_WORDS[a.kind] ?? a.kind}<div class="muted">${a.kind}</div></td>
                <td>${a.job ? html`<button class="link" @click=${() => emit(this, 'pga-job-open', { name: a.job })}>${a.job}</button>` : '—'}
                  ${a.run_id ? html`<div><button class="link" @click=${() => emit(this, 'pga-run-open', { runId: a.run_id! })}>run ${a.run_id}</button></div>` : nothing}</td>
                <td class="when" title=${formatInstant(a.raised_at)}>${formatRelative(a.raised_at, this.clock.now)}</td>
                <td>${a.message ?? ''}</td>
                <td>${this.status(a)}</td>
                ${operator
                  ? html`<td>${a.id !== null && a.open && !a.acknowledged_at
                      ? html`<button @click=${() => void this.acknowledge(a)} aria-label="Acknowledge the ${a.kind} alert of ${a.job}">Acknowledge</button>`
                      : nothing}</td>`
                  : nothing}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}
define('pga-alerts', PgaAlerts);

declare global {
  interface HTMLElementTagNameMap {
    'pga-alerts': PgaAlerts;
  }
}

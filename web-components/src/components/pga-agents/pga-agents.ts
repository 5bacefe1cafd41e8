import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import { formatInstant, formatRelative } from '../../time-format.ts';
import '../pga-state-badge/pga-state-badge.ts';

export interface AgentRow {
  name: string;
  host: string | null;
  os: string | null;
  version: string | null;
  tags: string[];
  state: 'online' | 'draining' | 'offline';
  online: boolean;
  max_concurrent: number;
  started_at: string | null;
  last_heartbeat_at: string | null;
  running: number;
  running_runs: Array<{ run_id: number; job: string; started_at: string }>;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: string | null;
  smtp_user: string | null;
  smtp_password_ref: string | null;
  smtp_from: string | null;
}

interface SmtpDraft {
  agent: string;
  host: string;
  port: string;
  security: string;
  user: string;
  password_ref: string;
  from: string;
}

const AGENT_EVENTS = new Set(['agent_online', 'agent_offline', 'run_started', 'run_finished']);

/**
 * The agents at a glance: state (online, draining, offline; online but silent shows as
 * unresponsive), host, OS, version, tags, last heartbeat and what each runs now. Admins also see
 * and change each agent's SMTP relay.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @fires pga-run-open - {runId} when a running run is chosen
 * @fires pga-agent-save - {name} after SMTP settings were saved
 * @csspart table - the agents table
 */
export class PgaAgents extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    agents: { state: true },
    smtp: { state: true },
    notice: { state: true },
  };
  declare gatewayUrl: string;
  declare agents: AgentRow[];
  declare smtp: SmtpDraft | null;
  declare notice: string;

  static override styles = [
    sharedStyles,
    css`
      .tags span { display: inline-block; background: #eef1f4; border-radius: 4px; padding: 0 6px; margin: 0 3px 3px 0; font-size: 12px; }
      ul.now { list-style: none; margin: 0; padding: 0; }
      .link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; }
      form.smtp { margin-top: 12px; }
    `,
  ];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.load(),
    onEvent: (e: GatewayEvent) => {
      if (AGENT_EVENTS.has(e.event)) this.gateway.reloadSoon(() => void this.load(), 200);
    },
  });
  private readonly clock = new ClockController(this, 5000);
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.gatewayUrl = '';
    this.agents = [];
    this.smtp = null;
    this.notice = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Heartbeats send no event: a silent agent is noticed by reading again now and then.
    this.poll = setInterval(() => this.gateway.session && void this.load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  /** Reloads the agents. */
  async load(): Promise<void> {
    const rows = await this.gateway.run((c) => c.read<AgentRow[]>('list_agents'));
    if (rows) this.agents = rows;
  }

  /** Removes an agent that is gone for good (the database refuses one online, draining or pinned by jobs). */
  private async deleteAgent(a: AgentRow): Promise<void> {
    if (!confirm(`Delete agent “${a.name}”? Its run history stays; it may register again later.`)) return;
    this.notice = '';
    this.gateway.clearError();
    const done = await this.gateway.run((c) => c.call('delete_agent', { name: a.name }).then(() => true));
    if (done) {
      this.notice = `Deleted agent “${a.name}”.`;
      await this.load();
    }
  }

  private editSmtp(a: AgentRow): void {
    this.notice = '';
    this.smtp = {
      agent: a.name,
      host: a.smtp_host ?? '',
      port: a.smtp_port ? String(a.smtp_port) : '',
      security: a.smtp_security ?? 'starttls',
      user: a.smtp_user ?? '',
      password_ref: a.smtp_password_ref ?? '',
      from: a.smtp_from ?? '',
    };
  }

  private async saveSmtp(event: Event): Promise<void> {
    event.preventDefault();
    const d = this.smtp!;
    this.gateway.clearError();
    const ok = await this.gateway.run((c) =>
      c
        .call('set_agent_smtp', {
          agent: d.agent,
          host: d.host || null,
          port: d.port ? Number(d.port) : null,
          security: d.security,
          user: d.user || null,
          password_ref: d.password_ref || null,
          from: d.from || null,
        })
        .then(() => true),
    );
    if (ok) {
      this.notice = `Saved the SMTP settings of ${d.agent} (the agent reads them when it starts).`;
      this.smtp = null;
      emit(this, 'pga-agent-save', { name: d.agent });
      await this.load();
    }
  }

  private renderSmtpForm() {
    const d = this.smtp;
    if (!d) return nothing;
    const input = (key: keyof SmtpDraft, label: string, placeholder = '') =>
      html`<label>${label}<input name="smtp_${key}" placeholder=${placeholder} .value=${d[key]} @input=${(e: Event) => (this.smtp = { ...d, [key]: (e.target as HTMLInputElement).value })} /></label>`;
    return html`<form class="smtp card" @submit=${this.saveSmtp} aria-label="SMTP settings of ${d.agent}">
      <h3>SMTP relay of ${d.agent}</h3>
      <div class="row">
        ${input('host', 'Host (empty: no mail)', 'smtp.example.com')} ${input('port', 'Port', '587')}
        <label>Security<select name="smtp_security" aria-label="Security" .value=${d.security} @change=${(e: Event) => (this.smtp = { ...d, security: (e.target as HTMLSelectElement).value })}>
          ${['none', 'starttls', 'tls'].map((s) => html`<option value=${s} ?selected=${s === d.security}>${s}</option>`)}</select></label>
        ${input('user', 'User')} ${input('password_ref', 'Password reference', 'env:SMTP_PASSWORD')} ${input('from', 'From', 'scheduler@example.com')}
      </div>
      <p class="muted">The password is never stored: the agent reads it from the environment variable or file named here.</p>
      <div class="toolbar"><button class="primary" type="submit">Save SMTP settings</button><button type="button" @click=${() => (this.smtp = null)}>Cancel</button></div>
    </form>`;
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const admin = this.gateway.can('pgautomator_admin');
    const counts = { online: 0, draining: 0, offline: 0 };
    for (const a of this.agents) counts[a.state] = (counts[a.state] ?? 0) + 1;
    return html`<div class="toolbar">
        <h2 style="margin:0">Agents</h2>
        <span class="muted">${counts.online} online · ${counts.draining} draining · ${counts.offline} offline</span>
        <span class="spacer"></span><button @click=${() => void this.load()}>Refresh</button>
      </div>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      <table part="table" aria-label="Agents">
        <thead><tr><th>State</th><th>Agent</th><th>Host</th><th>Version</th><th>Tags</th><th>Last heartbeat</th><th>Running now</th>${admin ? html`<th>Mail</th><th>Actions</th>` : nothing}</tr></thead>
        <tbody>
          ${this.agents.length === 0 ? html`<tr><td colspan="8" class="muted">No agent has registered yet. Start one: <code>pgautomator agent --database-url … --name …</code></td></tr>` : nothing}
          ${this.agents.map(
            (a) => html`<tr data-agent=${a.name}>
              <td><pga-state-badge state=${a.state}></pga-state-badge>${a.state === 'online' && !a.online ? html`<div class="error">unresponsive</div>` : nothing}</td>
              <td><strong>${a.name}</strong><div class="muted">max ${a.max_concurrent} at once</div></td>
              <td>${a.host ?? '—'}<div class="muted">${a.os ?? ''}</div></td>
              <td>${a.version ?? '—'}</td>
              <td class="tags">${(a.tags ?? []).map((t) => html`<span>${t}</span>`)}</td>
              <td title=${formatInstant(a.last_heartbeat_at)}>${formatRelative(a.last_heartbeat_at, this.clock.now)}</td>
              <td>${a.running_runs?.length
                ? html`<ul class="now">${a.running_runs.map((r) => html`<li><button class="link" @click=${() => emit(this, 'pga-run-open', { runId: r.run_id })}>${r.job} (run ${r.run_id})</button> <span class="muted">${formatRelative(r.started_at, this.clock.now)}</span></li>`)}</ul>`
                : html`<span class="muted">idle</span>`}</td>
              ${admin ? html`<td><button @click=${() => this.editSmtp(a)} aria-label="SMTP settings of ${a.name}: ${a.smtp_host ? `SMTP: ${a.smtp_host}` : 'Set up SMTP'}">${a.smtp_host ? `SMTP: ${a.smtp_host}` : 'Set up SMTP'}</button></td>
                  <td>${a.state === 'offline' ? html`<button class="danger" @click=${() => this.deleteAgent(a)} aria-label="Delete agent ${a.name}">Delete</button>` : html`<span class="muted" title="An agent is deleted once it is offline">—</span>`}</td>` : nothing}
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.renderSmtpForm()}`;
  }
}
define('pga-agents', PgaAgents);

declare global {
  interface HTMLElementTagNameMap {
    'pga-agents': PgaAgents;
  }
}

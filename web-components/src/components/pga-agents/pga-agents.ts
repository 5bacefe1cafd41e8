import { css, html, LitElement, nothing } from 'lit';
import type { GatewayEvent } from '../../api/client.ts';
import { ClockController } from '../../controllers/clock-controller.ts';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { placeFieldError, type FormFields } from '../../form-errors.ts';
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
  drained_at: string | null;
  drained_by: string | null;
}

/** get_notification's answer, the part the screen shows. */
interface MailState {
  state: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

/** A test mail sent from this screen, followed until it is sent or failed. */
interface TestMail {
  agent: string;
  to: string;
  id: number;
  mail: MailState | null;
}

const TEST_MAIL_FIELDS: FormFields = {
  to: { control: 'test_to', label: 'To' },
  agent: { control: 'test_to', label: 'Agent' },
};

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
 * and change each agent's SMTP relay and send a test mail through it (followed until the agent
 * sent it or gave up), drain an agent (it finishes its runs and takes no new ones) and resume it,
 * and delete one that is offline.
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
    testFor: { state: true },
    testMail: { state: true },
    fieldErrors: { state: true },
  };
  declare gatewayUrl: string;
  declare agents: AgentRow[];
  declare smtp: SmtpDraft | null;
  declare notice: string;
  /** The agent whose test-mail form is open. */
  declare testFor: string;
  declare testMail: TestMail | null;
  declare fieldErrors: Record<string, string>;

  static override styles = [
    sharedStyles,
    css`
      .tags span { display: inline-block; background: #eef1f4; border-radius: 4px; padding: 0 6px; margin: 0 3px 3px 0; font-size: 12px; }
      ul.now { list-style: none; margin: 0; padding: 0; }
      .link { background: none; border: none; padding: 0; color: var(--_accent); cursor: pointer; }
      form.smtp, form.test-mail { margin-top: 12px; }
      td.actions button { margin: 0 4px 4px 0; }
      .field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
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
  private mailPoll: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.gatewayUrl = '';
    this.agents = [];
    this.smtp = null;
    this.notice = '';
    this.testFor = '';
    this.testMail = null;
    this.fieldErrors = {};
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Heartbeats send no event: a silent agent is noticed by reading again now and then.
    this.poll = setInterval(() => this.gateway.session && void this.load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
    clearTimeout(this.mailPoll);
  }

  /** Reloads the agents (only the latest load is shown: GatewayController.latest). */
  async load(): Promise<void> {
    const rows = await this.gateway.latest('agents', () => this.gateway.run((c) => c.read<AgentRow[]>('list_agents')));
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

  /** Drains an agent: it finishes what it runs and claims nothing new until resumed. */
  private async drain(a: AgentRow): Promise<void> {
    const runs = a.running ? `It finishes the ${a.running} run(s) it is running` : 'It runs nothing now';
    if (!confirm(`Drain agent “${a.name}”? ${runs} and takes no new runs until you resume it (also after a restart). Jobs only it may run wait meanwhile.`)) return;
    await this.agentCall(a.name, 'drain_agent', `Draining agent “${a.name}”: it takes no new runs.`);
  }

  private async agentCall(name: string, fn: 'drain_agent' | 'undrain_agent', notice: string): Promise<void> {
    this.notice = '';
    this.gateway.clearError();
    const done = await this.gateway.run((c) => c.call(fn, { name }).then(() => true));
    if (done) {
      this.notice = notice;
      await this.load();
    }
  }

  private openTestMail(a: AgentRow): void {
    this.notice = '';
    this.fieldErrors = {};
    this.gateway.clearError();
    this.testFor = a.name;
  }

  private async sendTestMail(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const to = String(new FormData(event.target as HTMLFormElement).get('test_to') ?? '').trim();
    const agent = this.testFor;
    this.fieldErrors = {};
    this.gateway.clearError();
    const id = await this.gateway.run((c) => c.call<number>('send_test_mail', { to, agent }));
    if (id === undefined) {
      await placeFieldError(this, this.gateway, TEST_MAIL_FIELDS);
      return;
    }
    this.testFor = '';
    this.testMail = { agent, to, id, mail: null };
    clearTimeout(this.mailPoll);
    void this.followTestMail(id);
  }

  /**
   * Reads the test mail's state until the agent sent it or gave up. The agent sends mail when its
   * heartbeat says some is due (one heartbeat interval at most), and retries with a growing pause.
   */
  private async followTestMail(id: number): Promise<void> {
    if (this.testMail?.id !== id) return;
    const mail = await this.gateway.run((c) => c.read<MailState>('get_notification', { id }));
    if (this.testMail?.id !== id || !mail) return;
    this.testMail = { ...this.testMail, mail };
    if (mail.state === 'sent' || mail.state === 'failed') return;
    this.mailPoll = setTimeout(() => void this.followTestMail(id), 1000);
  }

  private renderTestMail() {
    const t = this.testMail;
    const form = this.testFor
      ? html`<form class="test-mail card" aria-label="Test mail through ${this.testFor}" @submit=${this.sendTestMail}>
          <h3>Test mail through ${this.testFor}</h3>
          <div class="row">
            <span class="field"><label>To<input name="test_to" type="email" required placeholder="dba@example.com" aria-invalid=${this.fieldErrors.test_to ? 'true' : 'false'} aria-describedby="err-test_to" /></label>
              ${this.fieldErrors.test_to ? html`<span class="field-error" id="err-test_to" role="alert">${this.fieldErrors.test_to}</span>` : nothing}</span>
            <button class="primary" type="submit">Send test mail</button><button type="button" @click=${() => (this.testFor = '')}>Cancel</button>
          </div>
          <p class="muted">The agent sends it through its SMTP relay at its next heartbeat, as it sends job mail.</p>
        </form>`
      : nothing;
    if (!t) return form;
    const m = t.mail;
    const words = !m
      ? 'queued'
      : m.state === 'sent'
        ? `sent: the SMTP server accepted it at ${formatInstant(m.sent_at)}`
        : m.state === 'failed'
          ? `failed after ${m.attempts} attempt(s): ${m.last_error ?? 'no reason given'}`
          : m.last_error
            ? `attempt ${m.attempts} failed (${m.last_error}); the agent tries again`
            : m.state === 'sending' ? 'the agent is sending it' : `waiting for ${t.agent} to send it`;
    return html`${form}<div class="banner ${m?.state === 'failed' || m?.last_error ? '' : 'info'}" role="status" data-test-mail=${m?.state ?? 'pending'}>Test mail to ${t.to} through ${t.agent}: ${words}.</div>`;
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

  /** Drain or resume (an admin's drain); delete once offline (delete_agent refuses a live agent). */
  private renderActions(a: AgentRow) {
    const drain = a.drained_at
      ? html`<button @click=${() => this.agentCall(a.name, 'undrain_agent', `Resumed agent “${a.name}”: it takes runs again from its next heartbeat.`)} aria-label="Resume agent ${a.name}">Resume</button>`
      : a.state === 'online'
        ? html`<button @click=${() => this.drain(a)} aria-label="Drain agent ${a.name}">Drain</button>`
        : nothing;
    const remove = a.state === 'offline' ? html`<button class="danger" @click=${() => this.deleteAgent(a)} aria-label="Delete agent ${a.name}">Delete</button>` : nothing;
    return drain === nothing && remove === nothing ? html`<span class="muted" title="An agent is deleted once it is offline">—</span>` : html`${drain}${remove}`;
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
              <td><pga-state-badge state=${a.state}></pga-state-badge>${a.state === 'online' && !a.online ? html`<div class="error">unresponsive</div>` : nothing}
                ${a.drained_at ? html`<div class="muted" title=${formatInstant(a.drained_at)}>drained by ${a.drained_by ?? '?'} ${formatRelative(a.drained_at, this.clock.now)}</div>` : nothing}</td>
              <td><strong>${a.name}</strong><div class="muted">max ${a.max_concurrent} at once</div></td>
              <td>${a.host ?? '—'}<div class="muted">${a.os ?? ''}</div></td>
              <td>${a.version ?? '—'}</td>
              <td class="tags">${(a.tags ?? []).map((t) => html`<span>${t}</span>`)}</td>
              <td title=${formatInstant(a.last_heartbeat_at)}>${formatRelative(a.last_heartbeat_at, this.clock.now)}</td>
              <td>${a.running_runs?.length
                ? html`<ul class="now">${a.running_runs.map((r) => html`<li><button class="link" @click=${() => emit(this, 'pga-run-open', { runId: r.run_id })}>${r.job} (run ${r.run_id})</button> <span class="muted">${formatRelative(r.started_at, this.clock.now)}</span></li>`)}</ul>`
                : html`<span class="muted">idle</span>`}</td>
              ${admin ? html`<td><button @click=${() => this.editSmtp(a)} aria-label="SMTP settings of ${a.name}: ${a.smtp_host ? `SMTP: ${a.smtp_host}` : 'Set up SMTP'}">${a.smtp_host ? `SMTP: ${a.smtp_host}` : 'Set up SMTP'}</button>
                    ${a.smtp_host && a.state !== 'offline' ? html`<div><button class="link" @click=${() => this.openTestMail(a)} aria-label="Send test mail through ${a.name}">Send test mail</button></div>` : nothing}</td>
                  <td class="actions">${this.renderActions(a)}</td>` : nothing}
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.renderSmtpForm()} ${this.renderTestMail()}`;
  }
}
define('pga-agents', PgaAgents);

declare global {
  interface HTMLElementTagNameMap {
    'pga-agents': PgaAgents;
  }
}

import { html, LitElement, nothing } from 'lit';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { emit } from '../../events.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import '../pga-agents/pga-agents.ts';
import '../pga-alerts/pga-alerts.ts';
import '../pga-job-editor/pga-job-editor.ts';
import '../pga-job-import/pga-job-import.ts';
import '../pga-jobs/pga-jobs.ts';
import '../pga-overview/pga-overview.ts';
import '../pga-runs/pga-runs.ts';
import '../pga-schedule-editor/pga-schedule-editor.ts';
import '../pga-settings/pga-settings.ts';
import '../pga-timeline/pga-timeline.ts';
import { browserZone, displayZoneChoice, setDisplayZoneChoice } from '../../time-format.ts';
import { consoleStyles } from './pga-console.styles.ts';

const VIEWS = ['overview', 'jobs', 'schedules', 'runs', 'timeline', 'alerts', 'agents', 'settings'] as const;
type View = (typeof VIEWS)[number] | 'job';
const TITLES: Record<(typeof VIEWS)[number], string> = { overview: 'Overview', jobs: 'Jobs', schedules: 'Schedules', runs: 'History', timeline: 'Timeline', alerts: 'Alerts', agents: 'Agents', settings: 'Settings' };

interface Route {
  view: View;
  /** job name (view job), schedule name (view schedules) or run id (view runs). */
  arg: string;
  /** The view's filters (`#runs?state=failed&job=backup`), so a filtered page can be shared and reloaded. */
  query: URLSearchParams;
}

function parseHash(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view, ...rest] = path.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  const query = new URLSearchParams(search);
  if (view === 'job') return { view: 'job', arg, query };
  if ((VIEWS as readonly string[]).includes(view)) return { view: view as View, arg, query };
  // The first screen (no hash, or an unknown one): the overview.
  return { view: 'overview', arg: '', query: new URLSearchParams() };
}

/**
 * The management console: navigation between the overview (the first screen), jobs, schedules, run history, the timeline and the
 * agents, composed of the other elements, with login and logout. Routes live in the URL hash
 * (`#overview`, `#jobs`, `#job/<name>`, `#schedules/<name>`, `#runs/<id>`, `#timeline`, `#alerts`, `#agents`) unless
 * `no-hash` is set.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @attr view - the view shown: overview, jobs, job, schedules, runs, timeline, alerts, agents
 * @attr no-hash - keep the route out of the URL (for portals that own the hash)
 * @fires pga-view-change - {view} when the view changes
 * @slot brand - the title at the left of the header (default "pgAutomator")
 * @csspart header - the header bar
 * @csspart main - the area of the current view
 */
export class PgaConsole extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    view: { type: String, reflect: true },
    arg: { type: String },
    noHash: { type: Boolean, attribute: 'no-hash' },
    schedules: { state: true },
    query: { state: true },
  };
  declare gatewayUrl: string;
  declare view: View;
  declare arg: string;
  declare noHash: boolean;
  declare schedules: Array<{ name: string; type: string; enabled: boolean }>;
  declare query: URLSearchParams;

  static override styles = [sharedStyles, consoleStyles];

  private readonly gateway = new GatewayController(this, {
    onReady: () => void this.loadSchedules(),
    onEvent: (e) => {
      if (e.event === 'schedule_changed') this.gateway.reloadSoon(() => void this.loadSchedules());
    },
  });
  private readonly onHash = () => this.applyRoute(parseHash(location.hash));

  constructor() {
    super();
    this.gatewayUrl = '';
    this.view = 'overview';
    this.arg = '';
    this.noHash = false;
    this.schedules = [];
    this.query = new URLSearchParams();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.noHash) {
      this.applyRoute(parseHash(location.hash));
      window.addEventListener('hashchange', this.onHash);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  private applyRoute(route: Route): void {
    if (route.view !== this.view) emit(this, 'pga-view-change', { view: route.view });
    this.view = route.view;
    this.arg = route.arg;
    this.query = route.query;
  }

  private hashOf(view: View, arg: string, query: URLSearchParams): string {
    const search = query.toString();
    return `#${view}${arg ? `/${encodeURIComponent(arg)}` : ''}${search ? `?${search}` : ''}`;
  }

  /** Shows a view (and writes it to the hash). */
  go(view: View, arg = '', query = view === this.view ? this.query : new URLSearchParams()): void {
    const route = { view, arg, query };
    if (!this.noHash) {
      const hash = this.hashOf(view, arg, query);
      if (location.hash !== hash) history.pushState(null, '', hash);
    }
    this.applyRoute(route);
  }

  /** A view's filters changed (history, jobs): into the URL (replacing, so Back leaves the view, not each filter). */
  private onFilter(filters: Record<string, string>): void {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    this.query = query;
    if (!this.noHash) history.replaceState(null, '', this.hashOf(this.view, this.arg, query));
  }

  private async loadSchedules(): Promise<void> {
    // Only the latest load is shown (GatewayController.latest).
    const rows = await this.gateway.latest('schedules', () =>
      this.gateway.run((c) => c.read<Array<{ name: string; type: string; enabled: boolean }>>('list_schedules')),
    );
    if (rows) this.schedules = rows;
  }

  private renderSchedules() {
    return html`<div class="schedules">
      <aside aria-label="Schedules">
        <ul>${this.schedules.map(
          (s) => html`<li><button aria-current=${s.name === this.arg ? 'true' : 'false'} @click=${() => this.go('schedules', s.name)}>${s.name}
            <span class="muted">${s.type}${s.enabled ? '' : ', disabled'}</span></button></li>`,
        )}</ul>
        <button class="primary" @click=${() => this.go('schedules', '')}>New schedule</button>
      </aside>
      <pga-schedule-editor gateway-url=${this.gatewayUrl} schedule=${this.arg}
        @pga-schedule-save=${(e: CustomEvent<{ name: string }>) => {
          void this.loadSchedules();
          this.go('schedules', e.detail.name);
        }}
        @pga-schedule-delete=${() => {
          void this.loadSchedules();
          this.go('schedules', '');
        }}
        @pga-job-open=${(e: CustomEvent<{ name: string | null }>) => this.go('job', e.detail.name ?? '')}></pga-schedule-editor>
    </div>`;
  }

  private renderView() {
    switch (this.view) {
      case 'job':
        return html`<button class="back" @click=${() => this.go('jobs')}>← All jobs</button>
          <pga-job-editor gateway-url=${this.gatewayUrl} job=${this.arg}
            @pga-job-save=${(e: CustomEvent<{ name: string }>) => this.arg !== e.detail.name && this.go('job', e.detail.name)}
            @pga-job-delete=${() => this.go('jobs')}
            @pga-job-open=${(e: CustomEvent<{ name: string | null }>) => this.go('job', e.detail.name ?? '')}
            @pga-schedule-open=${(e: CustomEvent<{ name: string | null }>) => this.go('schedules', e.detail.name ?? '')}></pga-job-editor>`;
      case 'schedules':
        return this.renderSchedules();
      case 'runs':
        return html`<pga-runs gateway-url=${this.gatewayUrl} .run=${this.arg ? Number(this.arg) : null}
          .job=${this.query.get('job') ?? ''} .state=${this.query.get('state') ?? ''} .agent=${this.query.get('agent') ?? ''}
          .since=${this.query.get('since') ?? ''} .until=${this.query.get('until') ?? ''}
          .search=${this.query.get('search') ?? ''} .range=${this.query.get('range') ?? ''}
          @pga-runs-filter=${(e: CustomEvent<Record<string, string>>) => this.onFilter(e.detail)}
          @pga-run-open=${(e: CustomEvent<{ runId: number }>) => this.go('runs', String(e.detail.runId))}></pga-runs>`;
      case 'overview':
        return html`<pga-overview gateway-url=${this.gatewayUrl} @pga-job-open=${(e: CustomEvent<{ name: string | null }>) => this.go('job', e.detail.name ?? '')}></pga-overview>`;
      case 'timeline':
        return html`<pga-timeline gateway-url=${this.gatewayUrl}></pga-timeline>`;
      case 'alerts':
        return html`<pga-alerts gateway-url=${this.gatewayUrl} @pga-job-open=${(e: CustomEvent<{ name: string | null }>) => this.go('job', e.detail.name ?? '')}></pga-alerts>`;
      case 'agents':
        return html`<pga-agents gateway-url=${this.gatewayUrl}></pga-agents>`;
      case 'settings':
        return html`<pga-settings gateway-url=${this.gatewayUrl}></pga-settings>`;
      default:
        return html`<pga-jobs gateway-url=${this.gatewayUrl} .search=${this.query.get('search') ?? ''} .category=${this.query.get('category') ?? ''}
          .state=${this.query.get('state') || 'all'} @pga-jobs-filter=${(e: CustomEvent<Record<string, string>>) => this.onFilter(e.detail)}
          @pga-job-open=${(e: CustomEvent<{ name: string | null }>) => this.go('job', e.detail.name ?? '')}>
          <pga-job-import slot="toolbar" gateway-url=${this.gatewayUrl} @pga-job-import=${(e: CustomEvent<{ name: string }>) => this.go('job', e.detail.name)}></pga-job-import></pga-jobs>`;
    }
  }

  override render() {
    const session = this.gateway.session;
    // The console is the page: it owns the page's one h1 and its main landmark (an element
    // embedded alone in a portal leaves both to the portal).
    if (this.gateway.anonymous) return html`<main part="main"><h1 class="visually-hidden">pgAutomator: log in</h1>${this.gateway.renderLogin()}</main>`;
    const current = this.view === 'job' ? 'jobs' : this.view;
    return html`<header part="header">
        <span class="brand"><slot name="brand">pgAutomator</slot></span>
        <nav aria-label="Main">${VIEWS.map(
          (v) => html`<a href="#${v}" aria-current=${v === current ? 'page' : 'false'} @click=${(e: Event) => {
            e.preventDefault();
            this.go(v);
          }}>${TITLES[v]}</a>`,
        )}</nav>
        <label class="zone">Times in<select aria-label="Show times in" @change=${(e: Event) => {
          setDisplayZoneChoice((e.target as HTMLSelectElement).value as 'browser' | 'UTC');
          this.requestUpdate();
        }}>
          <option value="browser" ?selected=${displayZoneChoice() === 'browser'}>${browserZone()} (this browser)</option>
          <option value="UTC" ?selected=${displayZoneChoice() === 'UTC'}>UTC</option></select></label>
        <span class="who">${session
          ? html`<span title=${session.groups.join(', ')}>${session.user} · ${session.groups.map((g) => g.replace('pgautomator_', '')).join(', ') || 'no access'}</span>
              <button @click=${() => void this.gateway.logout()}>Log out</button>`
          : nothing}</span>
      </header>
      <main part="main" @pga-run-open=${(e: CustomEvent<{ runId: number }>) => this.view !== 'runs' && this.go('runs', String(e.detail.runId))}>
        <h1 class="visually-hidden">pgAutomator: ${this.view === 'job' ? (this.arg ? `job ${this.arg}` : 'new job') : TITLES[this.view]}</h1>${this.renderView()}</main>`;
  }
}
define('pga-console', PgaConsole);

declare global {
  interface HTMLElementTagNameMap {
    'pga-console': PgaConsole;
  }
}

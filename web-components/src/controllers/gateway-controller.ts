/**
 * GatewayController: what every page-level element shares. It binds the host to the shared
 * client of its `gateway-url`, tracks the session (asking /auth/me once per page), calls
 * `onReady` when the session is there (and again after a login or an event-stream resync), and
 * forwards live events while the host is connected.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import '../components/pga-login-form/pga-login-form.ts';
import { getGatewayClient, GatewayError, type GatewayClient, type GatewayEvent, type SessionInfo, type SessionState } from '../api/client.ts';
import { emit } from '../events.ts';
import { DISPLAY_ZONE_EVENT } from '../time-format.ts';

export interface GatewayHost extends ReactiveControllerHost, HTMLElement {
  gatewayUrl: string;
}

export interface GatewayControllerOptions {
  /** Called when the session is ready: load data. */
  onReady?: () => void;
  /** Called for every live event while connected (after `resync`, onReady is called instead). */
  onEvent?: (event: GatewayEvent) => void;
}

const RANK: Record<string, number> = { pgautomator_viewer: 1, pgautomator_operator: 2, pgautomator_admin: 3 };

export class GatewayController implements ReactiveController {
  client!: GatewayClient;
  state: SessionState = { status: 'unknown' };
  /** The last error of a gateway call made through `run`, shown by the host. */
  error: GatewayError | Error | null = null;
  private boundUrl: string | undefined;
  private unsubscribe: Array<() => void> = [];
  private connected = false;

  constructor(private readonly host: GatewayHost, private readonly options: GatewayControllerOptions = {}) {
    host.addController(this);
  }

  get session(): SessionInfo | undefined {
    return this.state.status === 'ready' ? this.state.session : undefined;
  }

  /** True when the user holds `group` (admin implies operator implies viewer). */
  can(group: 'pgautomator_viewer' | 'pgautomator_operator' | 'pgautomator_admin'): boolean {
    const groups = this.session?.groups ?? [];
    return groups.some((g) => (RANK[g] ?? 0) >= RANK[group]);
  }

  // Times are shown in the zone picked in the console header: re-render when it changes.
  private readonly onZone = () => this.host.requestUpdate();

  hostConnected(): void {
    this.connected = true;
    this.bind();
    window.addEventListener(DISPLAY_ZONE_EVENT, this.onZone);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unbind();
    window.removeEventListener(DISPLAY_ZONE_EVENT, this.onZone);
  }

  hostUpdate(): void {
    if (this.connected && (this.host.gatewayUrl ?? '') !== this.boundUrl) this.bind();
  }

  private bind(): void {
    this.unbind();
    this.boundUrl = this.host.gatewayUrl ?? '';
    this.client = getGatewayClient(this.boundUrl);
    this.state = this.client.state;
    let readied = false;
    const apply = (state: SessionState) => {
      this.state = state;
      this.host.requestUpdate();
      // onReady once per session and binding: a new element on a page already logged in loads too.
      if (state.status === 'ready' && !readied) {
        readied = true;
        this.options.onReady?.();
      } else if (state.status !== 'ready') readied = false;
    };
    this.unsubscribe.push(this.client.onSession(apply));
    if (this.options.onEvent || this.options.onReady) {
      this.unsubscribe.push(
        this.client.onEvent((event) => {
          if (event.event === 'resync') this.options.onReady?.();
          else this.options.onEvent?.(event);
        }),
      );
    }
    void this.client.me().then(apply, (error: Error) => {
      this.error = error;
      this.host.requestUpdate();
    });
  }

  private unbind(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  /** True when the gateway said nobody is logged in: the host shows `renderLogin()` instead. */
  get anonymous(): boolean {
    return this.state.status === 'anonymous';
  }

  /** The login form that logs this gateway's elements in (shown by hosts while anonymous). */
  renderLogin(): TemplateResult {
    return html`<pga-login-form error=${this.error?.message ?? ''} ?busy=${this.loggingIn} @pga-login-submit=${(e: CustomEvent<{ user: string; password: string }>) => this.login(e.detail.user, e.detail.password)}></pga-login-form>`;
  }

  private loggingIn = false;

  async login(user: string, password: string): Promise<void> {
    this.error = null;
    this.loggingIn = true;
    this.host.requestUpdate();
    try {
      const session = await this.client.login(user, password);
      emit(this.host, 'pga-session-change', { user: session.user, groups: session.groups });
    } catch (error) {
      this.error = error as Error;
    } finally {
      this.loggingIn = false;
      this.host.requestUpdate();
    }
  }

  async logout(): Promise<void> {
    await this.client.logout().catch(() => {});
    emit(this.host, 'pga-session-change', { user: null, groups: [] });
  }

  /**
   * Runs a gateway call, keeping its error in `error` (and announcing it with pga-error-show)
   * instead of throwing; returns undefined when it failed.
   */
  async run<T>(work: (client: GatewayClient) => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work(this.client);
      return result;
    } catch (error) {
      this.error = error as Error;
      emit(this.host, 'pga-error-show', { message: (error as Error).message, code: error instanceof GatewayError ? error.code : null });
      this.host.requestUpdate();
      return undefined;
    }
  }

  /** Loads begun so far, per key (latest). */
  private readonly loads = new Map<string, number>();

  /**
   * Runs a load of what the host shows under `key`, and resolves to its answer only if no other
   * load of the same key began meanwhile (else to undefined: the caller shows nothing of it).
   * Loads overlap (a reload on an event, the reload after an action, a filter changed by the user),
   * and answers come back in any order: an older one applied last would undo what a newer one
   * showed (a job just disabled shown enabled again: CI met it in pga-jobs; a run's detail left
   * "running" after it ended; rows of the previous filter).
   */
  async latest<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
    const seq = (this.loads.get(key) ?? 0) + 1;
    this.loads.set(key, seq);
    const answer = await work();
    return this.loads.get(key) === seq ? answer : undefined;
  }

  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  /** Runs `load` once after a burst of events settles (150 ms). */
  reloadSoon(load: () => void, delayMs = 150): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(load, delayMs);
  }

  clearError(): void {
    this.error = null;
    this.host.requestUpdate();
  }
}

/**
 * The browser's gateway client: `POST /rpc/<fn>` with the CSRF token, `GET /rpc/<fn>` for reads,
 * login/logout/me, and one shared EventSource on `/events`. One client per gateway URL is shared by
 * every element of the page (getGatewayClient), so a login in one element logs them all in.
 */

export interface SessionInfo {
  user: string;
  groups: string[];
  csrfToken: string;
  via?: 'session' | 'header';
}

/** An error answered by the gateway: the database's code, message, field and hint. */
export class GatewayError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly hint: string | null;
  readonly detail: string | null;
  /** In a batch (`POST /rpc`): the function of the call that failed (nothing of the batch was committed). */
  readonly fn: string | null;
  constructor(status: number, body: { code?: string; message?: string; field?: string | null; hint?: string | null; detail?: string | null; fn?: string | null }) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'GatewayError';
    this.status = status;
    this.code = body.code ?? `http_${status}`;
    this.field = body.field ?? null;
    this.hint = body.hint ?? null;
    this.detail = body.detail ?? null;
    this.fn = body.fn ?? null;
  }
}

/** A NOTIFY payload: `{event, ...ids}`. */
export interface GatewayEvent {
  event: string;
  [key: string]: unknown;
}

export type SessionState = { status: 'unknown' } | { status: 'anonymous' } | { status: 'ready'; session: SessionInfo };

type Listener<T> = (value: T) => void;

/** A call refused with 503 gateway_busy is tried this many times in all before its error is shown. */
const BUSY_ATTEMPTS = 3;

export class GatewayClient {
  readonly baseUrl: string;
  private sessionState: SessionState = { status: 'unknown' };
  private mePromise: Promise<SessionState> | undefined;
  private readonly sessionListeners = new Set<Listener<SessionState>>();
  private readonly eventListeners = new Set<Listener<GatewayEvent>>();
  private source: EventSource | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get state(): SessionState {
    return this.sessionState;
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, attempt = 1): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      if (this.sessionState.status === 'ready') headers['X-CSRF-Token'] = this.sessionState.session.csrfToken;
    }
    const response = await fetch(this.url(path), {
      method,
      headers,
      credentials: 'include',
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (response.status === 503 && (data as { code?: string } | null)?.code === 'gateway_busy' && attempt < BUSY_ATTEMPTS) {
      // The gateway refuses before it touches the database when all its connections are in use,
      // so trying the same call again (a write too) cannot do anything twice.
      const seconds = Number(response.headers.get('Retry-After'));
      await new Promise((resolve) => setTimeout(resolve, Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, 3000) * attempt));
      return this.request<T>(method, path, body, attempt + 1);
    }
    if (!response.ok) {
      const error = new GatewayError(response.status, (data ?? {}) as Record<string, string>);
      if (response.status === 401 && !path.startsWith('/auth/')) this.setSession({ status: 'anonymous' });
      throw error;
    }
    return data as T;
  }

  /** Calls an API function with POST (every function; required for those that change data). */
  call<T = unknown>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
    const clean = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
    return this.request<T>('POST', `/rpc/${encodeURIComponent(fn)}`, clean);
  }

  /**
   * Calls several API functions in ONE transaction (`POST /rpc`): all are committed or none is,
   * so a form that needs two calls (a new category and the job in it) never half-saves.
   */
  async batch(calls: Array<{ fn: string; args?: Record<string, unknown> }>): Promise<unknown[]> {
    const clean = calls.map((c) => ({ fn: c.fn, args: Object.fromEntries(Object.entries(c.args ?? {}).filter(([, v]) => v !== undefined)) }));
    const reply = await this.request<{ results: unknown[] }>('POST', '/rpc', { calls: clean });
    return reply.results;
  }

  /** Calls a read (stable) API function with GET. */
  read<T = unknown>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(args)) {
      if (value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) value.forEach((v) => query.append(key, String(v)));
      else if (typeof value === 'object') query.set(key, JSON.stringify(value));
      else query.set(key, String(value));
    }
    const qs = query.toString();
    return this.request<T>('GET', `/rpc/${encodeURIComponent(fn)}${qs ? `?${qs}` : ''}`);
  }

  /** Asks the gateway who we are (once; `refresh` asks again). */
  me(refresh = false): Promise<SessionState> {
    if (this.mePromise && !refresh) return this.mePromise;
    this.mePromise = this.request<SessionInfo>('GET', '/auth/me').then(
      (session) => this.setSession({ status: 'ready', session }),
      (error: unknown) => {
        if (error instanceof GatewayError && error.status === 401) return this.setSession({ status: 'anonymous' });
        this.mePromise = undefined;
        throw error;
      },
    );
    return this.mePromise;
  }

  async login(user: string, password: string): Promise<SessionInfo> {
    const session = await this.request<SessionInfo>('POST', '/auth/login', { user, password });
    this.mePromise = Promise.resolve(this.setSession({ status: 'ready', session }));
    this.reconnectEvents();
    return session;
  }

  async logout(): Promise<void> {
    try {
      await this.request('POST', '/auth/logout', {});
    } finally {
      this.mePromise = Promise.resolve(this.setSession({ status: 'anonymous' }));
      this.source?.close();
      this.source = undefined;
    }
  }

  private setSession(state: SessionState): SessionState {
    this.sessionState = state;
    for (const listener of this.sessionListeners) listener(state);
    if (state.status === 'ready' && this.eventListeners.size > 0) this.ensureEvents();
    return state;
  }

  onSession(listener: Listener<SessionState>): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /** Subscribes to the live events; the EventSource opens with the first subscriber. */
  onEvent(listener: Listener<GatewayEvent>): () => void {
    this.eventListeners.add(listener);
    if (this.sessionState.status === 'ready') this.ensureEvents();
    return () => {
      this.eventListeners.delete(listener);
      if (this.eventListeners.size === 0) {
        this.source?.close();
        this.source = undefined;
      }
    };
  }

  private ensureEvents(): void {
    if (this.source) return;
    const source = new EventSource(this.url('/events'), { withCredentials: true });
    source.onmessage = (message) => {
      let payload: GatewayEvent;
      try {
        payload = JSON.parse(message.data as string) as GatewayEvent;
      } catch {
        return;
      }
      for (const listener of this.eventListeners) listener(payload);
    };
    // The browser reconnects by itself; after a gap, tell listeners to refetch.
    let lost = false;
    source.onerror = () => {
      lost = true;
    };
    source.onopen = () => {
      if (!lost) return;
      lost = false;
      for (const listener of this.eventListeners) listener({ event: 'resync' });
    };
    this.source = source;
  }

  private reconnectEvents(): void {
    this.source?.close();
    this.source = undefined;
    if (this.eventListeners.size > 0) this.ensureEvents();
  }
}

const clients = new Map<string, GatewayClient>();

/** The shared client of a gateway URL ('' = the page's own origin). */
export function getGatewayClient(baseUrl: string): GatewayClient {
  const key = baseUrl.replace(/\/+$/, '');
  let client = clients.get(key);
  if (!client) {
    client = new GatewayClient(key);
    clients.set(key, client);
  }
  return client;
}

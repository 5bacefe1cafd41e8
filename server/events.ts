/**
 * `GET /events`: Server-Sent Events fed by `LISTEN pgautomator`. One listening connection (the
 * gateway's own) serves every browser. It reconnects with backoff when the database goes away and
 * then sends `{"event":"resync"}`, since notifications sent meanwhile are lost: clients refetch.
 *
 * The database sends progress events (run_started, run_finished, step_output) only while someone
 * watches: while at least one browser holds a stream, the hub calls `watch_events` for a window of
 * 90 s, renewed every 30 s once less than 45 s are left. A browser's stream starts once that window
 * is open, so it misses none of them.
 *
 * LISTEN needs a session of its own: through a pooler in transaction pooling it silently receives
 * nothing. After LISTEN the hub checks that a NOTIFY from another session arrives
 * (client/listen-check.ts); if not, /healthz says `listening: false` with the problem and what to
 * do (`--listen-url`, a URL used only for LISTEN), and the check is repeated every minute.
 */
import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { createApi } from '../client/index.ts';
import { checkChannel, listenStatement, listenUnavailableHint, notificationsArrive } from '../client/listen-check.ts';
import { multiHostClient } from '../client/multi-host-connection.ts';
import { gatewayConnection } from './auth.ts';

export const CHANNEL = 'pgautomator';
const WATCH_SECONDS = 90;
const RENEW_MS = 30_000;

export interface EventHubOptions {
  databaseUrl: string;
  /** Where to LISTEN instead of databaseUrl (a direct URL when databaseUrl goes through transaction pooling). */
  listenUrl?: string;
  /** How often a LISTEN that receives nothing is checked again (default 60 s). */
  recheckMs?: number;
  /** Interval of the `: keep-alive` comment that keeps proxies from closing idle streams. */
  keepAliveMs?: number;
  /** The window asked of watch_events (default 90 s) and how often it is renewed (default 30 s). */
  watchSeconds?: number;
  renewMs?: number;
  log?: (line: string) => void;
}

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private client: pg.Client | undefined;
  private closed = false;
  private backoffMs = 500;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private nextId = 1;
  private everConnected = false;
  private readyPromise: Promise<void>;
  private markReady!: () => void;
  /** When the window this hub last opened ends (local clock), and the call opening one now. */
  private watchedUntil = 0;
  private watching: Promise<void> | undefined;
  private watchFailure: string | undefined;
  private readonly renew: NodeJS.Timeout;
  private readonly watchSeconds: number;
  private readonly renewMs: number;
  private readonly channel = checkChannel();
  /** Why the listener receives nothing (undefined: it does, or it is not connected). */
  private problem: string | undefined;
  /** The listener connection that notifications were seen to reach. */
  private verified: pg.Client | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventHubOptions) {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000).unref();
    this.watchSeconds = options.watchSeconds ?? WATCH_SECONDS;
    this.renewMs = options.renewMs ?? RENEW_MS;
    this.renew = setInterval(() => {
      if (this.clients.size > 0) void this.watch();
    }, this.renewMs).unref();
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Resolves once LISTEN is in place (the first time). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** LISTEN is in place and notifications were seen to arrive. */
  get listening(): boolean {
    return this.client !== undefined && this.verified === this.client;
  }

  /** Why LISTEN receives nothing, with what to do; undefined when it works (or is reconnecting). */
  get listenProblem(): string | undefined {
    return this.client && this.problem ? `${this.problem}. ${listenUnavailableHint}` : undefined;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const url = this.options.listenUrl ?? this.options.databaseUrl;
    const client: pg.Client = multiHostClient(gatewayConnection(url), { application_name: 'pgautomator-gateway-events' });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.problem = undefined;
      clearTimeout(this.recheckTimer);
      this.options.log?.(`events: listener lost (${why}); reconnecting`);
      void client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) this.publish(message.payload ?? '{}');
    });
    try {
      await client.connect();
      await client.query(listenStatement([CHANNEL, this.channel]));
    } catch (error) {
      void client.end().catch(() => {});
      this.options.log?.(`events: cannot listen (${(error as Error).message}); retrying in ${this.backoffMs} ms`);
      this.scheduleReconnect();
      return;
    }
    if (this.closed) {
      void client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.backoffMs = 500;
    if (!(await this.check(client))) return; // checked again later; ready() waits for a working LISTEN
    if (this.clients.size > 0) {
      this.watchedUntil = 0; // the window may have ended while the listener was away
      await this.watch();
    }
    if (this.everConnected) this.publish(JSON.stringify({ event: 'resync' }));
    this.everConnected = true;
    this.markReady();
  }

  /** True when notifications reach `client`; else the problem is kept for /healthz and a recheck is planned. */
  private async check(client: pg.Client): Promise<boolean> {
    const url = this.options.listenUrl ?? this.options.databaseUrl;
    const checked = await notificationsArrive(client, this.channel, multiHostClient(gatewayConnection(url), { application_name: 'pgautomator-gateway-listen-check' }), 5_000);
    if (this.client !== client) return false; // lost meanwhile: the reconnect takes over
    if (checked.result === 'arrived') {
      if (this.problem) this.options.log?.('events: LISTEN receives notifications again');
      this.problem = undefined;
      this.verified = client;
      return true;
    }
    if (checked.problem !== this.problem) this.options.log?.(`events: ${checked.problem}; live events will not reach browsers. ${listenUnavailableHint}`);
    this.problem = checked.problem;
    this.recheckTimer = setTimeout(() => void this.recheck(client), this.options.recheckMs ?? 60_000);
    this.recheckTimer.unref();
    return false;
  }

  /** A LISTEN found not to work, checked again: once it works, the hub carries on as after a connect. */
  private async recheck(client: pg.Client): Promise<void> {
    if (this.closed || this.client !== client || !(await this.check(client))) return;
    if (this.clients.size > 0) {
      this.watchedUntil = 0;
      await this.watch();
    }
    // Browsers attached meanwhile missed every event: they refetch.
    if (this.everConnected) this.publish(JSON.stringify({ event: 'resync' }));
    this.everConnected = true;
    this.markReady();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Sends one event (a JSON text) to every connected browser. */
  publish(payload: string): void {
    let data: string;
    try {
      data = JSON.stringify(JSON.parse(payload)); // one line, and only JSON gets through
    } catch {
      this.options.log?.(`events: ignored a non-JSON notification`);
      return;
    }
    this.write(`id: ${this.nextId++}\ndata: ${data}\n\n`);
  }

  /**
   * Turns the response into an event stream until the browser goes away. Resolves once the stream
   * is attached (after the progress events were asked for).
   */
  async attach(res: ServerResponse, headers: Record<string, string> = {}): Promise<void> {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    let closed = false;
    res.on('close', () => {
      closed = true;
      this.clients.delete(res);
    });
    await this.watch();
    if (closed || this.closed) return;
    res.write(`retry: 3000\n: connected${this.listening ? '' : ' (listener reconnecting)'}\n\n`);
    this.clients.add(res);
  }

  /**
   * Keeps the database's progress events coming (watch_events) while browsers listen; never
   * throws. Without a listener connection it waits for the next one, which asks on connecting.
   */
  private watch(): Promise<void> {
    // Renewed with more than one renewal interval left: the next check may be that far away.
    if (Date.now() < this.watchedUntil - 1.5 * this.renewMs) return Promise.resolve();
    this.watching ??= (async () => {
      const client = this.client;
      if (!client) return;
      // Timed by this clock, from before the call: the database's may differ.
      const asked = Date.now();
      try {
        await createApi(client).watchEvents({ seconds: this.watchSeconds });
        this.watchedUntil = asked + this.watchSeconds * 1000;
        this.watchFailure = undefined;
      } catch (error) {
        // Its role lacks pgautomator_viewer, say: browsers still get the other events.
        const why = (error as Error).message;
        if (why !== this.watchFailure) this.options.log?.(`events: cannot ask for progress events (${why}); run_started, run_finished and step_output will not reach browsers`);
        this.watchFailure = why;
        this.watchedUntil = 0; // asked again at the next renewal or new stream
      }
    })().finally(() => (this.watching = undefined));
    return this.watching;
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded) res.write(text);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.keepAlive);
    clearInterval(this.renew);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    clearTimeout(this.recheckTimer);
    for (const res of this.clients) res.end();
    this.clients.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

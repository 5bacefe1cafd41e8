/**
 * `GET /events`: Server-Sent Events fed by `LISTEN pgautomator`. One listening connection (the
 * gateway's own) serves every browser. It reconnects with backoff when the database goes away and
 * then sends `{"event":"resync"}`, since notifications sent meanwhile are lost: clients refetch.
 */
import type { ServerResponse } from 'node:http';
import pg from 'pg';

export const CHANNEL = 'pgautomator';

export interface EventHubOptions {
  databaseUrl: string;
  /** Interval of the `: keep-alive` comment that keeps proxies from closing idle streams. */
  keepAliveMs?: number;
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

  constructor(private readonly options: EventHubOptions) {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000).unref();
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Resolves once LISTEN is in place (the first time). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: 'pgautomator-gateway-events' });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
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
      await client.query(`LISTEN ${CHANNEL}`);
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

  /** Turns the response into an event stream until the browser goes away. */
  attach(res: ServerResponse, headers: Record<string, string> = {}): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    res.write(`retry: 3000\n: connected${this.listening ? '' : ' (listener reconnecting)'}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded) res.write(text);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.keepAlive);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const res of this.clients) res.end();
    this.clients.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/**
 * A TCP proxy in front of the test's PostgreSQL, so a test can take the database away from an
 * agent and give it back, without touching the shared server:
 * - cut(): connections reset, new ones refused (a database that is down);
 * - blackhole(): nothing is forwarded any more and nothing is reset: existing connections freeze,
 *   new ones are accepted and never answered (a path that went silent: an address that moved, a
 *   host gone without a reset, a firewall that drops). Connections frozen stay frozen;
 * - restore(): new connections work again.
 */
import net from 'node:net';

export interface Proxy {
  port: number;
  /** Closes every connection and refuses new ones. */
  cut(): Promise<void>;
  /** Stops forwarding without closing anything: the path goes silent. */
  blackhole(): void;
  /** Accepts (and forwards) new connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  let silent = false;
  /** Pairs that forward now; blackhole() freezes them. */
  const live = new Set<() => void>();
  const server = net.createServer((client) => {
    sockets.add(client);
    if (silent) {
      // Accepted and never answered: the agent's connect (the startup message) waits for nothing.
      client.on('error', () => {}).on('close', () => sockets.delete(client));
      client.pause();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      live.delete(freeze);
    };
    const freeze = () => {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    };
    live.add(freeze);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  const cut = async () => {
    silent = false;
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    live.clear();
    await closed;
  };
  return {
    port,
    cut,
    blackhole() {
      silent = true;
      for (const freeze of live) freeze();
      live.clear();
    },
    async restore() {
      silent = false;
      if (!listening) {
        await listen(port);
        listening = true;
      }
    },
    close: cut,
  };
}

/** The URL through the proxy. */
export function viaProxy(url: string, proxy: Proxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

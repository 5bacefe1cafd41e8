/**
 * The drill's TCP proxy in front of its cluster, one per agent, so that one agent's path to the
 * database can be black-holed: `blackhole()` stops forwarding without closing anything (no FIN,
 * no RST), as when a route disappears; connections opened meanwhile are accepted and held, never
 * connected upstream. `forward()` lets everything flow again, held bytes included (as TCP would
 * retransmit them). (test/agent/tcp-proxy.ts cuts connections instead: a reset, not silence.)
 *
 * Limit: the agent's TCP peer is this proxy, whose kernel still answers TCP keepalive probes while
 * the path is black-holed; an agent that relies on keepalives alone is not saved here, only one
 * that puts a deadline on its calls.
 */
import net from 'node:net';

export interface BlackholeProxy {
  port: number;
  blackhole(): void;
  forward(): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(target: { host: string; port: number }): Promise<BlackholeProxy> {
  const pairs = new Set<{ client: net.Socket; upstream?: net.Socket }>();
  let silent = false;
  const connect = (pair: { client: net.Socket; upstream?: net.Socket }) => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    const close = () => {
      pair.client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    pair.client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    pair.client.pipe(upstream).pipe(pair.client);
  };
  const server = net.createServer((client) => {
    const pair: { client: net.Socket; upstream?: net.Socket } = { client };
    pairs.add(pair);
    if (silent) {
      client.pause();
      client.on('error', () => pairs.delete(pair));
    } else connect(pair);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    blackhole() {
      silent = true;
      // Unpiped and paused: nothing is read, so nothing is forwarded, and nothing is closed.
      for (const { client, upstream } of pairs) {
        if (upstream) {
          client.unpipe(upstream);
          upstream.unpipe(client);
          upstream.pause();
        }
        client.pause();
      }
    },
    forward() {
      silent = false;
      for (const pair of pairs) {
        if (!pair.upstream) {
          if (!pair.client.destroyed) connect(pair);
          pair.client.resume();
          continue;
        }
        pair.client.pipe(pair.upstream).pipe(pair.client);
      }
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

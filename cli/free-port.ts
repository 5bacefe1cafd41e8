/** Finding a TCP port nobody listens on, for the quick start's database and UI. */
import net from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `preferred` when free, else the next free one of the 50 after it, else one the OS picks. */
export async function freePortFrom(preferred: number, host = '127.0.0.1'): Promise<number> {
  for (let port = preferred; port < Math.min(preferred + 50, 65536); port++) {
    if (await isPortFree(port, host)) return port;
  }
  return anyFreePort(host);
}

/** A port the OS picks as free right now (tests use it for servers they start). */
export function anyFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

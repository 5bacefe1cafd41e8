/**
 * The gateway: routes of node:http onto auth, rpc, events and static.
 *
 *   POST /auth/login {user, password}   POST /auth/logout   GET /auth/me
 *   GET|POST /rpc/<api function>   POST /rpc (a batch in one transaction)   GET /events          GET /  (console page and bundle)
 *   GET /metrics (Prometheus text format, server/metrics.ts)
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readScrapeToken } from '../client/scrape-token.ts';
import { Auth, gatewayConnection, SESSION_COOKIE } from './auth.ts';
import { BackendPool, OWN_KEY } from './backend-pool.ts';
import { EventHub } from './events.ts';
import { HttpError, readJsonObject, sendError, sendJson, serializeCookie } from './http.ts';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { runOnBackend } from './identity.ts';
import { handleMetrics, type ScrapeAccess } from './metrics.ts';
import { errorBody, handleRpc } from './rpc.ts';
import { handleBatch } from './rpc-batch.ts';
import { DEFAULT_DIST_DIR, ensureBundle, serveStatic } from './static.ts';
import { StreamLimits } from './stream-limits.ts';

export interface GatewayOptions {
  databaseUrl: string;
  /** Where to LISTEN for live events instead of databaseUrl (behind transaction pooling: a direct URL). */
  listenUrl?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
  host?: string;
  /** Header an authenticating reverse proxy sets to the database role (off by default). */
  trustHeader?: string;
  /**
   * File holding the bearer token that lets Prometheus scrape GET /metrics without a session (as
   * the gateway's own role, which must be a viewer). Off by default: scrapers log in like anyone.
   */
  metricsTokenFile?: string;
  /** Origins of embedding portals allowed to call with credentials (CORS off by default). */
  corsOrigins?: string[];
  /** Mark cookies Secure (on automatically with tlsCert/tlsKey). */
  secureCookies?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  sessionIdleSeconds?: number;
  /** Database backends of the gateway in total: every role's pool, login checks, trusted-header calls (default 20; LISTEN's one is extra). */
  maxConnections?: number;
  /** Backends one role may hold, shared by its sessions (default 4). */
  connectionsPerRole?: number;
  /** An unused backend is closed after this (default 30 s). */
  connectionIdleMs?: number;
  /** How long a call or a login waits for a backend under the cap before 503 gateway_busy (default 5 s). */
  connectionWaitMs?: number;
  /** Sessions one role may hold; a login beyond ends the role's least recently used one (default 1000). */
  maxSessionsPerRole?: number;
  /** Let superuser roles log in (default false: 403 superuser_login_refused). */
  allowSuperuserLogin?: boolean;
  /** Delays after failed logins per user and per address (login-throttle.ts for the defaults). */
  loginThrottle?: LoginThrottleOptions;
  /** Event streams one session may hold (default 8) and the gateway in total (default 1000). */
  maxStreamsPerSession?: number;
  maxStreams?: number;
  keepAliveMs?: number;
  distDir?: string;
  /** Build the component bundle when missing (auto, default), always, or never. */
  buildUi?: 'auto' | 'always' | 'never';
  log?: (line: string) => void;
}

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly events: EventHub;
  /** The gateway's database backends (its /healthz shows their use). */
  readonly backends: BackendPool;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const log = options.log ?? ((line: string) => console.error(`[gateway] ${line}`));
  // Read before anything starts: a missing or empty token file stops the gateway with its reason.
  const metricsToken = options.metricsTokenFile === undefined ? undefined : readScrapeToken(options.metricsTokenFile);
  const distDir = options.distDir ?? DEFAULT_DIST_DIR;
  const hasBundle = await ensureBundle(distDir, options.buildUi ?? 'auto').catch((error: Error) => {
    log(`component bundle: ${error.message}`);
    return false;
  });
  if (!hasBundle) log('component bundle missing: the console page will not load until `npm run build:ui`');

  // Several hosts in the URL: each connection goes to the first writable primary (auth.ts).
  const connection = gatewayConnection(options.databaseUrl);
  const backends = new BackendPool({
    connection,
    max: options.maxConnections ?? 20,
    perRole: options.connectionsPerRole ?? 4,
    idleMs: options.connectionIdleMs ?? 30_000,
    waitMs: options.connectionWaitMs ?? 5_000,
  });
  // The gateway's own role, for the trusted-header mode: its credentials are the URL's, kept for good.
  backends.retain(OWN_KEY, connection.password, connection.user);
  const streams = new StreamLimits({ perSession: options.maxStreamsPerSession, total: options.maxStreams });
  const auth = new Auth({
    backends,
    trustHeader: options.trustHeader,
    sessionIdleMs: (options.sessionIdleSeconds ?? 8 * 3600) * 1000,
    allowSuperuserLogin: options.allowSuperuserLogin,
    maxSessionsPerRole: options.maxSessionsPerRole,
    throttle: new LoginThrottle(options.loginThrottle),
    onSessionEnd: (key) => streams.endSession(key),
  });
  const events = new EventHub({ databaseUrl: options.databaseUrl, listenUrl: options.listenUrl, keepAliveMs: options.keepAliveMs, log });
  events.start();
  const scrapeAccess: ScrapeAccess = { token: metricsToken, runAsGateway: (work) => runOnBackend(backends, OWN_KEY, work) };
  const tls = Boolean(options.tlsCert && options.tlsKey);
  const secure = tls || Boolean(options.secureCookies);
  const corsOrigins = new Set(options.corsOrigins ?? []);

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const path = url.pathname;
    try {
      const origin = req.headers.origin;
      if (origin && corsOrigins.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'Access-Control-Allow-Methods': 'GET, POST',
            'Access-Control-Allow-Headers': 'Content-Type, X-CSRF-Token',
            'Access-Control-Max-Age': '600',
          });
          res.end();
          return;
        }
      }
      res.setHeader('X-Content-Type-Options', 'nosniff');

      if (path === '/auth/login') {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST');
        const body = await readJsonObject(req);
        const { sessionId, caller } = await auth.login(body.user as string, body.password as string, req.socket.remoteAddress ?? 'unknown');
        const groups = await auth.groups(caller).catch(() => []);
        sendJson(res, 200, { user: caller.user, groups, csrfToken: caller.csrfToken }, {
          'Set-Cookie': serializeCookie(SESSION_COOKIE, sessionId, { secure, maxAgeSeconds: options.sessionIdleSeconds }),
        });
        return;
      }
      if (path === '/auth/logout') {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST');
        const caller = auth.identify(req);
        if (caller) auth.checkCsrf(req, caller);
        auth.logout(req);
        sendJson(res, 200, { loggedOut: true }, { 'Set-Cookie': serializeCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }) });
        return;
      }
      if (path === '/auth/me') {
        if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'use GET');
        const caller = auth.identify(req);
        if (!caller) throw new HttpError(401, 'login_required', 'not logged in: POST /auth/login');
        const groups = await auth.groups(caller);
        sendJson(res, 200, { user: caller.user, via: caller.via, groups, csrfToken: caller.csrfToken });
        return;
      }
      if (path === '/rpc') {
        await handleBatch(req, res, auth.identify(req), (c) => auth.checkCsrf(req, c), log);
        return;
      }
      if (path.startsWith('/rpc/')) {
        let name: string;
        try {
          name = decodeURIComponent(path.slice('/rpc/'.length));
        } catch {
          throw new HttpError(400, 'invalid_path', 'the function name is not valid percent-encoding');
        }
        const caller = auth.identify(req);
        await handleRpc(req, res, name, url.searchParams, caller, (c) => auth.checkCsrf(req, c), log);
        return;
      }
      if (path === '/events') {
        if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'use GET');
        const caller = auth.identify(req);
        if (!caller) throw new HttpError(401, 'login_required', 'log in first: POST /auth/login');
        streams.admit(caller.key, res);
        await events.attach(res);
        return;
      }
      if (path === '/metrics') {
        await handleMetrics(req, res, auth.identify(req), scrapeAccess);
        return;
      }
      if (path === '/healthz') {
        // listenProblem: LISTEN is in place but receives nothing (a pooler in transaction pooling).
        sendJson(res, 200, { ok: true, listening: events.listening, listenProblem: events.listenProblem, sessions: auth.sessionCount, connections: backends.stats(), streams: streams.stats() });
        return;
      }
      if (await serveStatic(req, res, path, distDir)) return;
      sendError(res, 404, 'not_found', `no such path: ${path}`);
    } catch (error) {
      const { status, body } = errorBody(error);
      if (status >= 500) log(`${req.method} ${path}: ${(error as Error)?.stack ?? String(error)}`);
      if (res.headersSent) res.end();
      else sendJson(res, status, body, error instanceof HttpError ? error.headers : {});
    }
  };

  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(options.tlsCert!), key: readFileSync(options.tlsKey!) }, (req, res) => void handler(req, res))
    : createHttpServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    server,
    events,
    backends,
    close() {
      closing ??= (async () => {
        await events.close();
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        auth.close();
        await backends.close();
      })();
      return closing;
    },
  };
}

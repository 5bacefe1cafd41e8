/**
 * Authentication of the gateway: database credentials open a pool for that role (the session),
 * identified by a random id in an HttpOnly, SameSite=Strict cookie. Every POST but the login
 * carries the session's CSRF token in `X-CSRF-Token`. Optionally a trusted upstream header names
 * the role instead (see identity.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pg from 'pg';
import { multiHostPoolConfig, parseConnectionString, withCredentials, type MultiHostConnection } from '../client/multi-host-connection.ts';
import { apiFunctions, callByName, type Queryable } from '../client/index.ts';
import { HttpError, parseCookies } from './http.ts';
import { runAsRole, runOnPool, type Caller } from './identity.ts';

export const SESSION_COOKIE = 'pga_session';
export const CSRF_HEADER = 'x-csrf-token';
export const GROUPS = ['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent'] as const;
export type Group = (typeof GROUPS)[number];

interface Session {
  readonly id: string;
  readonly user: string;
  readonly pool: pg.Pool;
  readonly csrfToken: string;
  lastSeenAt: number;
}

export interface AuthOptions {
  /** The gateway's own database URL: host, port, database (and TLS settings) of every session. */
  databaseUrl: string;
  /** The gateway's own pool, for the trusted-header mode. */
  ownPool: pg.Pool;
  /** Header naming the database role of a request authenticated upstream (lower or any case), or undefined. */
  trustHeader?: string;
  /** Idle sessions end after this (default 8 hours). */
  sessionIdleMs?: number;
  /** Connections of each session's pool (default 4). */
  sessionPoolSize?: number;
}

/**
 * The gateway's database URL parsed: any number of hosts (libpq's h1:5432,h2:5432, or key=value),
 * target_session_attrs read-write unless the URL says otherwise, since the console writes. Every
 * new connection tries the hosts in order, so the gateway follows the primary after a failover.
 */
export function gatewayConnection(databaseUrl: string): MultiHostConnection {
  return parseConnectionString(databaseUrl, { defaultTargetSessionAttrs: 'read-write' });
}

/** The database URL with another user and password (kept as query parameters where the URL has no host). */
export function urlWithCredentials(databaseUrl: string, user: string, password: string): string {
  const url = new URL(databaseUrl);
  if (url.hostname) {
    url.username = encodeURIComponent(user);
    url.password = encodeURIComponent(password);
  } else {
    url.searchParams.set('user', user);
    url.searchParams.set('password', password);
  }
  return url.toString();
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class Auth {
  private readonly sessions = new Map<string, Session>();
  private readonly groupCache = new Map<string, { value: Group[]; at: number }>();
  private readonly secret = randomBytes(32);
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;
  readonly trustHeader: string | undefined;

  constructor(private readonly options: AuthOptions) {
    this.idleMs = options.sessionIdleMs ?? 8 * 3600_000;
    this.trustHeader = options.trustHeader?.toLowerCase();
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, this.idleMs)).unref();
  }

  /** Opens a pool as `user` and proves it can connect; throws HttpError 401 otherwise. */
  async login(user: string, password: string): Promise<{ sessionId: string; caller: Caller }> {
    if (!user || typeof user !== 'string' || typeof password !== 'string') {
      throw new HttpError(400, 'invalid_login', 'send {"user": ..., "password": ...}');
    }
    const pool = new pg.Pool(
      multiHostPoolConfig(withCredentials(gatewayConnection(this.options.databaseUrl), user, password), {
        max: this.options.sessionPoolSize ?? 4,
        idleTimeoutMillis: 30_000,
        application_name: 'pgautomator-gateway',
      }),
    );
    pool.on('error', () => {}); // an idle connection dropped by the server: the pool replaces it
    try {
      // Connecting is the check (no SQL): a wrong password or an unknown role fails here.
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => {});
      const code = (error as { code?: string }).code;
      if (code === '28P01' || code === '28000' || code === '3D000' || code === '42501') {
        // One answer for an unknown role and a wrong password: do not tell which.
        throw new HttpError(401, 'login_failed', 'login failed: wrong user name or password, or this role may not log in');
      }
      throw new HttpError(503, 'database_unavailable', `cannot reach the database: ${(error as Error).message}`);
    }
    const session: Session = { id: randomBytes(32).toString('base64url'), user, pool, csrfToken: randomBytes(32).toString('base64url'), lastSeenAt: Date.now() };
    this.sessions.set(session.id, session);
    return { sessionId: session.id, caller: this.sessionCaller(session) };
  }

  async logout(req: IncomingMessage): Promise<void> {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return;
    this.sessions.delete(session.id);
    await session.pool.end().catch(() => {});
  }

  /** The caller of a request, or undefined when it is anonymous. */
  identify(req: IncomingMessage): Caller | undefined {
    if (this.trustHeader) {
      const value = req.headers[this.trustHeader];
      const role = Array.isArray(value) ? value[0] : value;
      if (role && role.trim()) return this.headerCaller(role.trim());
    }
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (Date.now() - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(session.id);
      void session.pool.end().catch(() => {});
      return undefined;
    }
    session.lastSeenAt = Date.now();
    return this.sessionCaller(session);
  }

  /** Throws 403 unless the request carries the caller's CSRF token. */
  checkCsrf(req: IncomingMessage, caller: Caller): void {
    const value = req.headers[CSRF_HEADER];
    const token = Array.isArray(value) ? value[0] : value;
    if (!token || !sameToken(token, caller.csrfToken)) {
      throw new HttpError(403, 'csrf_failed', `missing or wrong ${CSRF_HEADER} header: use the csrfToken from POST /auth/login or GET /auth/me`);
    }
  }

  /**
   * The pgautomator groups the caller belongs to. Through an API function where the extension has
   * one (`whoami`), else by probing: inside a rolled-back transaction, a call that needs the group
   * on an object that does not exist answers "not found" to a member and "permission denied" to
   * anyone else, so nothing changes either way.
   */
  async groups(caller: Caller): Promise<Group[]> {
    const key = `${caller.via}\0${caller.user}`;
    const cached = this.groupCache.get(key);
    if (cached && Date.now() - cached.at < 30_000) return cached.value;
    const value = await caller.run((db) => detectGroups(db), { rollback: true });
    this.groupCache.set(key, { value, at: Date.now() });
    return value;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.pool.end().catch(() => {})));
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const session of this.sessions.values()) {
      if (now - session.lastSeenAt > this.idleMs) {
        this.sessions.delete(session.id);
        await session.pool.end().catch(() => {});
      }
    }
  }

  private sessionCaller(session: Session): Caller {
    return {
      user: session.user,
      via: 'session',
      csrfToken: session.csrfToken,
      run: (work, options) => runOnPool(session.pool, work, options?.rollback),
    };
  }

  private headerCaller(role: string): Caller {
    return {
      user: role,
      via: 'header',
      // Stateless: the same role always gets the same token while this gateway process lives.
      csrfToken: createHmac('sha256', this.secret).update(`header\0${role}`).digest('base64url'),
      run: (work, options) => runAsRole(this.options.ownPool, role, work, options?.rollback),
    };
  }
}

type Manifest = Record<string, { args: readonly { name: string; type: string; hasDefault: boolean }[]; volatility: string }>;
const manifest = apiFunctions as unknown as Manifest;

const isPermissionError = (error: unknown) => {
  const code = (error as { code?: string })?.code;
  return code === 'PA040' || code === '42501';
};

/**
 * Probe functions per group, first present one wins. Every required argument (all text) gets a name
 * that no object has, so a member hears "not found" and a non-member "permission denied".
 */
const PROBE_NAME = 'pga-gateway-role-probe-does-not-exist';
const probes: Record<Exclude<Group, 'pgautomator_agent'>, string[]> = {
  pgautomator_viewer: ['list_categories', 'list_agents', 'list_jobs'],
  pgautomator_operator: ['disable_job', 'enable_job', 'disable_schedule'],
  pgautomator_admin: ['list_role_grants', 'delete_job', 'delete_schedule', 'delete_category'],
};

function probeCall(name: string): [string, Record<string, unknown>] | undefined {
  const fn = manifest[name];
  if (!fn) return undefined;
  const required = fn.args.filter((a) => !a.hasDefault);
  if (required.some((a) => a.type !== 'text')) return undefined;
  return [name, Object.fromEntries(required.map((a) => [a.name, PROBE_NAME]))];
}

async function detectGroups(db: Queryable): Promise<Group[]> {
  const whoami = manifest.whoami;
  if (whoami && whoami.args.every((a) => a.hasDefault)) {
    const result = (await callByName(db, 'whoami', {})) as { groups?: unknown; roles?: unknown } | string[] | null;
    const list = Array.isArray(result) ? result : Array.isArray(result?.groups) ? result.groups : Array.isArray(result?.roles) ? result.roles : [];
    return GROUPS.filter((g) => (list as unknown[]).includes(g));
  }
  const found: Group[] = [];
  for (const [group, candidates] of Object.entries(probes) as Array<[Group, string[]]>) {
    const probe = candidates.map(probeCall).find((call) => call !== undefined);
    if (!probe) continue;
    await db.query({ text: 'SAVEPOINT pga_probe' });
    try {
      await callByName(db, probe[0], probe[1]);
      found.push(group);
    } catch (error) {
      if (!isPermissionError(error)) found.push(group);
    } finally {
      await db.query({ text: 'ROLLBACK TO SAVEPOINT pga_probe' });
    }
  }
  return found;
}

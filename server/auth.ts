/**
 * Authentication of the gateway: database credentials, proven on a fresh connection, open a
 * session identified by a random id in an HttpOnly, SameSite=Strict cookie; its calls run on the
 * backends of that role's pool (backend-pool.ts), shared by all the role's sessions. Every POST
 * but the login carries the session's CSRF token in `X-CSRF-Token`. Optionally a trusted upstream
 * header names the role instead (see identity.ts). Failed logins are slowed down
 * (login-throttle.ts); superuser roles may not log in unless allowed explicitly.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseConnectionString, type MultiHostConnection } from '../client/multi-host-connection.ts';
import { apiFunctions, callByName, type Queryable } from '../client/index.ts';
import type { BackendPool } from './backend-pool.ts';
import { HttpError, parseCookies } from './http.ts';
import { runAsRole, runOnBackend, type Caller } from './identity.ts';
import { LoginThrottle } from './login-throttle.ts';

export const SESSION_COOKIE = 'pga_session';
export const CSRF_HEADER = 'x-csrf-token';
export const GROUPS = ['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent'] as const;
export type Group = (typeof GROUPS)[number];

interface Session {
  readonly id: string;
  readonly user: string;
  readonly csrfToken: string;
  lastSeenAt: number;
}

export interface AuthOptions {
  /** Every backend: of the sessions' roles, of the login checks and of the trusted-header mode. */
  backends: BackendPool;
  /** Header naming the database role of a request authenticated upstream (lower or any case), or undefined. */
  trustHeader?: string;
  /** Idle sessions end after this (default 8 hours). */
  sessionIdleMs?: number;
  /** Sessions one role may hold; a login beyond ends the role's least recently used one (default 1000). */
  maxSessionsPerRole?: number;
  /** Let roles with SUPERUSER log in (default false: refused with 403). */
  allowSuperuserLogin?: boolean;
  throttle?: LoginThrottle;
  /** Told the key (Caller.key) of every session that ends: logout, idle expiry, shutdown. */
  onSessionEnd?: (key: string) => void;
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

/** SQLSTATEs of a refused connection: wrong password, no such role, no such database, no LOGIN/CONNECT. */
const LOGIN_REFUSED = new Set(['28P01', '28000', '3D000', '42501']);

// Not an API call: the one fact about the role the API has no function for, read from the
// session's own settings (no catalog, no table).
const SUPERUSER_SQL = "SELECT current_setting('is_superuser') = 'on' AS superuser";

export class Auth {
  private readonly sessions = new Map<string, Session>();
  /**
   * The sessions of each role: what maxSessionsPerRole counts. In order of last use (a used
   * session moves to the end), so the first is the least recently used: the order of use, which a
   * millisecond clock cannot tell apart within one tick.
   */
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly groupCache = new Map<string, { value: Group[]; at: number }>();
  private readonly secret = randomBytes(32);
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly throttle: LoginThrottle;
  readonly trustHeader: string | undefined;

  constructor(private readonly options: AuthOptions) {
    this.idleMs = options.sessionIdleMs ?? 8 * 3600_000;
    this.trustHeader = options.trustHeader?.toLowerCase();
    this.throttle = options.throttle ?? new LoginThrottle();
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.idleMs)).unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Proves `password` on a new connection as `user`; throws HttpError 401 (wrong), 429 (too many
   * failures), 403 (a superuser), 503 (no database, or no room under --max-connections).
   * `address` is the client's, for the throttle.
   */
  async login(user: string, password: string, address: string): Promise<{ sessionId: string; caller: Caller }> {
    if (!user || typeof user !== 'string' || typeof password !== 'string') {
      throw new HttpError(400, 'invalid_login', 'send {"user": ..., "password": ...}');
    }
    const settle = this.throttle.begin(user, address);
    let superuser: boolean;
    try {
      superuser = await this.options.backends.verify(user, password, async (client) => {
        const { rows } = await client.query<{ superuser: boolean }>(SUPERUSER_SQL);
        return rows[0]!.superuser;
      });
    } catch (error) {
      if (error instanceof HttpError) {
        settle('other');
        throw error;
      }
      const code = (error as { code?: string }).code;
      if (code && LOGIN_REFUSED.has(code)) {
        settle('failed');
        // One answer for an unknown role and a wrong password: do not tell which.
        throw new HttpError(401, 'login_failed', 'login failed: wrong user name or password, or this role may not log in');
      }
      settle('other');
      throw new HttpError(503, 'database_unavailable', `cannot reach the database: ${(error as Error).message}`);
    }
    settle('succeeded');
    if (superuser && !this.options.allowSuperuserLogin) {
      throw new HttpError(
        403,
        'superuser_login_refused',
        `role "${user}" is a superuser, and the gateway refuses superuser logins: every permission check would pass. Log in as a role granted pgautomator_admin, or start the gateway with --allow-superuser-login`,
      );
    }
    // From here the password lives only in the role's pool entry, until the role's last session ends.
    this.options.backends.retain(user, password);
    const session: Session = { id: randomBytes(32).toString('base64url'), user, csrfToken: randomBytes(32).toString('base64url'), lastSeenAt: Date.now() };
    this.sessions.set(session.id, session);
    const own = this.byUser.get(user) ?? new Set<Session>();
    this.byUser.set(user, own);
    own.add(session);
    // Sessions cost memory but no connection: still, logging in in a loop must not grow them
    // without end. Only the role's own sessions are at stake.
    if (own.size > (this.options.maxSessionsPerRole ?? 1000)) {
      this.end(own.values().next().value!);
    }
    return { sessionId: session.id, caller: this.sessionCaller(session) };
  }

  logout(req: IncomingMessage): void {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (session) this.end(session);
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
      this.end(session);
      return undefined;
    }
    session.lastSeenAt = Date.now();
    const own = this.byUser.get(session.user);
    own?.delete(session);
    own?.add(session);
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

  close(): void {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) this.end(session);
  }

  /** Ends a session and lets go of what it held: its share of the role's pool, its event streams. */
  private end(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    const own = this.byUser.get(session.user);
    own?.delete(session);
    if (own?.size === 0) this.byUser.delete(session.user);
    this.options.backends.forget(session.user);
    this.options.onSessionEnd?.(session.id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const session of [...this.sessions.values()]) {
      if (now - session.lastSeenAt > this.idleMs) this.end(session);
    }
  }

  private sessionCaller(session: Session): Caller {
    return {
      user: session.user,
      via: 'session',
      csrfToken: session.csrfToken,
      key: session.id,
      run: (work, options) => runOnBackend(this.options.backends, session.user, work, options),
    };
  }

  private headerCaller(role: string): Caller {
    return {
      user: role,
      via: 'header',
      // Stateless: the same role always gets the same token while this gateway process lives.
      csrfToken: createHmac('sha256', this.secret).update(`header\0${role}`).digest('base64url'),
      key: `header:${role}`,
      run: (work, options) => runAsRole(this.options.backends, role, work, options?.rollback, this.options.allowSuperuserLogin),
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

/**
 * Gateway test harness: a fresh database (createTestDatabase), login roles made members of the
 * pgautomator groups through grant_role, a gateway on a random localhost port, and a small HTTP
 * client that keeps the session cookie and the CSRF token like a browser would.
 */
import { randomBytes } from 'node:crypto';
import { createApi } from '../../client/index.ts';
import { startGateway, type Gateway, type GatewayOptions } from '../../server/main.ts';
import pg from 'pg';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/database.ts';

export interface Harness {
  db: TestDatabase;
  gateway: Gateway;
  /** Login roles by access: viewer, operator, admin (cluster-wide names, unique per harness). */
  roles: { viewer: string; operator: string; admin: string; agent: string; nobody: string };
  password: string;
  close(): Promise<void>;
}

export async function startHarness(label: string, options: Partial<GatewayOptions> = {}): Promise<Harness> {
  const db = await createTestDatabase(label);
  try {
    return await startOn(db, options);
  } catch (error) {
    // The caller gets no harness to close: drop what was made so far (roles go with it below).
    await db.drop().catch(() => {});
    throw error;
  }
}

async function startOn(db: TestDatabase, options: Partial<GatewayOptions>): Promise<Harness> {
  const suffix = randomBytes(4).toString('hex');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const roles = {
    viewer: `pga_t_viewer_${suffix}`,
    operator: `pga_t_operator_${suffix}`,
    admin: `pga_t_admin_${suffix}`,
    agent: `pga_t_agent_${suffix}`,
    nobody: `pga_t_nobody_${suffix}`,
  };
  for (const role of Object.values(roles)) await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  const api = createApi(db.pool);
  for (const access of ['viewer', 'operator', 'admin', 'agent'] as const) await api.grantRole({ role_name: roles[access], access });
  const gateway = await startGateway({ databaseUrl: db.url, port: 0, buildUi: 'never', log: () => {}, ...options });
  return {
    db,
    gateway,
    roles,
    password,
    async close() {
      try {
        await gateway.close();
      } finally {
        await db.drop();
        // Roles are cluster-wide: drop ours (their grants went with the database).
        const admin = createTestDatabaseAdmin();
        try {
          for (const role of Object.values(roles)) await admin.query(`DROP ROLE IF EXISTS ${role}`);
        } finally {
          await admin.end();
        }
      }
    },
  };
}

function createTestDatabaseAdmin(): pg.Pool {
  return new pg.Pool({ connectionString: serverUrl, max: 1 });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A cookie-keeping client of the gateway (what a browser does, minus the browser). */
export class Browser {
  cookie = '';
  csrf = '';
  constructor(readonly baseUrl: string, readonly extraHeaders: Record<string, string> = {}) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...this.extraHeaders,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async login(user: string, password: string): Promise<Reply<any>> {
    const reply = await this.request<{ csrfToken: string }>('POST', '/auth/login', { user, password });
    if (reply.status === 200) this.csrf = reply.body.csrfToken;
    return reply;
  }

  /** POST /rpc/<fn> with the CSRF token. */
  call<T = any>(fn: string, args: Record<string, unknown> = {}): Promise<Reply<T>> {
    return this.request<T>('POST', `/rpc/${fn}`, args, { 'X-CSRF-Token': this.csrf });
  }

  /** GET /rpc/<fn>?args. */
  read<T = any>(fn: string, args: Record<string, string | number> = {}): Promise<Reply<T>> {
    const query = new URLSearchParams(Object.entries(args).map(([k, v]) => [k, String(v)])).toString();
    return this.request<T>('GET', `/rpc/${fn}${query ? `?${query}` : ''}`);
  }
}

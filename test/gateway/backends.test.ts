/**
 * What logins and streams may hold: the gateway's database backends are pooled per role (shared by
 * that role's sessions), released when idle or when the role's last session ends, and capped in
 * total (a login that would push past the cap waits briefly, then gets 503); event streams are
 * capped per session and in total (429). Backends are counted in pg_stat_activity by role.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startGateway } from '../../server/main.ts';
import { waitFor } from '../support/database.ts';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;

test.before(async () => {
  h = await startHarness('gw_backends', {
    maxConnections: 3,
    connectionsPerRole: 2,
    connectionIdleMs: 300,
    connectionWaitMs: 2000,
    maxStreamsPerSession: 2,
    maxStreams: 3,
    maxSessionsPerRole: 200,
  });
});

test.after(async () => {
  await h?.close();
});

/** Backends of `role` in the test database (application_name pgautomator-gateway). */
async function backendsOf(role: string): Promise<number> {
  const { rows } = await h.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND application_name = 'pgautomator-gateway'`,
    [h.db.name, role],
  );
  return rows[0]!.n;
}

/** Opens GET /events; resolves with the status and a way to close it (the body is left streaming). */
async function openStream(b: Browser): Promise<{ status: number; body: any; close(): void; ended: Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(`${b.baseUrl}/events`, { headers: { Cookie: b.cookie }, signal: controller.signal });
  if (response.status !== 200) return { status: response.status, body: await response.json(), close() {}, ended: Promise.resolve() };
  const ended = (async () => {
    try {
      for await (const _ of response.body as unknown as AsyncIterable<Uint8Array>) {
        /* drain */
      }
    } catch {
      /* aborted */
    }
  })();
  return { status: 200, body: null, close: () => controller.abort(), ended };
}

test('150 logins as one role hold at most its pool of backends, released when idle; the sessions keep working', async () => {
  const browsers: Browser[] = [];
  // In parallel, 5 at a time (the login throttle lets 5 attempts of one user run at once).
  for (let batch = 0; batch < 30; batch++) {
    const replies = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const b = new Browser(h.gateway.url);
        browsers.push(b);
        return (await b.login(h.roles.viewer, h.password)).status;
      }),
    );
    assert.equal(replies, Array(5).fill(200));
  }
  assert.ok((await backendsOf(h.roles.viewer)) <= 2, 'at most connectionsPerRole backends');
  await waitFor(async () => (await backendsOf(h.roles.viewer)) === 0, { what: 'idle backends to be released' });
  // Released backends are opened again on demand, by any session of the role.
  assert.is((await browsers[0]!.read('list_jobs')).status, 200);
  assert.is((await browsers[149]!.read('list_jobs')).status, 200);
  assert.ok((await backendsOf(h.roles.viewer)) >= 1);
});

test('a login beyond the global cap waits, then gets 503; existing sessions work once backends free up', async () => {
  const viewer = new Browser(h.gateway.url);
  assert.is((await viewer.login(h.roles.viewer, h.password)).status, 200);
  const operator = new Browser(h.gateway.url);
  assert.is((await operator.login(h.roles.operator, h.password)).status, 200);
  // Every backend of the gateway busy (as a long call would hold them).
  const held = [await h.gateway.backends.acquire(h.roles.viewer), await h.gateway.backends.acquire(h.roles.viewer), await h.gateway.backends.acquire(h.roles.operator)];
  try {
    assert.is(h.gateway.backends.stats().open, 3);
    const admin = new Browser(h.gateway.url);
    const refused = await admin.login(h.roles.admin, h.password);
    assert.is(refused.status, 503);
    assert.is(refused.body.code, 'gateway_busy');
    assert.match(refused.body.message, /max-connections/);
    assert.is(refused.headers.get('retry-after'), '1');
    // A call of an existing session waits the same way, and says so the same way.
    const busy = await viewer.read('list_jobs');
    assert.is(busy.status, 503);
    assert.is(busy.body.code, 'gateway_busy');
    assert.is(busy.headers.get('retry-after'), '1');
    const health = await new Browser(h.gateway.url).request('GET', '/healthz');
    assert.is(health.body.connections.max, 3);
    assert.is(health.body.connections.busy, 3);
  } finally {
    for (const lease of held) lease.release();
  }
  assert.is((await viewer.read('list_jobs')).status, 200);
  assert.is((await operator.read('list_jobs')).status, 200);
  // The cap holds backends, not roles: idle ones of other roles make room for a new login.
  const admin = new Browser(h.gateway.url);
  assert.is((await admin.login(h.roles.admin, h.password)).status, 200);
  assert.ok(h.gateway.backends.stats().open <= 3);
});

test("logout closes the role's backends once its last session ends, and forgets its password", async () => {
  const a = new Browser(h.gateway.url);
  const b = new Browser(h.gateway.url);
  assert.is((await a.login(h.roles.agent, h.password)).status, 200);
  assert.is((await b.login(h.roles.agent, h.password)).status, 200);
  assert.is((await a.request('POST', '/auth/logout', undefined, { 'X-CSRF-Token': a.csrf })).status, 200);
  assert.ok(h.gateway.backends.stats().roles.includes(h.roles.agent), 'the other session still holds the role');
  assert.is((await b.request('POST', '/auth/logout', undefined, { 'X-CSRF-Token': b.csrf })).status, 200);
  assert.not.ok(h.gateway.backends.stats().roles.includes(h.roles.agent));
  await waitFor(async () => (await backendsOf(h.roles.agent)) === 0, { timeoutMs: 2000, what: 'backends closed at logout' });
});

test('event streams are capped per session and in total (429); logout ends the session streams', async () => {
  const a = new Browser(h.gateway.url);
  const b = new Browser(h.gateway.url);
  assert.is((await a.login(h.roles.viewer, h.password)).status, 200);
  assert.is((await b.login(h.roles.operator, h.password)).status, 200);
  const a1 = await openStream(a);
  const a2 = await openStream(a);
  assert.is(a1.status, 200);
  assert.is(a2.status, 200);
  const a3 = await openStream(a);
  assert.is(a3.status, 429);
  assert.is(a3.body.code, 'too_many_streams');
  const b1 = await openStream(b);
  assert.is(b1.status, 200);
  const b2 = await openStream(b); // the gateway's total of 3 is reached
  assert.is(b2.status, 429);
  assert.is(b2.body.code, 'too_many_streams');
  a2.close();
  await waitFor(async () => {
    const health = await new Browser(h.gateway.url).request('GET', '/healthz');
    return health.body.streams?.open === 2;
  }, { what: 'the closed stream to be counted off' });
  const b3 = await openStream(b);
  assert.is(b3.status, 200);
  // Logout ends what the session held: its streams end from the gateway's side.
  assert.is((await a.request('POST', '/auth/logout', undefined, { 'X-CSRF-Token': a.csrf })).status, 200);
  await a1.ended;
  b1.close();
  b3.close();
});

test('backends the server ends are dropped and replaced: the sessions go on', async () => {
  const b = new Browser(h.gateway.url);
  assert.is((await b.login(h.roles.operator, h.password)).status, 200);
  assert.is((await b.read('list_jobs')).status, 200);
  assert.ok((await backendsOf(h.roles.operator)) >= 1);
  await h.db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND application_name = 'pgautomator-gateway'`, [h.db.name, h.roles.operator]);
  await waitFor(async () => (await backendsOf(h.roles.operator)) === 0, { what: 'the backends to end' });
  await waitFor(() => h.gateway.backends.stats().idle === 0 || undefined, { what: 'the pool to notice' });
  assert.is((await b.read('list_jobs')).status, 200);
  assert.is((await b.read('list_jobs')).status, 200);
});

test("a role's sessions are capped: a login beyond ends that role's least recently used session", async () => {
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', log: () => {}, maxSessionsPerRole: 2 });
  // The clock stands still: recency is the order of use, not the millisecond (a tie between a's
  // use and b's login used to end a, the session just used; CI met it).
  const realNow = Date.now;
  const frozen = realNow();
  Date.now = () => frozen;
  try {
    const [a, b, c] = [new Browser(gateway.url), new Browser(gateway.url), new Browser(gateway.url)];
    assert.is((await a.login(h.roles.viewer, h.password)).status, 200);
    assert.is((await b.login(h.roles.viewer, h.password)).status, 200);
    assert.is((await a.request('GET', '/auth/me')).status, 200); // a used since: b is the stalest
    const other = new Browser(gateway.url);
    assert.is((await other.login(h.roles.operator, h.password)).status, 200);
    assert.is((await c.login(h.roles.viewer, h.password)).status, 200);
    assert.is((await b.request('GET', '/auth/me')).status, 401);
    assert.is((await a.request('GET', '/auth/me')).status, 200);
    assert.is((await c.request('GET', '/auth/me')).status, 200);
    assert.is((await other.request('GET', '/auth/me')).status, 200);
    assert.is((await new Browser(gateway.url).request('GET', '/healthz')).body.sessions, 3);
  } finally {
    Date.now = realNow;
    await gateway.close();
  }
});

test('an idle session expires on its own: its role lets go of its backends and password, its cookie is refused', async () => {
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', log: () => {}, sessionIdleSeconds: 0.3 });
  try {
    const b = new Browser(gateway.url);
    assert.is((await b.login(h.roles.viewer, h.password)).status, 200);
    assert.ok(gateway.backends.stats().roles.includes(h.roles.viewer));
    // No request needed: the sweep ends it.
    await waitFor(() => !gateway.backends.stats().roles.includes(h.roles.viewer), { what: 'the idle session to be swept' });
    assert.is(gateway.backends.stats().open, 0);
    assert.is((await b.request('GET', '/auth/me')).status, 401);
  } finally {
    await gateway.close();
  }
});

test.run();

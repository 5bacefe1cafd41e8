/**
 * Sessions, cookies, CSRF, /auth/me groups, logout, trusted upstream header and CORS, against a
 * real database.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startGateway, type Gateway } from '../../server/main.ts';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;

test.before(async () => {
  h = await startHarness('gw_auth');
});

test.after(async () => {
  await h?.close();
});

test('login sets an HttpOnly, SameSite=Strict, Path=/ session cookie and returns a CSRF token', async () => {
  const b = new Browser(h.gateway.url);
  const reply = await b.login(h.roles.viewer, h.password);
  assert.is(reply.status, 200);
  const cookie = reply.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^pga_session=[A-Za-z0-9_-]{40,};/);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\//);
  assert.not.match(cookie, /Secure/); // plain HTTP on localhost
  const body = reply.body as { user: string; csrfToken: string; groups: string[] };
  assert.is(body.user, h.roles.viewer);
  assert.ok(body.csrfToken.length >= 40);
});

test('/auth/me tells the role, its groups and the CSRF token; 401 when anonymous', async () => {
  assert.is((await new Browser(h.gateway.url).request('GET', '/auth/me')).status, 401);
  const expected: Record<string, string[]> = {
    viewer: ['pgautomator_viewer'],
    operator: ['pgautomator_viewer', 'pgautomator_operator'],
    admin: ['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin'],
    nobody: [],
  };
  for (const access of ['viewer', 'operator', 'admin', 'nobody'] as const) {
    const b = new Browser(h.gateway.url);
    await b.login(h.roles[access], h.password);
    const me = await b.request('GET', '/auth/me');
    assert.is(me.status, 200);
    assert.is(me.body.user, h.roles[access]);
    assert.equal([...me.body.groups].sort(), [...expected[access]].sort(), access);
    assert.is(me.body.csrfToken, b.csrf);
  }
});

test('a POST without the CSRF token, or with a wrong one, is 403 and does nothing', async () => {
  const b = new Browser(h.gateway.url);
  await b.login(h.roles.admin, h.password);
  const missing = await b.request('POST', '/rpc/create_job', { name: 'csrf-missing' });
  assert.is(missing.status, 403);
  assert.is(missing.body.code, 'csrf_failed');
  const wrong = await b.request('POST', '/rpc/create_job', { name: 'csrf-wrong' }, { 'X-CSRF-Token': 'x'.repeat(43) });
  assert.is(wrong.status, 403);
  // Another session's token does not fit this session either.
  const other = new Browser(h.gateway.url);
  await other.login(h.roles.admin, h.password);
  const crossed = await b.request('POST', '/rpc/create_job', { name: 'csrf-crossed' }, { 'X-CSRF-Token': other.csrf });
  assert.is(crossed.status, 403);
  const names = (await b.read('list_jobs')).body.map((j: { name: string }) => j.name);
  assert.equal(names, []);
  // With it, the call goes through.
  assert.is((await b.call('create_job', { name: 'csrf-ok' })).status, 200);
});

test('logout ends the session (its cookie is refused afterwards) and needs the CSRF token', async () => {
  const b = new Browser(h.gateway.url);
  await b.login(h.roles.viewer, h.password);
  const cookie = b.cookie;
  assert.is((await b.request('POST', '/auth/logout', {})).status, 403);
  const out = await b.request('POST', '/auth/logout', {}, { 'X-CSRF-Token': b.csrf });
  assert.is(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  const again = new Browser(h.gateway.url);
  again.cookie = cookie;
  assert.is((await again.read('list_jobs')).status, 401);
  assert.is((await again.request('GET', '/auth/me')).status, 401);
});

test('a login that is not a JSON object of user and password is a 400', async () => {
  const b = new Browser(h.gateway.url);
  assert.is((await b.request('POST', '/auth/login', { user: h.roles.viewer })).status, 400);
  assert.is((await b.request('GET', '/auth/login')).status, 405);
});

test('CORS is off unless an origin is configured; then only that origin, with credentials', async () => {
  const plain = await fetch(`${h.gateway.url}/auth/me`, { headers: { Origin: 'https://portal.example' } });
  assert.is(plain.headers.get('access-control-allow-origin'), null);
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', corsOrigins: ['https://portal.example'], log: () => {} });
  try {
    const preflight = await fetch(`${gateway.url}/rpc/start_job`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-csrf-token' },
    });
    assert.is(preflight.status, 204);
    assert.is(preflight.headers.get('access-control-allow-origin'), 'https://portal.example');
    assert.is(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-CSRF-Token/i);
    const other = await fetch(`${gateway.url}/auth/me`, { headers: { Origin: 'https://evil.example' } });
    assert.is(other.headers.get('access-control-allow-origin'), null);
  } finally {
    await gateway.close();
  }
});

test('trusted header mode: SET ROLE to the named role on the gateway connection; off by default', async () => {
  // Off by default: the header means nothing.
  const ignored = new Browser(h.gateway.url, { 'X-Remote-User': h.roles.admin });
  assert.is((await ignored.request('GET', '/auth/me')).status, 401);
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', trustHeader: 'X-Remote-User', log: () => {} });
  try {
    const viewer = new Browser(gateway.url, { 'X-Remote-User': h.roles.viewer });
    const me = await viewer.request('GET', '/auth/me');
    assert.is(me.status, 200);
    assert.is(me.body.user, h.roles.viewer);
    assert.is(me.body.via, 'header');
    assert.equal(me.body.groups, ['pgautomator_viewer']);
    viewer.csrf = me.body.csrfToken;
    // The database sees the viewer, not the gateway's superuser role.
    const refused = await viewer.call('create_job', { name: 'via-header' });
    assert.is(refused.status, 403, JSON.stringify(refused.body));
    assert.is((await viewer.request('POST', '/rpc/list_jobs', {})).status, 403); // CSRF still required
    const admin = new Browser(gateway.url, { 'X-Remote-User': h.roles.admin });
    admin.csrf = (await admin.request('GET', '/auth/me')).body.csrfToken;
    assert.is((await admin.call('create_job', { name: 'via-header' })).status, 200);
    const job = await admin.read('get_job', { name: 'via-header' });
    assert.is(job.body.job.owner, h.roles.admin);
    // A role that does not exist cannot be assumed.
    const ghost = new Browser(gateway.url, { 'X-Remote-User': 'no_such_role_at_all' });
    const ghostMe = await ghost.request('GET', '/auth/me');
    assert.is(ghostMe.status, 403);
    assert.is(ghostMe.body.code, 'role_not_allowed');
    assert.is((await ghost.read('list_jobs')).status, 403);
    // Nor a superuser role (here the gateway's own), unless the gateway allows superuser logins.
    const root = new Browser(gateway.url, { 'X-Remote-User': 'postgres' });
    const rootMe = await root.request('GET', '/auth/me');
    assert.is(rootMe.status, 403);
    assert.is(rootMe.body.code, 'superuser_login_refused');
    assert.is((await root.read('list_jobs')).status, 403);
  } finally {
    await gateway.close();
  }
});

test('unknown paths are 404 and the health check answers', async () => {
  assert.is((await new Browser(h.gateway.url).request('GET', '/nope')).status, 404);
  const health = await new Browser(h.gateway.url).request('GET', '/healthz');
  assert.is(health.status, 200);
});

test.run();

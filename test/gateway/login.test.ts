/**
 * Login against a server that checks passwords: a wrong password and an unknown role are refused
 * alike (401, nothing told apart), the right one opens a session that acts as that role. Repeated
 * failures are slowed down (429 with Retry-After) per user and per address; superuser roles are
 * refused (403) unless the gateway was started with allowSuperuserLogin.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { startGateway, type Gateway, type GatewayOptions } from '../../server/main.ts';
import { waitFor } from '../support/database.ts';
import { Browser } from './harness.ts';
import { startPasswordCluster, type PasswordCluster } from './password-cluster.ts';

let cluster: PasswordCluster;
let gateway: Gateway;

test.before(async () => {
  cluster = await startPasswordCluster('super-secret');
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE ROLE alice LOGIN PASSWORD 'right horse battery'`);
  await admin.query(`SELECT pgautomator.grant_role('alice', 'operator')`);
  for (const name of ['bob', 'carol', 'dave', 'erin']) {
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD 'pw-${name}'`);
    await admin.query(`SELECT pgautomator.grant_role('${name}', 'viewer')`);
  }
  await admin.end();
  gateway = await startGateway({ databaseUrl: cluster.url, port: 0, buildUi: 'never', log: () => {} });
});

test.after(async () => {
  await gateway?.close();
  await cluster?.stop();
});

test('a wrong password is refused with 401 and no cookie', async () => {
  const b = new Browser(gateway.url);
  const reply = await b.login('alice', 'wrong horse');
  assert.is(reply.status, 401);
  assert.is(reply.body.code, 'login_failed');
  assert.is(reply.headers.get('set-cookie'), null);
  assert.is((await b.request('GET', '/auth/me')).status, 401);
});

test('an unknown role gets the same answer as a wrong password', async () => {
  const wrongPassword = await new Browser(gateway.url).login('alice', 'nope');
  const unknownRole = await new Browser(gateway.url).login('mallory', 'nope');
  assert.is(unknownRole.status, 401);
  assert.equal(unknownRole.body, wrongPassword.body);
});

test('the right password opens a session acting as that role', async () => {
  const b = new Browser(gateway.url);
  const reply = await b.login('alice', 'right horse battery');
  assert.is(reply.status, 200);
  assert.equal([...reply.body.groups].sort(), ['pgautomator_operator', 'pgautomator_viewer']);
  assert.is((await b.call('create_job', { name: 'not-for-operators' })).status, 403);
  assert.is((await b.read('list_jobs')).status, 200);
});

/** A gateway of its own on the cluster (the throttle's counts are per gateway process). */
async function withGateway(options: Partial<GatewayOptions>, body: (gw: Gateway) => Promise<void>): Promise<void> {
  const gw = await startGateway({ databaseUrl: cluster.url, port: 0, buildUi: 'never', log: () => {}, ...options });
  try {
    await body(gw);
  } finally {
    await gw.close();
  }
}

const throttle = { failuresPerUser: 3, failuresPerAddress: 100, baseDelayMs: 200 };

test('repeated wrong passwords for a user are slowed down: 429 with Retry-After, even for the right one', async () => {
  await withGateway({ loginThrottle: throttle }, async (gw) => {
    const b = new Browser(gw.url);
    for (let i = 0; i < 3; i++) assert.is((await b.login('bob', `wrong-${i}`)).status, 401);
    const limited = await b.login('bob', 'pw-bob');
    assert.is(limited.status, 429);
    assert.is(limited.body.code, 'too_many_login_failures');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.is(limited.headers.get('set-cookie'), null);
    // Another user from the same address is not held back by bob's failures.
    assert.is((await new Browser(gw.url).login('carol', 'pw-carol')).status, 200);
    // Once the delay is over the right password works.
    const ok = await waitFor(async () => {
      const reply = await new Browser(gw.url).login('bob', 'pw-bob');
      return reply.status === 429 ? undefined : reply;
    }, { what: "bob's delay to pass" });
    assert.is(ok.status, 200);
  });
});

test("a successful login resets the user's count of failures", async () => {
  await withGateway({ loginThrottle: throttle }, async (gw) => {
    const b = new Browser(gw.url);
    for (let i = 0; i < 2; i++) assert.is((await b.login('dave', 'wrong')).status, 401);
    assert.is((await b.login('dave', 'pw-dave')).status, 200);
    for (let i = 0; i < 2; i++) assert.is((await b.login('dave', 'wrong')).status, 401);
    assert.is((await b.login('dave', 'pw-dave')).status, 200);
  });
});

test('parallel guesses are counted as they start: a burst cannot slip past the limit', async () => {
  await withGateway({ loginThrottle: { ...throttle, baseDelayMs: 60_000 } }, async (gw) => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => new Browser(gw.url).login('erin', `guess-${i}`).then((r) => r.status)));
    assert.is(statuses.filter((s) => s === 401).length, 3);
    assert.is(statuses.filter((s) => s === 429).length, 17);
  });
});

test('failures from one address across many users are slowed down too', async () => {
  await withGateway({ loginThrottle: { ...throttle, failuresPerAddress: 4 } }, async (gw) => {
    const b = new Browser(gw.url);
    for (const user of ['u1', 'u2', 'u3', 'u4']) assert.is((await b.login(user, 'x')).status, 401);
    const limited = await b.login('alice', 'right horse battery');
    assert.is(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});

test('a superuser may not log in unless the gateway allows it explicitly', async () => {
  const refused = await new Browser(gateway.url).login('postgres', 'super-secret');
  assert.is(refused.status, 403);
  assert.is(refused.body.code, 'superuser_login_refused');
  assert.match(refused.body.message, /--allow-superuser-login/);
  assert.is(refused.headers.get('set-cookie'), null);
  // A wrong password for the superuser is still just a failed login (nothing told apart).
  assert.is((await new Browser(gateway.url).login('postgres', 'nope')).status, 401);
  await withGateway({ allowSuperuserLogin: true }, async (gw) => {
    const b = new Browser(gw.url);
    assert.is((await b.login('postgres', 'super-secret')).status, 200);
    assert.is((await b.read('list_jobs')).status, 200);
  });
});

test.run();

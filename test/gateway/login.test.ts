/**
 * Login against a server that checks passwords: a wrong password and an unknown role are refused
 * alike (401, nothing told apart), the right one opens a session that acts as that role.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { startGateway, type Gateway } from '../../server/main.ts';
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

test.run();

/**
 * POST /rpc: a batch of API calls in one transaction, as the caller's role. A failing call rolls
 * back the ones before it (the console's "new category + job with a duplicate name" save), the
 * allow-list and CSRF hold for every call, and the trusted-header path is one transaction too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startGateway } from '../../server/main.ts';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;
let admin: Browser;
let viewer: Browser;

const batch = (b: Browser, calls: unknown[]) => b.request('POST', '/rpc', { calls }, { 'X-CSRF-Token': b.csrf });
const categories = async () => ((await admin.read('list_categories')).body as Array<{ name: string }>).map((c) => c.name).sort();

test.before(async () => {
  h = await startHarness('gw_batch');
  admin = new Browser(h.gateway.url);
  viewer = new Browser(h.gateway.url);
  assert.is((await admin.login(h.roles.admin, h.password)).status, 200);
  assert.is((await viewer.login(h.roles.viewer, h.password)).status, 200);
  assert.is((await admin.call('create_job', { name: 'taken' })).status, 200);
});

test.after(async () => {
  await h?.close();
});

test('every call commits together and each result comes back in order', async () => {
  const reply = await batch(admin, [
    { fn: 'create_category', args: { name: 'reports' } },
    { fn: 'create_job', args: { name: 'monthly-report', category: 'reports' } },
  ]);
  assert.is(reply.status, 200, JSON.stringify(reply.body));
  assert.is(reply.body.results.length, 2);
  assert.equal(await categories(), ['reports']);
  assert.is((await admin.read('get_job', { name: 'monthly-report' })).body.job.category, 'reports');
});

test('a failing call rolls back the calls before it: a duplicate job name leaves no new category', async () => {
  const reply = await batch(admin, [
    { fn: 'create_category', args: { name: 'half-saved' } },
    { fn: 'create_job', args: { name: 'taken', category: 'half-saved' } },
  ]);
  assert.is(reply.status, 409, JSON.stringify(reply.body));
  assert.is(reply.body.code, 'PA020');
  assert.is(reply.body.index, 1);
  assert.is(reply.body.fn, 'create_job');
  assert.is(reply.body.committed, false);
  assert.not.ok((await categories()).includes('half-saved'));
  // Renaming onto an existing name: the same.
  const rename = await batch(admin, [
    { fn: 'create_category', args: { name: 'half-renamed' } },
    { fn: 'update_job', args: { name: 'monthly-report', new_name: 'taken', category: 'half-renamed' } },
  ]);
  assert.is(rename.status, 409, JSON.stringify(rename.body));
  assert.not.ok((await categories()).includes('half-renamed'));
  assert.is((await admin.read('get_job', { name: 'monthly-report' })).body.job.category, 'reports');
});

test('the allow-list and argument checks hold before any call runs', async () => {
  for (const fn of ['_job_id', 'constructor', 'no_such_function']) {
    const reply = await batch(admin, [
      { fn: 'create_category', args: { name: `never-${fn}` } },
      { fn, args: {} },
    ]);
    assert.is(reply.status, 404, fn);
    assert.is(reply.body.code, 'unknown_function');
  }
  assert.equal(await categories(), ['reports']);
  for (const body of [{}, { calls: [] }, { calls: 'create_job' }, { calls: [{ fn: 'create_job', args: [] }] }, { calls: Array.from({ length: 51 }, () => ({ fn: 'list_jobs' })) }]) {
    const reply = await admin.request('POST', '/rpc', body, { 'X-CSRF-Token': admin.csrf });
    assert.is(reply.status, 400, JSON.stringify(body).slice(0, 80));
    assert.is(reply.body.code, 'invalid_batch');
  }
});

test('CSRF, login and the database permissions hold: a viewer batch is refused by the database', async () => {
  assert.is((await admin.request('POST', '/rpc', { calls: [{ fn: 'list_jobs' }] })).status, 403);
  assert.is((await new Browser(h.gateway.url).request('POST', '/rpc', { calls: [{ fn: 'list_jobs' }] })).status, 401);
  assert.is((await admin.request('GET', '/rpc')).status, 405);
  const refused = await batch(viewer, [{ fn: 'create_category', args: { name: 'by-viewer' } }]);
  assert.is(refused.status, 403, JSON.stringify(refused.body));
  assert.not.ok((await categories()).includes('by-viewer'));
});

test('trusted header mode: the batch is one transaction on the SET ROLE connection', async () => {
  const gateway = await startGateway({ databaseUrl: h.db.url, port: 0, buildUi: 'never', trustHeader: 'X-Remote-User', log: () => {} });
  try {
    const proxied = new Browser(gateway.url, { 'X-Remote-User': h.roles.admin });
    proxied.csrf = (await proxied.request('GET', '/auth/me')).body.csrfToken;
    const failed = await batch(proxied, [
      { fn: 'create_category', args: { name: 'via-header' } },
      { fn: 'create_job', args: { name: 'taken' } },
    ]);
    assert.is(failed.status, 409, JSON.stringify(failed.body));
    assert.not.ok((await categories()).includes('via-header'));
    const ok = await batch(proxied, [{ fn: 'create_category', args: { name: 'via-header' } }]);
    assert.is(ok.status, 200, JSON.stringify(ok.body));
    assert.ok((await categories()).includes('via-header'));
  } finally {
    await gateway.close();
  }
});

test.run();

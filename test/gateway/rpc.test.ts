/**
 * POST/GET /rpc/<function> against a real database: the manifest is the allow-list, the database
 * decides permissions (403), SQLSTATEs map to HTTP statuses, arguments are data, reads may use GET.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Browser, startHarness, type Harness } from './harness.ts';

let h: Harness;
let admin: Browser;
let viewer: Browser;
let operator: Browser;

test.before(async () => {
  h = await startHarness('gw_rpc');
  admin = new Browser(h.gateway.url);
  viewer = new Browser(h.gateway.url);
  operator = new Browser(h.gateway.url);
  assert.is((await admin.login(h.roles.admin, h.password)).status, 200);
  assert.is((await viewer.login(h.roles.viewer, h.password)).status, 200);
  assert.is((await operator.login(h.roles.operator, h.password)).status, 200);
  const created = await admin.call('create_job', { name: 'nightly' });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is((await admin.call('add_step', { job: 'nightly', name: 'hello', kind: 'shell', command: 'echo hello' })).status, 200);
});

test.after(async () => {
  await h?.close();
});

test('an unknown function is 404, also for internal helpers and inherited object keys', async () => {
  for (const name of ['no_such_function', '_job_id', '_raise', 'constructor', '__proto__', 'toString']) {
    const reply = await admin.call(name, {});
    assert.is(reply.status, 404, name);
    assert.is(reply.body.code, 'unknown_function', name);
    assert.is((await admin.read(name)).status, 404, `GET ${name}`);
  }
});

test('anonymous calls are refused with 401', async () => {
  const anonymous = new Browser(h.gateway.url);
  assert.is((await anonymous.read('list_jobs')).status, 401);
  assert.is((await anonymous.request('POST', '/rpc/list_jobs', {})).status, 401);
});

test('GET works for read functions and is refused (405) for volatile ones', async () => {
  const jobs = await viewer.read('list_jobs');
  assert.is(jobs.status, 200);
  assert.equal(jobs.body.map((j: { name: string }) => j.name), ['nightly']);
  const job = await viewer.read('get_job', { name: 'nightly' });
  assert.is(job.status, 200);
  assert.is(job.body.steps[0].command, 'echo hello');
  for (const fn of ['start_job', 'create_job', 'kill_run', 'delete_job']) {
    const reply = await admin.read(fn, { job: 'nightly' });
    assert.is(reply.status, 405, fn);
    assert.is(reply.headers.get('allow'), 'POST');
  }
  // The volatile call really did not happen.
  assert.is((await viewer.read('list_runs', { job: 'nightly' })).body.length, 0);
});

test('GET query values are converted by the argument types', async () => {
  const reply = await viewer.read('list_runs', { job: 'nightly', limit: 5 });
  assert.is(reply.status, 200);
  assert.is((await viewer.read('list_runs', { limit: 'many' })).status, 400);
  assert.is((await viewer.read('list_runs', { no_such_arg: 1 })).status, 400);
});

test("a viewer's start_job and kill_run are refused by the database: 403", async () => {
  const start = await viewer.call('start_job', { job: 'nightly' });
  assert.is(start.status, 403, JSON.stringify(start.body));
  assert.ok(['PA040', '42501'].includes(start.body.code), start.body.code);
  assert.type(start.body.message, 'string');
  const runId = (await operator.call('start_job', { job: 'nightly' })).body;
  assert.type(runId, 'number');
  const kill = await viewer.call('kill_run', { run_id: runId });
  assert.is(kill.status, 403, JSON.stringify(kill.body));
  // The operator may: a queued run is cancelled at once.
  const killed = await operator.call('kill_run', { run_id: runId });
  assert.is(killed.status, 200, JSON.stringify(killed.body));
  const run = await viewer.read('get_run', { run_id: runId });
  assert.is(run.body.run.state, 'cancelled');
});

test('SQLSTATEs map to HTTP with the database message, code, field and hint', async () => {
  const missing = await viewer.read('get_job', { name: 'no such job' });
  assert.is(missing.status, 404);
  assert.is(missing.body.code, 'PA010');
  assert.is(missing.body.field, 'job');
  assert.ok(missing.body.hint);
  const duplicate = await admin.call('create_job', { name: 'nightly' });
  assert.is(duplicate.status, 409);
  assert.is(duplicate.body.code, 'PA020');
  const badSpec = await admin.call('create_schedule', { name: 'bad', spec: { type: 'daily', start_date: '2026-02-01', end_date: '2026-01-01' } });
  assert.is(badSpec.status, 400);
  assert.is(badSpec.body.code, 'PA001');
  assert.is(badSpec.body.field, 'end_date');
  const ended = await operator.call('kill_run', { run_id: (await viewer.read('list_runs', { job: 'nightly' })).body[0].id });
  assert.is(ended.status, 409);
  assert.is(ended.body.code, 'PA030');
  const missingArg = await admin.call('create_job', {});
  assert.is(missingArg.status, 400);
  const unknownArg = await admin.call('create_job', { name: 'x', colour: 'red' });
  assert.is(unknownArg.status, 400);
  assert.match(unknownArg.body.message, 'colour');
});

test('SQL in arguments is data: a job named with a quote and DROP TABLE is created and read back verbatim', async () => {
  const name = "x'); DROP TABLE pgautomator.job; --";
  const description = 'a "quoted" $$ dollar $1 \\ backslash; SELECT pg_sleep(10); --';
  const created = await admin.call('create_job', { name, description });
  assert.is(created.status, 200, JSON.stringify(created.body));
  const step = await admin.call('add_step', { job: name, name: "step'; --", kind: 'shell', command: "echo '; DROP SCHEMA pgautomator CASCADE; --" });
  assert.is(step.status, 200, JSON.stringify(step.body));
  const job = await viewer.read('get_job', { name });
  assert.is(job.status, 200);
  assert.is(job.body.job.name, name);
  assert.is(job.body.job.description, description);
  assert.is(job.body.steps[0].name, "step'; --");
  assert.is(job.body.steps[0].command, "echo '; DROP SCHEMA pgautomator CASCADE; --");
  const names = (await viewer.read('list_jobs')).body.map((j: { name: string }) => j.name).sort();
  assert.equal(names, ['nightly', name].sort());
  // And in a function name: refused before any SQL.
  assert.is((await admin.call("list_jobs(); DROP TABLE pgautomator.job; --", {})).status, 404);
  assert.is((await admin.call('list_jobs%E0%A4%A', {})).status, 400);
});

test('a body that is not a JSON object is a 400', async () => {
  assert.is((await admin.request('POST', '/rpc/list_jobs', [1, 2], { 'X-CSRF-Token': admin.csrf })).status, 400);
  const raw = await fetch(`${h.gateway.url}/rpc/list_jobs`, { method: 'POST', headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' }, body: '{nope' });
  assert.is(raw.status, 400);
});

test('a role in no pgautomator group gets 403 from the database for reads too', async () => {
  const nobody = new Browser(h.gateway.url);
  assert.is((await nobody.login(h.roles.nobody, h.password)).status, 200);
  const reply = await nobody.read('list_jobs');
  assert.is(reply.status, 403);
});

test.run();

/**
 * `pgautomator install` into a fresh, empty database (both routes), its grants through
 * grant_role(), the "already installed" refusal, and `pgautomator status` (tables and --json),
 * also as a login role that holds only pgautomator_viewer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { createEmptyDatabase, inDatabase, onServer, runCli, urlAs, type EmptyDatabase } from './support/cli.ts';

const suffix = `${process.pid}_${randomBytes(2).toString('hex')}`;
const adminRole = `pgat_cli_admin_${suffix}`;
const viewerRole = `pgat_cli_viewer_${suffix}`;
const dbs: EmptyDatabase[] = [];

test.before(async () => {
  await onServer(async (client) => {
    await client.query(`CREATE ROLE ${adminRole} LOGIN`);
    await client.query(`CREATE ROLE ${viewerRole} LOGIN`);
  });
});

test.after(async () => {
  for (const db of dbs) await db.drop();
  await onServer(async (client) => {
    await client.query(`DROP ROLE IF EXISTS ${adminRole}`);
    await client.query(`DROP ROLE IF EXISTS ${viewerRole}`);
  });
});

const isMember = (url: string, role: string, group: string) =>
  inDatabase(url, async (client) => (await client.query('SELECT pg_has_role($1, $2, $3) AS m', [role, group, 'MEMBER'])).rows[0].m as boolean);

test('install --method plain into an empty database, with grants; then status', async () => {
  const db = await createEmptyDatabase('plain');
  dbs.push(db);
  const result = await runCli(['install', '--database-url', db.url, '--method', 'plain', '--grant-admin', adminRole, '--grant-viewer', viewerRole]);
  console.log(result.stdout.trimEnd());
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Installed pgautomator \d+\.\d+\.\d+ \(engine: (plpgsql|plv8)\)/);
  assert.match(result.stdout, new RegExp(`Granted pgautomator_admin to ${adminRole}`));
  assert.match(result.stdout, new RegExp(`Granted pgautomator_viewer to ${viewerRole}`));
  assert.ok(await isMember(db.url, adminRole, 'pgautomator_admin'));
  assert.ok(await isMember(db.url, viewerRole, 'pgautomator_viewer'));
  // Plain route: no pg_extension row, the version recorded by the script.
  const ext = await inDatabase(db.url, (c) => c.query("SELECT 1 FROM pg_extension WHERE extname = 'pgautomator'"));
  assert.is(ext.rows.length, 0);

  const status = await runCli(['status', '--database-url', db.url]);
  console.log(status.stdout.trimEnd());
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /pgautomator \d+\.\d+\.\d+ \(engine \w+\)/);
  assert.match(status.stdout, /Health:\n  agents +0 online, 0 draining, 0 silent\n  runs +0 running, 0 queued, 0 late\n/);
  assert.match(status.stdout, /  failing jobs +none\n  mail +0 waiting\n/);
  assert.match(status.stdout, /Agents: none has registered yet/);
  assert.match(status.stdout, /Running jobs: none/);
});

test('install refuses a database that has pgautomator already, naming its version', async () => {
  const db = dbs[0];
  const again = await runCli(['install', '--database-url', db.url]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /pgautomator \d+\.\d+\.\d+ is already installed in database "[^"]+" on [^ ]+ \(as plain SQL\)/);
  assert.match(again.stderr, /hint: /);
});

test('status shows an agent and a running job, as a viewer-only login; --json too', async () => {
  const db = dbs[0];
  // An agent registers and takes a run, through the agent protocol (as the database owner here).
  await inDatabase(db.url, async (client) => {
    await client.query(`SELECT pgautomator.grant_role(current_user, 'agent')`);
    await client.query(`SELECT pgautomator.register_agent(name => 'cli-test-agent', host => 'test-host')`);
    await client.query(`SELECT pgautomator.create_job(name => 'cli-test-job')`);
    await client.query(`SELECT pgautomator.add_step(job => 'cli-test-job', name => 'one', kind => 'shell', command => 'true')`);
    await client.query(`SELECT pgautomator.start_job(job => 'cli-test-job')`);
    await client.query(`SELECT pgautomator.claim_runs(name => 'cli-test-agent')`);
  });
  const viewerUrl = urlAs(db.url, viewerRole);
  const status = await runCli(['status', '--database-url', viewerUrl]);
  console.log(status.stdout.trimEnd());
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /  agents +1 online, 0 draining, 0 silent\n  runs +1 running, 0 queued, 0 late\n/);
  assert.match(status.stdout, /Agents \(1\):/);
  assert.match(status.stdout, /cli-test-agent +online +yes +test-host +1 /);
  assert.match(status.stdout, /Running jobs \(1\):/);
  assert.match(status.stdout, /cli-test-job +running +cli-test-agent/);

  const json = await runCli(['status', '--database-url', viewerUrl, '--json']);
  assert.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as {
    version: string; route: string; health: Record<string, unknown>; agents: { name: string; running: number }[]; running: { job: string; state: string }[];
  };
  assert.is(parsed.route, 'plain');
  assert.equal([parsed.health.agents_online, parsed.health.runs_running, parsed.health.runs_queued, parsed.health.jobs_failing, parsed.health.failing_jobs],
    [1, 1, 0, 0, []]);
  assert.is(parsed.health.version, parsed.version);
  assert.equal(parsed.agents.map((a) => [a.name, a.running]), [['cli-test-agent', 1]]);
  assert.equal(parsed.running.map((r) => [r.job, r.state]), [['cli-test-job', 'running']]);
});

test('install --method extension (CREATE EXTENSION) where the server has the files', async () => {
  const db = await createEmptyDatabase('ext');
  dbs.push(db);
  const available = await inDatabase(db.url, async (c) => (await c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pgautomator'")).rows.length > 0);
  const result = await runCli(['install', '--database-url', db.url, '--method', 'extension']);
  if (!available) {
    assert.is(result.code, 1);
    assert.match(result.stderr, /has no pgautomator .* extension files/);
    assert.match(result.stderr, /make -C extension-build install/);
    return;
  }
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /\(CREATE EXTENSION\)/);
  const ext = await inDatabase(db.url, (c) => c.query("SELECT extversion FROM pg_extension WHERE extname = 'pgautomator'"));
  assert.is(ext.rows.length, 1);
  const again = await runCli(['install', '--database-url', db.url]);
  assert.is(again.code, 1);
  assert.match(again.stderr, /already installed .* \(as an extension\)/);
});

test('a grant to a role that does not exist fails after the install, naming the role', async () => {
  const db = await createEmptyDatabase('grant');
  dbs.push(db);
  const result = await runCli(['install', '--database-url', db.url, '--method', 'plain', '--grant-operator', `no_such_role_${suffix}`]);
  assert.is(result.code, 1);
  assert.match(result.stdout, /Installed pgautomator/);
  assert.match(result.stderr, new RegExp(`granting operator to "no_such_role_${suffix}" failed`));
});

test.run();

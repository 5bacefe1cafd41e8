/**
 * Backups (docs/backup.md): on both install routes, a database holding every kind of row is dumped
 * with `pg_dump -Fc` and restored with `pg_restore` into a new database on the same server and into
 * a fresh cluster (bench/compare/cluster.ts; the roles restored first). Every table comes back row
 * for row, the identity sequences go on from where they were, the run that was running when the
 * backup was taken is rescued by the liveness rules, and the restored database fires and runs a job
 * through the agent protocol. Also: a backup of the definitions without the history.
 *
 * What cannot run here is reported as skipped with its reason, never passed: the CREATE EXTENSION
 * route without the extension files on the server (not root), the fresh cluster when it cannot start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { BenchCluster } from '../bench/compare/cluster.ts';
import { extensionBuildDir, installExtension, packageVersion, serverHasExtensionFiles, type InstallMethod } from '../cli/extension-installer.ts';
import { createEmptyDatabase, databaseUrl, serverUrl, waitFor, withClient } from './support/database.ts';
import {
  agentName, asRole, assertCarriesOn, claimAndFinish, dumpDatabase, restoreDatabase, rolesScript, seedDatabase, tablePicture,
  type Server, type TablePicture, type TestRoles,
} from './support/backup.ts';

const version = await packageVersion();
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const roles: TestRoles = { admin: `pgat_bk_admin_${suffix}`, agent: `pgat_bk_agent_${suffix}` };
const local: Server = { host: new URL(serverUrl).hostname, port: Number(new URL(serverUrl).port || 5432) };
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgat-backup-'));
const history = ['pgautomator.job_run', 'pgautomator.step_run', 'pgautomator.step_log', 'pgautomator.notification'];

const admin = <T>(fn: (client: pg.Client) => Promise<T>, url = serverUrl): Promise<T> => withClient(url, fn);

/**
 * Why the CREATE EXTENSION route cannot be tested here, or undefined. The server's extension files
 * are shared by every checkout on this machine (npm test installs its own as root): when they are
 * not this checkout's, they are installed again, as the test runner would.
 */
async function extensionRouteProblem(): Promise<string | undefined> {
  const available = await admin((client) => serverHasExtensionFiles(client, version));
  const mayInstall = process.getuid?.() === 0 || process.env.PGAUTOMATOR_TEST_MAKE_INSTALL === '1';
  if (!available && !mayInstall) return 'the server has no pgautomator extension files (not root, so npm test did not make install them)';
  const shareDir = execFileSync('pg_config', ['--sharedir'], { encoding: 'utf8' }).trim();
  const installed = path.join(shareDir, 'extension', `pgautomator--${version}.sql`);
  const ours = readFileSync(path.join(extensionBuildDir, `pgautomator--${version}.sql`), 'utf8');
  if (!existsSync(installed) || readFileSync(installed, 'utf8') !== ours) {
    if (!mayInstall) return `${installed} is not this checkout's build, and we may not install it (not root)`;
    console.log(`note: ${installed} was not this checkout's build: make install again`);
    execFileSync('make', ['-s', '-C', extensionBuildDir, 'install'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return undefined;
}

/** A throwaway PostgreSQL 15 cluster (no pg_cron), or why there is none. */
async function startCluster(): Promise<{ cluster?: BenchCluster; problem?: string }> {
  const cluster = new BenchCluster((line) => console.log(`cluster: ${line}`), {
    settings: (socketDir) => ({ listen_addresses: '127.0.0.1', unix_socket_directories: socketDir, timezone: 'UTC', fsync: 'off', log_min_messages: 'warning' }),
  });
  try {
    await cluster.start();
    process.on('exit', () => cluster.stop());
    return { cluster };
  } catch (error) {
    cluster.stop();
    return { problem: `cannot start a throwaway PostgreSQL 15 cluster: ${(error as Error).message.split('\n')[0]}` };
  }
}

const extensionProblem = await extensionRouteProblem();
const { cluster, problem: clusterProblem } = await startCluster();
const routes: InstallMethod[] = ['extension', 'plain'];
const routeProblem = (route: InstallMethod) => (route === 'extension' ? extensionProblem : undefined);

interface Source {
  database: string;
  dump: string;
  dumpWarnings: string;
  picture: TablePicture;
  runningRunId: number;
}

const sources = new Map<InstallMethod, Source>();
const drops: Array<() => Promise<void>> = [];

async function source(route: InstallMethod): Promise<Source> {
  const known = sources.get(route);
  if (known) return known;
  const db = await createEmptyDatabase(`backup_src_${route}`);
  drops.push(() => db.drop());
  await installExtension(db.client, { method: route, version });
  const { runningRunId } = await seedDatabase(db.client, roles);
  const picture = await tablePicture(db.client);
  const dump = path.join(scratch, `${route}.dump`);
  const dumpWarnings = await dumpDatabase(local, db.name, dump);
  const made = { database: db.name, dump, dumpWarnings, picture, runningRunId };
  sources.set(route, made);
  return made;
}

/** A new empty database on the shared server, dropped after the file. */
async function newLocalDatabase(label: string): Promise<string> {
  const name = `pgat_${label}_${suffix}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  drops.push(() => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined));
  return name;
}

function assertSamePicture(restored: TablePicture, from: TablePicture, tables?: string[]): void {
  const pick = (r: Record<string, unknown>) => (tables ? Object.fromEntries(tables.map((t) => [t, r[t]])) : r);
  assert.equal(pick(restored.rows), pick(from.rows), 'row counts per table');
  assert.equal(pick(restored.digests), pick(from.digests), 'row contents per table');
  assert.equal(restored.sequences, from.sequences, 'identity sequences');
}

test.before(async () => {
  await admin(async (client) => {
    for (const role of Object.values(roles)) await client.query(`CREATE ROLE ${role} LOGIN`);
  });
});

test.after(async () => {
  for (const drop of drops.reverse()) await drop().catch((error) => console.error(`cleanup: ${(error as Error).message}`));
  cluster?.stop();
  await admin(async (client) => {
    for (const role of Object.values(roles)) await client.query(`DROP ROLE IF EXISTS ${role}`);
  });
  rmSync(scratch, { recursive: true, force: true });
});

/** A test, or, when `problem` says why it cannot run here, a skipped one that says so. */
function testOrSkip(name: string, problem: string | undefined, fn: () => Promise<void>): void {
  if (problem) {
    console.log(`skipped: ${name}: ${problem}`);
    test.skip(name, fn);
  } else {
    test(name, fn);
  }
}

testOrSkip('CREATE EXTENSION registers every table and sequence for pg_dump, and none of the rows its install writes', extensionProblem, async () => {
  const db = await createEmptyDatabase('backup_registered');
  drops.push(() => db.drop());
  await installExtension(db.client, { method: 'extension', version });
  const { rows } = await db.client.query<{ rel: string; condition: string; kind: string }>(`
    SELECT c.oid::regclass::text AS rel, x.condition, c.relkind::text AS kind
      FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, condition)
      JOIN pg_class c ON c.oid = x.oid
     WHERE e.extname = 'pgautomator'`);
  const registered = new Set(rows.map((r) => r.rel));
  const all = await db.client.query<{ rel: string }>(
    "SELECT c.oid::regclass::text AS rel FROM pg_class c WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1");
  assert.equal(all.rows.map((r) => r.rel).filter((rel) => !registered.has(rel)), [], 'tables and sequences pg_dump would restore empty');
  // CREATE EXTENSION writes these rows again on restore: a dumped one would be a duplicate key.
  for (const r of rows.filter((x) => x.kind === 'r')) {
    const seeded = await db.client.query(`SELECT count(*)::int AS n FROM ${r.rel} ${r.condition}`);
    assert.is(seeded.rows[0].n, 0, `${r.rel} ${r.condition}: rows of a fresh install that pg_dump would dump`);
  }
});

for (const route of routes) {
  testOrSkip(`${route} route: pg_dump -Fc and pg_restore into a new database on the same server`, routeProblem(route), async () => {
    const from = await source(route);
    const target = await newLocalDatabase(`bk_${route}_same`);
    // pg_dump's only words: the tables that refer to themselves (docs/backup.md says why that is harmless).
    const unexpected = from.dumpWarnings.split('\n').filter((line) =>
      line && !/^pg_dump: (warning: there are circular foreign-key constraints on this table:|detail: (job_run|step)$|hint: )/.test(line));
    assert.equal(unexpected, [], 'pg_dump warnings');
    const warnings = await restoreDatabase(local, target, from.dump);
    assert.is(warnings, '', 'pg_restore says nothing');
    await admin(async (client) => {
      assertSamePicture(await tablePicture(client), from.picture);
      assert.ok(from.picture.rows['pgautomator.job_run'] >= 4 && from.picture.rows['pgautomator.step_log'] > 0 && from.picture.rows['pgautomator.notification'] > 0
        && from.picture.rows['pgautomator.run_count'] > 0 && from.picture.rows['pgautomator.run_count_delta'] > 0,
        `the source had history to lose: ${JSON.stringify(from.picture.rows)}`);
      await assertCarriesOn(client, roles, from.runningRunId);
    }, databaseUrl(target));
  });

  testOrSkip(`${route} route: roles, then pg_restore into a fresh cluster`, routeProblem(route) ?? clusterProblem, async () => {
    const from = await source(route);
    const fresh = cluster!;
    await admin(async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [roles.agent]);
      if (exists.rows.length === 0) await client.query(await rolesScript(local, Object.values(roles)));
      await client.query(`CREATE DATABASE restored_${route}`);
    }, fresh.url('postgres'));
    const warnings = await restoreDatabase({ host: '127.0.0.1', port: fresh.port }, `restored_${route}`, from.dump);
    assert.is(warnings, '', 'pg_restore says nothing');
    await admin(async (client) => {
      assertSamePicture(await tablePicture(client), from.picture);
      const versions = await client.query('SELECT pgautomator.version() AS v');
      assert.is(versions.rows[0].v, version);
      await assertCarriesOn(client, roles, from.runningRunId);
    }, fresh.url(`restored_${route}`));
  });
}

testOrSkip('definitions without history: pg_dump --exclude-table-data of the run tables', extensionProblem, async () => {
  const from = await source('extension');
  const dump = path.join(scratch, 'definitions.dump');
  await dumpDatabase(local, from.database, dump, history.flatMap((table) => ['--exclude-table-data', table]));
  const target = await newLocalDatabase('bk_definitions');
  assert.is(await restoreDatabase(local, target, dump), '', 'pg_restore says nothing');
  await admin(async (client) => {
    const restored = await tablePicture(client);
    const definitions = Object.keys(from.picture.rows).filter((table) => !history.includes(table));
    assertSamePicture(restored, from.picture, definitions);
    assert.equal(history.map((table) => restored.rows[table]), history.map(() => 0), 'no history restored');
    await asRole(client, roles.agent, async () => {
      await client.query('SELECT pgautomator.register_agent($1)', [agentName]);
      const fired = await waitFor(async () => (await claimAndFinish(client, agentName)).find((r) => r.job === 'tick'), { timeoutMs: 15_000, what: 'tick to fire' });
      // Run ids go on past the history left behind: an id seen in old mail or logs names one run.
      assert.ok(fired.run_id > Number(from.picture.sequences.job_run_id_seq), 'run ids continue past the old history');
    });
  }, databaseUrl(target));
});

test.run();

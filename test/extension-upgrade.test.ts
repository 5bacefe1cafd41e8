/**
 * The upgrade mechanism (STYLE.md: CI proves upgraded == fresh), and upgrades that keep data.
 * There is no released version before 0.1.0 yet, so this builds the NEXT version in a scratch copy
 * of the sources (version bumped, an upgrade script 0.1.0--next with a schema change and a data
 * change), then:
 * - compares a database upgraded from today's release with one installed fresh at the next version;
 * - upgrades databases holding a bit of everything (test/support/backup.ts: definitions, agents,
 *   history in every state, a run still running) through both routes: the plain scripts in one
 *   transaction, and `ALTER EXTENSION pgautomator UPDATE` on a private copy of the server
 *   installation (bench/compare/relocated-install.ts), whose extension directory gets the next
 *   version's files as `make install` would put them, without touching the shared server's.
 *   Every row survives, the data change runs, every table stays registered for pg_dump, and the
 *   upgraded database fires and runs jobs through the agent protocol.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { BenchCluster, PG_BIN } from '../bench/compare/cluster.ts';
import { relocatedInstall } from '../bench/compare/relocated-install.ts';
import { installExtension, packageVersion, withoutPsqlGuard } from '../cli/extension-installer.ts';
import { runPlainUpgrade, upgradePath, upgradeScripts } from '../cli/upgrade-chain.ts';
import { createEmptyDatabase, serverUrl, withClient } from './support/database.ts';
import { catalogSnapshot, snapshotDifferences } from './support/catalog-snapshot.ts';
import { assertCarriesOn, seedDatabase, tableColumns, tablePicture, type TestRoles } from './support/backup.ts';
import { skip } from './support/skip.ts';

const root = path.resolve(import.meta.dirname, '..');
const created: Array<{ drop(): Promise<void> }> = [];
const current = await packageVersion();
const next = current.replace(/(\d+)$/, (n) => String(Number(n) + 1));
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const roles: TestRoles = { admin: `pgat_up_admin_${suffix}`, agent: `pgat_up_agent_${suffix}` };
let scratch = '';
let cluster: BenchCluster | undefined;

/** The next version's build, made in the scratch copy by test.before. */
const nextBuild = () => path.join(scratch, 'extension-build');

async function emptyDatabase(label: string): Promise<pg.Client> {
  const db = await createEmptyDatabase(`upgrade_${label}`);
  created.push(db);
  return db.client;
}

async function createRoles(url: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const role of Object.values(roles)) await client.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN`);
  });
}

test.before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'pgautomator-next-'));
  // A scratch copy of what the build reads, at the next version, with one schema change and one
  // data change to upgrade.
  for (const dir of ['scripts', 'extension-src']) cpSync(path.join(root, dir), path.join(scratch, dir), { recursive: true });
  mkdirSync(path.join(scratch, 'extension-build'));
  cpSync(path.join(root, 'extension-build', `pgautomator--${current}.sql`), path.join(scratch, 'extension-build', `pgautomator--${current}.sql`));
  symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ ...pkg, version: next }, null, 2));
  const change = [
    'ALTER TABLE pgautomator.category ADD COLUMN colour text;',
    "COMMENT ON COLUMN pgautomator.category.colour IS 'Display colour.';",
    "UPDATE pgautomator.category SET colour = 'grey';",
    '',
  ].join('\n');
  mkdirSync(path.join(scratch, 'extension-src/sql/upgrades'), { recursive: true });
  writeFileSync(path.join(scratch, 'extension-src/sql/upgrades', `${current}--${next}.sql`), change);
  // The fresh install of `next` has the same column: add it to the table's own file.
  const tableFile = path.join(scratch, 'extension-src/sql/tables/020-category.sql');
  writeFileSync(tableFile, readFileSync(tableFile, 'utf8').replace("description  text,", "description  text,\n  colour       text,") + "COMMENT ON COLUMN pgautomator.category.colour IS 'Display colour.';\n");
  execFileSync(process.execPath, ['--import', 'tsx', path.join(scratch, 'scripts/build-extension.ts')], { cwd: scratch, stdio: 'pipe' });
  await createRoles(serverUrl);
});

test.after(async () => {
  for (const db of created) await db.drop();
  cluster?.stop();
  await withClient(serverUrl, async (client) => {
    for (const role of Object.values(roles)) await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
  });
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Checks an upgraded database against the picture taken before the upgrade: the version moved, every
 * row is there column for column, the data change ran, identity sequences went on, and it carries on.
 */
async function assertUpgradedWithData(client: pg.ClientBase, before: { columns: Record<string, string[]>; picture: Awaited<ReturnType<typeof tablePicture>> }, runningRunId: number): Promise<void> {
  assert.is((await client.query('SELECT pgautomator.version() AS v')).rows[0].v, next);
  const after = await tablePicture(client, before.columns);
  assert.equal(after.rows, before.picture.rows, 'row counts per table');
  assert.equal(after.digests, before.picture.digests, 'row contents per table (the columns there before the upgrade)');
  assert.equal(after.sequences, before.picture.sequences, 'identity sequences');
  assert.ok(before.picture.rows['pgautomator.job_run'] >= 4 && before.picture.rows['pgautomator.step_log'] > 0 && before.picture.rows['pgautomator.notification'] > 0,
    `there was history to lose: ${JSON.stringify(before.picture.rows)}`);
  const colours = await client.query("SELECT count(*) FILTER (WHERE colour = 'grey')::int AS grey, count(*)::int AS n FROM pgautomator.category");
  assert.ok(colours.rows[0].n > 0 && colours.rows[0].grey === colours.rows[0].n, `the upgrade's data change ran: ${JSON.stringify(colours.rows[0])}`);
  await assertCarriesOn(client, roles, runningRunId);
}

test('a database upgraded to the next version equals one installed fresh at it', async () => {
  const upgraded = await emptyDatabase('old');
  const fresh = await emptyDatabase('new');
  try {
    await installExtension(upgraded, { method: 'plain', version: current });
    await upgraded.query(withoutPsqlGuard(readFileSync(path.join(scratch, 'extension-build', `pgautomator--${current}--${next}.sql`), 'utf8')));
    await fresh.query('CREATE SCHEMA pgautomator');
    await fresh.query(withoutPsqlGuard(readFileSync(path.join(scratch, 'extension-build', `pgautomator--${next}.sql`), 'utf8')));
    const versions = await upgraded.query('SELECT pgautomator.version() AS v');
    assert.is(versions.rows[0].v, next);
    const differences = snapshotDifferences(await catalogSnapshot(upgraded), await catalogSnapshot(fresh));
    // Column order may differ (ADD COLUMN appends); snapshots are keyed by name, so order does not count.
    assert.equal(differences, [], differences.join('\n'));
  } finally {
    await upgraded.end();
    await fresh.end();
  }
});

test('plain route: a database holding jobs, schedules, steps and history keeps them all through the upgrade, and still fires', async () => {
  const client = await emptyDatabase('data_plain');
  await installExtension(client, { method: 'plain', version: current });
  const { runningRunId } = await seedDatabase(client, roles);
  const columns = await tableColumns(client);
  const picture = await tablePicture(client);
  const chain = upgradePath(upgradeScripts(nextBuild()), current, next);
  assert.ok(chain && chain.length === 1, `an upgrade path ${current} -> ${next}`);
  await runPlainUpgrade(client, chain!);
  await assertUpgradedWithData(client, { columns, picture }, runningRunId);
});

test('extension route: ALTER EXTENSION pgautomator UPDATE keeps every row, every pg_dump registration, and still fires', async () => {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) return skip(`no PostgreSQL 15 binaries at ${PG_BIN} to make a private server (apt-get install postgresql-15)`);
  // A private installation, so the next version's files reach only the server started from it.
  const installRoot = mkdtempSync(path.join(os.tmpdir(), 'pgat-upgrade-install-'));
  created.push({ drop: async () => rmSync(installRoot, { recursive: true, force: true }) });
  const install = relocatedInstall(installRoot);
  // What `make install` of the next release copies (extension-build/Makefile: the control file and
  // every script): today's full script, the next one and the upgrade script between them.
  const files = readdirSync(nextBuild()).filter((f) => f === 'pgautomator.control' || /^pgautomator--.*\.sql$/.test(f));
  assert.ok(files.includes(`pgautomator--${current}--${next}.sql`) && files.includes(`pgautomator--${current}.sql`), `the next build has the scripts: ${files.join(', ')}`);
  for (const file of files) cpSync(path.join(nextBuild(), file), path.join(install.extensionDir, file));
  cluster = new BenchCluster((line) => console.log(`cluster: ${line}`), {
    prefix: 'pgat-upgrade-',
    database: 'jobs',
    binDir: install.binDir,
    settings: (socketDir) => ({ listen_addresses: '127.0.0.1', unix_socket_directories: socketDir, timezone: 'UTC', fsync: 'off', log_min_messages: 'warning' }),
  });
  await cluster.start();
  await createRoles(cluster.url('postgres'));
  await withClient(cluster.url(), async (client) => {
    await client.query(`CREATE EXTENSION pgautomator VERSION ${pg.escapeLiteral(current)}`);
    const { runningRunId } = await seedDatabase(client, roles);
    const columns = await tableColumns(client);
    const picture = await tablePicture(client);
    await client.query('ALTER EXTENSION pgautomator UPDATE');
    const extension = await client.query("SELECT extversion FROM pg_extension WHERE extname = 'pgautomator'");
    assert.is(extension.rows[0].extversion, next, 'ALTER EXTENSION moved to the default version of the new control file');
    // Every table and sequence still registered with pg_extension_config_dump (pg_dump keeps the rows).
    const unregistered = await client.query<{ rel: string }>(`
      SELECT c.oid::regclass::text AS rel FROM pg_class c
       WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind IN ('r', 'S')
         AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'pgautomator')::oid[])
       ORDER BY 1`);
    assert.equal(unregistered.rows.map((r) => r.rel), [], 'tables and sequences pg_dump would no longer dump');
    await assertUpgradedWithData(client, { columns, picture }, runningRunId);
  });
});

test.run();

/**
 * Makes sure what the test suites need is on this machine, installing it where we may (root on
 * Debian with apt), and otherwise saying exactly what is missing. Called by scripts/run-tests.ts
 * once, before any test file starts (installing from several test files at once fails: apt holds
 * one lock, and a second apt-get gives up at once).
 *
 * - The test server (PGAUTOMATOR_TEST_DATABASE_URL), pgTAP on it, pg_prove: required.
 * - The extension files (`make install`), for the CREATE EXTENSION route: installed into the
 *   server that is tested, found by its own pg_config (version and share directory), and checked
 *   by reading them back through the server. Where that cannot be done the reason goes to the
 *   test files (PGAUTOMATOR_TEST_EXTENSION_FILES), whose extension-route tests then skip.
 * - PgBouncer (Debian's `pgbouncer`) for the pooler tests (test/support/pgbouncer.ts): installed
 *   with apt where we may; a file that needs it and cannot have it fails with the reason.
 * - Chromium (/usr/bin/chromium, Debian's) for the UI tests and MariaDB (PGAUTOMATOR_TEST_MYSQL_URL,
 *   default root@127.0.0.1:3306) for the mariadb executor tests: checked up front; a file that
 *   needs a missing one fails with the reason.
 * - ODBC (test/agent/odbc-executor.test.ts): unixODBC with Debian's PostgreSQL and MariaDB ODBC
 *   drivers (apt: unixodbc unixodbc-dev odbc-postgresql odbc-mariadb), and the optional npm
 *   package `odbc` built against them: `npm ci` runs before this script, so on a fresh machine the
 *   package's native build found no unixodbc-dev; it is rebuilt here once the headers are in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { serverUrl } from '../test/support/database.ts';
import { serverHasOurExtensionFiles } from '../test/support/extension-files.ts';
import { pgbouncerBinary } from '../test/support/pgbouncer.ts';

const root = path.resolve(import.meta.dirname, '..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
export const CHROMIUM = '/usr/bin/chromium';
const mysqlServer = process.env.PGAUTOMATOR_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export interface Prerequisites {
  /** Printed before the results: what was installed, what is missing and why. */
  notes: string[];
  /** Passed to every test file. */
  env: NodeJS.ProcessEnv;
  /** Reasons a test file (by its source) cannot pass on this machine: a service it needs is missing. */
  unavailableFor(source: string): string[];
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
function aptInstall(packages: string[]): void {
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    aptUpdated = true;
  }
  console.log(`prerequisites: apt-get install ${packages.join(' ')}`);
  // Wait for another apt (unattended upgrades, a parallel job) rather than fail at once.
  execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function isLocalServer(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1' || host === '';
}

function pgConfigOf(binary: string, flag: string): string | undefined {
  const result = spawnSync(binary, [flag], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Every pg_config on this machine we know where to look for, the server's own BINDIR first. */
function pgConfigCandidates(serverBindir: string | undefined): string[] {
  const found = new Set<string>();
  if (serverBindir) found.add(path.join(serverBindir, 'pg_config'));
  const which = spawnSync('sh', ['-c', 'command -v pg_config'], { encoding: 'utf8' });
  if (which.status === 0) found.add(which.stdout.trim());
  for (const [dir, sub] of [
    ['/usr/lib/postgresql', 'bin'],
    ['/usr', ''],
    ['/opt/homebrew/opt', 'bin'],
    ['/usr/local/opt', 'bin'],
  ] as const) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (dir === '/usr' && !entry.startsWith('pgsql-')) continue;
      if (dir.endsWith('/opt') && !entry.startsWith('postgresql')) continue;
      found.add(path.join(dir, entry, sub || 'bin', 'pg_config'));
    }
  }
  found.add('/usr/local/pgsql/bin/pg_config');
  return [...found].filter((file) => existsSync(file));
}

/**
 * Installs this checkout's extension files into the server that is tested, and proves the server
 * sees them: returns undefined when it did, else why not.
 */
async function installExtensionFiles(client: pg.Client, major: number, notes: string[]): Promise<string | undefined> {
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  let server: Record<string, string>;
  try {
    const { rows } = await client.query("SELECT name, setting FROM pg_config WHERE name IN ('VERSION', 'SHAREDIR', 'BINDIR')");
    server = Object.fromEntries(rows.map((r: { name: string; setting: string }) => [r.name, r.setting]));
  } catch (error) {
    return `cannot read the server's pg_config (${(error as Error).message}): the test user must be a superuser to install and check extension files`;
  }
  const serverSees = () => serverHasOurExtensionFiles(client, version);
  const where = `the tested server (${server.VERSION}, share directory ${server.SHAREDIR})`;
  const pgConfig = pgConfigCandidates(server.BINDIR).find(
    (candidate) => pgConfigOf(candidate, '--version') === server.VERSION && pgConfigOf(candidate, '--sharedir') === server.SHAREDIR,
  );
  if (!pgConfig) {
    if (await serverSees()) return undefined;
    return `no pg_config on this machine belongs to ${where}: it runs elsewhere, or its files live where we do not look; install the extension files there by hand (make -C extension-build install PG_CONFIG=...)`;
  }
  const pgxs = pgConfigOf(pgConfig, '--pgxs');
  if (!pgxs || !existsSync(pgxs)) {
    if (isRoot && hasApt && pgConfig.startsWith('/usr/lib/postgresql/')) aptInstall([`postgresql-server-dev-${major}`]);
    else if (await serverSees()) return undefined;
    else return `${pgConfig} has no PGXS: install the server development package (Debian: postgresql-server-dev-${major})`;
  }
  const extensionDir = path.join(server.SHAREDIR, 'extension');
  let writable = true;
  try {
    accessSync(extensionDir, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) {
    if (await serverSees()) return undefined;
    return `${extensionDir} is not writable by this user: run the tests as root, or first \`sudo make -C extension-build install PG_CONFIG=${pgConfig}\``;
  }
  if (!onPath('make')) {
    if (isRoot && hasApt) aptInstall(['make']);
    else return 'make is missing';
  }
  execFileSync('make', ['-s', '-C', 'extension-build', 'install', `PG_CONFIG=${pgConfig}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!(await serverSees())) {
    return `installed with ${pgConfig} into ${extensionDir}, but the server does not read back the same files there (a server on another machine with the same paths?)`;
  }
  notes.push(`extension files installed into ${where} with ${pgConfig}`);
  return undefined;
}

function ensureChromium(notes: string[]): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (isRoot && hasApt) {
    try {
      aptInstall(['chromium']);
    } catch (error) {
      return `${CHROMIUM} is missing and apt-get install chromium failed: ${(error as Error).message.split('\n')[0]}`;
    }
    if (existsSync(CHROMIUM)) {
      notes.push(`installed Debian's Chromium (${CHROMIUM})`);
      return undefined;
    }
  }
  return `${CHROMIUM} is missing: apt-get install chromium (Debian's Chromium; no browser is downloaded)`;
}

/** PgBouncer runs as the tests' user (or as postgres when that is root): only the binary is needed. */
function ensurePgbouncer(notes: string[]): string | undefined {
  if (pgbouncerBinary()) return undefined;
  if (isRoot && hasApt) {
    try {
      aptInstall(['pgbouncer']);
    } catch (error) {
      return `pgbouncer is missing and apt-get install pgbouncer failed: ${(error as Error).message.split('\n')[0]}`;
    }
    const installed = pgbouncerBinary();
    if (installed) {
      notes.push(`installed Debian's pgbouncer (${installed})`);
      return undefined;
    }
  }
  return 'pgbouncer is missing: apt-get install pgbouncer';
}

const odbcDrivers = ['PostgreSQL Unicode', 'MariaDB Unicode'];

function odbcLoads(): string | undefined {
  const probe = spawnSync(process.execPath, ['-e', "require('odbc')"], { cwd: root, encoding: 'utf8' });
  return probe.status === 0 ? undefined : (probe.stderr.split('\n').find((line) => /Error|Cannot/.test(line)) ?? 'cannot be loaded').trim();
}

/** unixODBC, the two drivers and a loadable `odbc` package; undefined when ready, else why not. */
function ensureOdbc(notes: string[]): string | undefined {
  const installed = () => {
    const query = spawnSync('odbcinst', ['-q', '-d'], { encoding: 'utf8' });
    return query.status === 0 && odbcDrivers.every((d) => query.stdout.includes(`[${d}]`)) && existsSync('/usr/include/sql.h');
  };
  if (!installed()) {
    if (isRoot && hasApt) aptInstall(['unixodbc', 'unixodbc-dev', 'odbc-postgresql', 'odbc-mariadb']);
    if (!installed()) return `unixODBC with the drivers ${odbcDrivers.join(' and ')} is missing (Debian: apt-get install unixodbc unixodbc-dev odbc-postgresql odbc-mariadb)`;
  }
  if (!odbcLoads()) return undefined;
  // Node's own headers when the system has them: node-gyp would otherwise download them.
  const nodedir = existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};
  if (!existsSync(path.join(root, 'node_modules', 'odbc', 'package.json'))) {
    // On a fresh machine `npm ci` ran before unixodbc-dev was here: the package's native build
    // failed and npm left the optional package out altogether, so there is nothing to rebuild.
    // Installing from the lock again (no arguments, nothing saved) adds it, built now.
    console.log('prerequisites: npm install (the optional package odbc, now that unixODBC is here)');
    spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...nodedir } });
    if (!existsSync(path.join(root, 'node_modules', 'odbc', 'package.json'))) {
      return 'the optional npm package odbc is not installed (npm install, with unixodbc-dev present)';
    }
    if (!odbcLoads()) {
      notes.push('odbc installed and built against unixODBC');
      return undefined;
    }
  }
  console.log('prerequisites: npm rebuild odbc (against unixODBC)');
  spawnSync('npm', ['rebuild', 'odbc'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...nodedir } });
  const why = odbcLoads();
  if (why) return `the npm package odbc does not load after a rebuild: ${why}`;
  notes.push('odbc rebuilt against unixODBC');
  return undefined;
}

async function checkMariadb(): Promise<string | undefined> {
  const mysql = await import('mysql2/promise');
  try {
    const connection = await mysql.createConnection({ uri: mysqlServer, connectTimeout: 5_000 });
    await connection.end();
    return undefined;
  } catch (error) {
    const url = new URL(mysqlServer);
    return `MariaDB at ${url.host} as ${url.username || 'root'} is unreachable (${(error as Error).message}): start it (root without a password) or set PGAUTOMATOR_TEST_MYSQL_URL`;
  }
}

export async function ensureTestPrerequisites(): Promise<Prerequisites> {
  const notes: string[] = [];
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to the test server ${serverUrl}: ${(error as Error).message}\n` +
        'Start PostgreSQL 15+ there, or set PGAUTOMATOR_TEST_DATABASE_URL to a server where this user may CREATE DATABASE.',
    );
  }
  let extensionFiles: string | undefined;
  try {
    const { rows } = await client.query("SELECT current_setting('server_version_num')::int / 10000 AS major");
    const major = rows[0].major as number;
    const local = isLocalServer(serverUrl);
    const needs: string[] = [];
    const pgtap = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'");
    if (pgtap.rows.length === 0) needs.push(`postgresql-${major}-pgtap`);
    if (!onPath('pg_prove')) needs.push('libtap-parser-sourcehandler-pgtap-perl');
    // test/cli/import.test.ts imports from the real pg_cron and pgAgent (issue 16), in a throwaway
    // cluster made with this server's binaries (pg_cron must be preloaded).
    if (local && !existsSync(`/usr/share/postgresql/${major}/extension/pg_cron.control`)) needs.push(`postgresql-${major}-cron`);
    if (local && !existsSync(`/usr/share/postgresql/${major}/extension/pgagent.control`)) needs.push('pgagent');
    if (needs.length > 0) {
      if (isRoot && hasApt && local) aptInstall(needs);
      else
        throw new Error(
          `missing test prerequisites: ${needs.join(', ')}\n` +
            `On Debian/Ubuntu: sudo apt-get install ${needs.join(' ')} (PGDG packages), then run npm test again.`,
        );
    }
    extensionFiles = await installExtensionFiles(client, major, notes);
  } finally {
    await client.end();
  }
  if (extensionFiles) notes.push(`the CREATE EXTENSION route cannot be tested: ${extensionFiles}`);
  const chromium = ensureChromium(notes);
  if (chromium) notes.push(`UI tests will fail: ${chromium}`);
  const mariadb = await checkMariadb();
  if (mariadb) notes.push(`mariadb executor tests will fail: ${mariadb}`);
  const pgbouncer = ensurePgbouncer(notes);
  if (pgbouncer) notes.push(`pooler tests will fail: ${pgbouncer}`);
  const odbc = ensureOdbc(notes);
  if (odbc) notes.push(`ODBC executor tests will fail: ${odbc}`);
  return {
    notes,
    env: { PGAUTOMATOR_TEST_EXTENSION_FILES: extensionFiles ? `unavailable: ${extensionFiles}` : 'installed' },
    unavailableFor(source) {
      const reasons: string[] = [];
      if (chromium && /ui-harness|support\/browser/.test(source)) reasons.push(`needs Chromium: ${chromium}`);
      if (mariadb && /mysql-database/.test(source)) reasons.push(`needs MariaDB: ${mariadb}`);
      if (pgbouncer && /support\/pgbouncer/.test(source)) reasons.push(`needs PgBouncer: ${pgbouncer}`);
      if (odbc && /executors\/sql\/odbc/.test(source)) reasons.push(`needs ODBC: ${odbc}`);
      return reasons;
    },
  };
}

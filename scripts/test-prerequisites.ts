/**
 * Makes sure what the test suites need is on this machine, installing it where we may (root on
 * Debian with apt), and otherwise saying exactly what to install. Called by scripts/run-tests.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { serverUrl } from '../test/support/database.ts';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');

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
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function isLocalServer(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '';
}

export async function ensureTestPrerequisites(): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to the test server ${serverUrl}: ${(error as Error).message}\n` +
        'Start PostgreSQL 15+ there, or set PGAUTOMATOR_TEST_DATABASE_URL to a server where this user may CREATE DATABASE.',
    );
  }
  try {
    const { rows } = await client.query("SELECT current_setting('server_version_num')::int / 10000 AS major");
    const major = rows[0].major as number;
    const local = isLocalServer(serverUrl);
    const needs: string[] = [];
    const pgtap = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap'");
    if (pgtap.rows.length === 0) needs.push(`postgresql-${major}-pgtap`);
    if (!onPath('pg_prove')) needs.push('libtap-parser-sourcehandler-pgtap-perl');
    // PGXS lets us `make install` the extension files so tests cover CREATE EXTENSION too.
    const pgxs = spawnSync('pg_config', ['--pgxs'], { encoding: 'utf8' });
    const hasPgxs = pgxs.status === 0 && existsSync(pgxs.stdout.trim());
    if (local && !hasPgxs) needs.push(`postgresql-server-dev-${major}`);
    if (!onPath('make')) needs.push('make');
    if (needs.length > 0) {
      if (isRoot && hasApt && local) aptInstall(needs);
      else
        throw new Error(
          `missing test prerequisites: ${needs.join(', ')}\n` +
            `On Debian/Ubuntu: sudo apt-get install ${needs.join(' ')} (PGDG packages), then run npm test again.`,
        );
    }
    if (local && (isRoot || process.env.PGAUTOMATOR_TEST_MAKE_INSTALL === '1')) {
      // Install the current build's files into the server's share directory.
      execFileSync('make', ['-s', '-C', 'extension-build', 'install'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  } finally {
    await client.end();
  }
}

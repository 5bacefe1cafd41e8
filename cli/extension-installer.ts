/**
 * Installs the pgautomator extension into a database, by one of two routes:
 *  - `extension`: `CREATE EXTENSION pgautomator` when the server has our files (after
 *    `make install` in extension-build/);
 *  - `plain`: the same versioned script run as plain SQL into schema `pgautomator`, for managed
 *    servers that forbid custom extension files. `pgautomator.version()` records the version either way.
 * This is DDL, so it is the one place outside the extension that runs SQL other than API calls.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type pg from 'pg';

export const extensionBuildDir = fileURLToPath(new URL('../extension-build/', import.meta.url));

export type InstallMethod = 'extension' | 'plain';

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** An extension script made runnable as plain SQL: psql's `\echo ... \quit` guard removed. */
export function withoutPsqlGuard(script: string): string {
  return script.replace(/^\\echo .*\\quit\s*$/m, '');
}

/** Serialises plain installs and upgrades of one database (a check-then-create race otherwise). */
export const installLockSql = "SELECT pg_advisory_xact_lock(hashtext('pgautomator install'))";

/** The install script of `version` (from this checkout's extension-build/, or `buildDir`), ready to run as plain SQL. */
export async function plainInstallScript(version: string, buildDir = extensionBuildDir): Promise<string> {
  return withoutPsqlGuard(await readFile(path.join(buildDir, `pgautomator--${version}.sql`), 'utf8'));
}

/**
 * Another checkout's install script as plain SQL: its own version and its built extension-build/
 * (npm run build there). What the fault drill and the benchmarks install to measure another commit.
 */
export async function checkoutInstallScript(checkout: string): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(checkout, 'package.json'), 'utf8')) as { version: string };
  return plainInstallScript(version, path.join(checkout, 'extension-build'));
}

/** True when the server has the extension files of `version` (so CREATE EXTENSION can work). */
export async function serverHasExtensionFiles(client: pg.ClientBase, version: string): Promise<boolean> {
  const { rows } = await client.query(
    'SELECT 1 FROM pg_available_extension_versions WHERE name = $1 AND version = $2',
    ['pgautomator', version],
  );
  return rows.length > 0;
}

export async function installExtension(
  client: pg.ClientBase,
  options: { method?: InstallMethod | 'auto'; version?: string } = {},
): Promise<{ method: InstallMethod; version: string }> {
  const version = options.version ?? (await packageVersion());
  let method = options.method ?? 'auto';
  if (method === 'auto') method = (await serverHasExtensionFiles(client, version)) ? 'extension' : 'plain';
  if (method === 'extension') {
    // plv8 first when the server has it, so the install picks the plv8 engine.
    await client.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'plv8') THEN CREATE EXTENSION IF NOT EXISTS plv8; END IF;
    END $$`);
    await client.query(`CREATE EXTENSION pgautomator VERSION '${version.replace(/'/g, "''")}'`);
  } else {
    const script = await plainInstallScript(version);
    await client.query('BEGIN');
    try {
      await client.query(installLockSql);
      await client.query('CREATE SCHEMA IF NOT EXISTS pgautomator');
      await client.query(script);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
  return { method, version };
}

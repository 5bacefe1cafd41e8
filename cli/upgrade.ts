/**
 * `pgautomator upgrade`: brings an installed pgautomator to this package's version.
 * Extension route: ALTER EXTENSION pgautomator UPDATE TO <version> (the server needs the new
 * files: make -C extension-build install). Plain route: the upgrade scripts chained from
 * pgautomator.version() to <version>, run as plain SQL in one transaction.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { CliError, exitCodes } from './cli-error.ts';
import type { Command } from './command.ts';
import { connect, parseDatabaseUrl } from './connection.ts';
import { extensionBuildDir, packageVersion } from './extension-installer.ts';
import { compareVersions, installedState, requireInstalled } from './extension-state.ts';
import { databaseUrlOption, helpOption, parseCommand, requireDatabaseUrl } from './options.ts';
import { runPlainUpgrade, upgradePath, upgradeScripts } from './upgrade-chain.ts';

export const upgradeHelp = `Usage: pgautomator upgrade --database-url URL [options]

Upgrades the pgautomator installed in a database to this version, keeping all its data.
Installed as an extension: ALTER EXTENSION pgautomator UPDATE (install the new extension files on
the server first: make -C extension-build install). Installed as plain SQL: runs the upgrade
scripts extension-build/pgautomator--A--B.sql from the installed version to this one, in one
transaction.

Options:
  --database-url URL   the database, as postgres://USER:PASSWORD@HOST:PORT/DATABASE (or env
                       DATABASE_URL); a superuser, or the owner of schema pgautomator
  --to VERSION         the version to reach (default: this package's version)
  --scripts-dir DIR    where the upgrade scripts are for a plain install (default: extension-build/)
  -h, --help           this help
`;

export async function runUpgrade(argv: string[]): Promise<number> {
  const { values } = parseCommand('upgrade', argv, {
    ...databaseUrlOption,
    to: { type: 'string' },
    'scripts-dir': { type: 'string' },
    ...helpOption,
  });
  if (values.help) {
    process.stdout.write(upgradeHelp);
    return exitCodes.ok;
  }
  const target = parseDatabaseUrl(requireDatabaseUrl('upgrade', values['database-url']));
  const to = values.to ?? (await packageVersion());
  const scriptsDir = path.resolve(values['scripts-dir'] ?? extensionBuildDir);
  if (!existsSync(scriptsDir)) throw new CliError(`--scripts-dir ${scriptsDir} does not exist`, { exitCode: exitCodes.usage });

  const client = await connect(target);
  try {
    const installed = await requireInstalled(client, target);
    const from = installed.version;
    if (from === to) {
      process.stdout.write(`pgautomator is already at ${to} in database ${JSON.stringify(target.database)}; nothing to do.\n`);
      return exitCodes.ok;
    }
    if (compareVersions(from, to) > 0) {
      throw new CliError(`the database has pgautomator ${from}, newer than ${to}: downgrades are not supported`, {
        hint: `use a pgautomator CLI of version ${from} or later`,
      });
    }
    if (installed.route === 'extension') {
      const available = await client.query('SELECT 1 FROM pg_catalog.pg_available_extension_versions WHERE name = $1 AND version = $2', ['pgautomator', to]);
      if (available.rows.length === 0) {
        throw new CliError(`the server at ${target.host}:${target.port} has no pgautomator ${to} extension files`, {
          hint: 'install them on the server host first: make -C extension-build install',
        });
      }
      process.stdout.write(`Upgrading pgautomator ${from} -> ${to} (ALTER EXTENSION)...\n`);
      try {
        await client.query(`ALTER EXTENSION pgautomator UPDATE TO ${client.escapeLiteral(to)}`);
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (/no update path/i.test(e.message ?? '')) {
          throw new CliError(`no upgrade path from pgautomator ${from} to ${to}: ${e.message}`, {
            hint: `this release ships upgrade scripts from ${describeSources(scriptsDir, to)}; upgrade through an intermediate release first`,
            cause: error,
          });
        }
        if (e.code === '42501') {
          throw new CliError(`missing privileges to upgrade pgautomator as ${JSON.stringify(target.user)}: ${e.message}`, {
            hint: 'connect as a superuser or as the owner of the extension',
            cause: error,
          });
        }
        throw error;
      }
    } else {
      const chain = upgradePath(upgradeScripts(scriptsDir), from, to);
      if (!chain) {
        throw new CliError(`no upgrade path from pgautomator ${from} to ${to} in ${scriptsDir}`, {
          hint: `this release ships upgrade scripts from ${describeSources(scriptsDir, to)}; upgrade through an intermediate release first`,
        });
      }
      process.stdout.write(`Upgrading pgautomator ${from} -> ${to} (plain SQL, ${chain.length} script${chain.length === 1 ? '' : 's'})...\n`);
      try {
        await runPlainUpgrade(client, chain, (script) => process.stdout.write(`  ${path.basename(script.file)}\n`));
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (e.code === '42501') {
          throw new CliError(`missing privileges to upgrade pgautomator as ${JSON.stringify(target.user)}: ${e.message}`, {
            hint: 'connect as a superuser or as the owner of schema pgautomator (nothing was changed: the upgrade ran in one transaction)',
            cause: error,
          });
        }
        throw error;
      }
    }
    const after = await installedState(client);
    if (after?.version !== to) {
      throw new CliError(`after the upgrade the database reports pgautomator ${after?.version ?? '(none)'}, not ${to}`, {
        hint: 'the upgrade scripts do not end at the version they are named for: report this as a bug',
      });
    }
    process.stdout.write(`Upgraded pgautomator ${from} -> ${to}.\n`);
    return exitCodes.ok;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** "0.1.0, 0.1.1" — the versions a release can upgrade from (directly or through a chain). */
function describeSources(scriptsDir: string, to: string): string {
  const scripts = upgradeScripts(scriptsDir);
  const versions = [...new Set(scripts.map((s) => s.from))].filter((v) => upgradePath(scripts, v, to) !== null).sort(compareVersions);
  return versions.length > 0 ? versions.join(', ') : 'no earlier version (it has no upgrade scripts)';
}

export const upgradeCommand: Command = { run: runUpgrade };

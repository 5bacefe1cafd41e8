/**
 * `pgautomator install`: installs the extension into a database (CREATE EXTENSION where the server
 * has our files, the same script as plain SQL otherwise; cli/extension-installer.ts), then grants
 * the pgautomator roles to login roles through the API function grant_role().
 */
import type pg from 'pg';
import { openApi } from './api.ts';
import { CliError, exitCodes, UsageError } from './cli-error.ts';
import type { Command } from './command.ts';
import { connect, parseDatabaseUrl, type DatabaseTarget } from './connection.ts';
import { installExtension, packageVersion, serverHasExtensionFiles, type InstallMethod } from './extension-installer.ts';
import { installedState } from './extension-state.ts';
import { databaseUrlOption, helpOption, parseCommand, requireDatabaseUrl } from './options.ts';

export const installHelp = `Usage: pgautomator install --database-url URL [options]

Installs pgautomator into a database: schema pgautomator, its roles (pgautomator_admin,
pgautomator_operator, pgautomator_viewer, pgautomator_agent) and its API functions. Then grants
those roles to login roles you name.

Options:
  --database-url URL     the database, as postgres://USER:PASSWORD@HOST:PORT/DATABASE
                         (or env DATABASE_URL); USER must be a superuser for --method
                         extension, or have CREATEROLE and CREATE on the database for plain
  --method M             auto (default): CREATE EXTENSION when the server has the extension
                         files (make -C extension-build install), plain SQL otherwise;
                         extension: CREATE EXTENSION only; plain: the script as plain SQL
                         (for managed servers that forbid custom extension files)
  --grant-admin ROLE     grant pgautomator_admin to ROLE (repeatable)
  --grant-operator ROLE  grant pgautomator_operator to ROLE (repeatable)
  --grant-viewer ROLE    grant pgautomator_viewer to ROLE (repeatable)
  --grant-agent ROLE     grant pgautomator_agent to ROLE, the login of an agent (repeatable)
  -h, --help             this help

Examples:
  pgautomator install --database-url postgres://postgres@127.0.0.1:5432/jobs
  pgautomator install --database-url "$DATABASE_URL" --method plain --grant-admin alice --grant-agent agent1
`;

export const grantOptions = {
  admin: 'grant-admin',
  operator: 'grant-operator',
  viewer: 'grant-viewer',
  agent: 'grant-agent',
} as const;
export type Access = keyof typeof grantOptions;

export interface Grant {
  role: string;
  access: Access;
}

/** Grants each role its access through pgautomator.grant_role(); errors name the role. */
export async function grantRoles(db: pg.ClientBase, grants: Grant[]): Promise<void> {
  if (grants.length === 0) return;
  const api = openApi(db);
  for (const grant of grants) {
    try {
      await api.grantRole({ role_name: grant.role, access: grant.access });
    } catch (error) {
      if (error instanceof CliError) throw error;
      const e = error as { message?: string; hint?: string };
      throw new CliError(`granting ${grant.access} to ${JSON.stringify(grant.role)} failed: ${e.message}`, { hint: e.hint, cause: error });
    }
  }
}

function explainInstallError(error: unknown, target: DatabaseTarget, method: InstallMethod): unknown {
  const e = error as { code?: string; message?: string };
  if (e?.code === '42501') {
    return new CliError(`missing privileges to install pgautomator as ${JSON.stringify(target.user)}: ${e.message}`, {
      hint:
        method === 'extension'
          ? 'CREATE EXTENSION pgautomator needs a superuser (its script creates the pgautomator_* roles): connect as one, or use --method plain as a role with CREATEROLE and CREATE on the database'
          : 'the plain install needs a role with CREATEROLE (it creates the pgautomator_* roles) and CREATE on the database: connect as a superuser or grant those',
      cause: error,
    });
  }
  if (e?.code === '58P01' || /could not open extension control file/.test(e?.message ?? '')) {
    return new CliError(`the server has no pgautomator extension files: ${e.message}`, {
      hint: 'run `make -C extension-build install` on the server host, or use --method plain',
      cause: error,
    });
  }
  return error;
}

export async function runInstall(argv: string[]): Promise<number> {
  const { values } = parseCommand('install', argv, {
    ...databaseUrlOption,
    method: { type: 'string', default: 'auto' },
    'grant-admin': { type: 'string', multiple: true },
    'grant-operator': { type: 'string', multiple: true },
    'grant-viewer': { type: 'string', multiple: true },
    'grant-agent': { type: 'string', multiple: true },
    ...helpOption,
  });
  if (values.help) {
    process.stdout.write(installHelp);
    return exitCodes.ok;
  }
  const method = values.method;
  if (method !== 'auto' && method !== 'extension' && method !== 'plain') {
    throw new UsageError(`--method must be auto, extension or plain (got ${JSON.stringify(method)})`, 'install');
  }
  const grants: Grant[] = [];
  for (const [access, option] of Object.entries(grantOptions) as [Access, (typeof grantOptions)[Access]][]) {
    for (const role of values[option] ?? []) grants.push({ role, access });
  }
  const target = parseDatabaseUrl(requireDatabaseUrl('install', values['database-url']));
  const version = await packageVersion();

  const client = await connect(target);
  try {
    const installed = await installedState(client);
    if (installed) {
      const how = installed.route === 'extension' ? 'as an extension' : 'as plain SQL';
      throw new CliError(
        `pgautomator ${installed.version} is already installed in database ${JSON.stringify(target.database)} on ${target.host}:${target.port} (${how})`,
        {
          hint:
            installed.version === version
              ? `nothing to do; roles are granted in SQL: SELECT pgautomator.grant_role('alice', 'operator');`
              : `to move it to ${version}: pgautomator upgrade --database-url ${target.display}`,
        },
      );
    }
    let route: InstallMethod = method === 'auto' ? ((await serverHasExtensionFiles(client, version)) ? 'extension' : 'plain') : method;
    if (route === 'extension' && !(await serverHasExtensionFiles(client, version))) {
      throw new CliError(`the server at ${target.host}:${target.port} has no pgautomator ${version} extension files`, {
        hint: 'run `make -C extension-build install` on the server host (as a user who may write to its share directory), or use --method plain',
      });
    }
    process.stdout.write(`Installing pgautomator ${version} into database ${JSON.stringify(target.database)} on ${target.host}:${target.port} (${route === 'extension' ? 'CREATE EXTENSION' : 'plain SQL'})...\n`);
    try {
      ({ method: route } = await installExtension(client, { method: route, version }));
    } catch (error) {
      throw explainInstallError(error, target, route);
    }
    const api = openApi(client);
    const engine = await api.engine().catch(() => null);
    process.stdout.write(`Installed pgautomator ${version} (engine: ${engine ?? 'unknown'}).\n`);
    await grantRoles(client, grants);
    for (const grant of grants) process.stdout.write(`Granted pgautomator_${grant.access} to ${grant.role}.\n`);
    return exitCodes.ok;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const installCommand: Command = { run: runInstall };

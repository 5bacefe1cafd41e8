/**
 * SQL steps: picks the driver of the step's connection (loaded on first use, so an agent that never
 * runs MySQL never loads mysql2), resolves the connection's secret on this host, and runs the
 * script on a connection of its own (never the agent's control connection).
 */
import { createRequire } from 'node:module';
import type { ClaimedStep } from '../../protocol.ts';
import type { StepContext, StepResult } from '../executor.ts';
import type { SqlDriver } from './sql-driver.ts';

const drivers: Record<string, () => Promise<SqlDriver>> = {
  postgres: async () => (await import('./postgres.ts')).runPostgres,
  mysql: async () => (await import('./mysql.ts')).runMysql,
  mariadb: async () => (await import('./mysql.ts')).runMysql,
  sqlite: async () => (await import('./sqlite.ts')).runSqlite,
  // Any database with an ODBC driver on this host; needs the optional `odbc` package (odbc.ts
  // refuses the step with what to install when it is missing).
  odbc: async () => (await import('./odbc.ts')).runOdbc,
};

export const supportedDrivers = Object.keys(drivers);

/**
 * The npm packages of the drivers that are optional (optionalDependencies of `pgautomator`, optional
 * peers of the minimal `pgautomator-agent`): a host may not have them, and then a step on such a
 * connection fails saying which package to install, instead of a module-resolution stack.
 */
const optionalPackages: Record<string, string> = { mysql: 'mysql2', mariadb: 'mysql2', sqlite: 'better-sqlite3' };

const resolveFromHere = createRequire(import.meta.url);

/** Why `driver` cannot load here (its package is not installed), or undefined when it can. */
export function missingDriverPackage(driver: string): string | undefined {
  const name = optionalPackages[driver];
  if (!name) return undefined;
  try {
    resolveFromHere.resolve(name);
    return undefined;
  } catch {
    return name;
  }
}

// Each loaded once: a dynamic import() goes through the module loader (and the TypeScript loader's
// hook thread) on every call, cached module or not; per step that was ~0.1 ms of CPU.
const loaded = new Map<string, Promise<SqlDriver>>();
function driverFor(name: string): Promise<SqlDriver> {
  let driver = loaded.get(name);
  if (!driver) {
    driver = drivers[name]();
    driver.catch(() => loaded.delete(name)); // a failed load may be retried by the next step
    loaded.set(name, driver);
  }
  return driver;
}

/**
 * Ends the SQLite driver's idle worker threads (agent shutdown). Only a driver some step loaded
 * has any: importing sqlite.ts just to close nothing would load node:worker_threads.
 */
export async function closeSqliteWorkersIfLoaded(): Promise<void> {
  if (!loaded.has('sqlite')) return;
  await (await import('./sqlite.ts')).closeSqliteWorkers();
}

export async function runSqlStep(step: ClaimedStep, context: StepContext): Promise<StepResult> {
  const connection = step.connection;
  if (!connection) return { state: 'failed', exitCode: null, message: 'a sql step needs a connection' };
  if (!drivers[connection.driver]) {
    return { state: 'failed', exitCode: null, message: `driver ${connection.driver} (connection ${connection.name}) is not supported by this agent (supported: ${supportedDrivers.join(', ')})` };
  }
  const missing = missingDriverPackage(connection.driver);
  if (missing) {
    return {
      state: 'failed',
      exitCode: null,
      message: `driver ${connection.driver} (connection ${connection.name}) needs the npm package ${missing}, which is not installed beside this agent: install it where the agent is installed (npm install -g ${missing} for a global install)`,
    };
  }
  let password: string | null = null;
  if (connection.secretRef) {
    try {
      password = await context.secrets.resolve(connection.secretRef);
    } catch (error) {
      return { state: 'failed', exitCode: null, message: `connection ${connection.name}: ${(error as Error).message}` };
    }
  }
  const driver = await driverFor(connection.driver);
  return driver(step.command, { dsn: connection.dsn, password, label: `pgautomator run ${context.runId} ${step.name}` }, context);
}

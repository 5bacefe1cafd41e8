/**
 * SQL steps: picks the driver of the step's connection (loaded on first use, so an agent that never
 * runs MySQL never loads mysql2), resolves the connection's secret on this host, and runs the
 * script on a connection of its own (never the agent's control connection).
 */
import type { ClaimedStep } from '../../protocol.ts';
import type { StepContext, StepResult } from '../executor.ts';
import type { SqlDriver } from './sql-driver.ts';

const drivers: Record<string, () => Promise<SqlDriver>> = {
  postgres: async () => (await import('./postgres.ts')).runPostgres,
  mysql: async () => (await import('./mysql.ts')).runMysql,
  mariadb: async () => (await import('./mysql.ts')).runMysql,
  sqlite: async () => (await import('./sqlite.ts')).runSqlite,
};

export const supportedDrivers = Object.keys(drivers);

export async function runSqlStep(step: ClaimedStep, context: StepContext): Promise<StepResult> {
  const connection = step.connection;
  if (!connection) return { state: 'failed', exitCode: null, message: 'a sql step needs a connection' };
  const load = drivers[connection.driver];
  if (!load) {
    return { state: 'failed', exitCode: null, message: `driver ${connection.driver} (connection ${connection.name}) is not supported by this agent (supported: ${supportedDrivers.join(', ')})` };
  }
  let password: string | null = null;
  if (connection.secretRef) {
    try {
      password = await context.secrets.resolve(connection.secretRef);
    } catch (error) {
      return { state: 'failed', exitCode: null, message: `connection ${connection.name}: ${(error as Error).message}` };
    }
  }
  const driver = await load();
  return driver(step.command, { dsn: connection.dsn, password, label: `pgautomator run ${context.runId} ${step.name}` }, context);
}

/**
 * SQL steps through ODBC (the optional npm package `odbc` on unixODBC): any database with an ODBC
 * driver on the agent host, SQL Server, Oracle, Db2 and others. The connection's DSN is an ODBC
 * connection string without password (`Driver={...};Server=...;Uid=app`, or `DSN=name` from
 * odbc.ini); the resolved secret is added as PWD. The script goes to the driver as one batch
 * (SQLExecDirect through a prepared statement): whether it may hold several statements is the
 * driver's rule (SQL Server's and psqlODBC's run them in order). The first result set's rows go to
 * stdout, and the statement's tag (`SELECT n`, or `OK n` for rows affected).
 *
 * The package is a native module: an agent host without it (or without unixODBC) refuses ODBC
 * steps with a message saying what to install, and runs everything else.
 *
 * Kill: SQLCancel on the statement (Statement.cancel); if the driver has not given up after the
 * grace period, the connection is closed.
 */
import { abortedResult, graceFor, sleep, type StepContext, type StepResult } from '../executor.ts';
import { formatRows, type SqlDriver, type SqlTarget } from './sql-driver.ts';

interface OdbcColumn {
  name: string;
}
interface OdbcResult extends Array<Record<string, unknown>> {
  count: number;
  columns?: OdbcColumn[];
}
interface OdbcStatement {
  prepare(sql: string): Promise<void>;
  execute(): Promise<OdbcResult>;
  cancel(): Promise<void>;
  close(): Promise<void>;
}
interface OdbcConnection {
  createStatement(): Promise<OdbcStatement>;
  close(): Promise<void>;
}
interface OdbcModule {
  connect(connectionString: string): Promise<OdbcConnection>;
}

export const odbcMissingMessage = (why: string) =>
  `driver odbc needs the optional npm package "odbc" and unixODBC on this agent host (${why}): ` +
  'install unixODBC and the database\'s ODBC driver (Debian: apt-get install unixodbc odbc-postgresql odbc-mariadb, or the vendor\'s), ' +
  'then `npm install odbc` where the agent is installed (it builds against unixodbc-dev), and restart the agent';

let loading: Promise<OdbcModule | string> | undefined;
/** The odbc module, or why it cannot be loaded here (loaded once; a missing package is not retried). */
export function loadOdbc(): Promise<OdbcModule | string> {
  // A module name in a variable: TypeScript need not find the optional package to compile the agent.
  const name = 'odbc';
  loading ??= import(name).then(
    (m) => ((m as { default?: OdbcModule }).default ?? (m as unknown as OdbcModule)),
    (error: Error) => error.message.split('\n')[0],
  );
  return loading;
}

/** ODBC's quoting of a value: in braces, a closing brace doubled. */
const braced = (value: string) => `{${value.replace(/\}/g, '}}')}}`;

export function connectionString(target: SqlTarget): string {
  const dsn = target.dsn.trim().replace(/;+$/, '');
  return target.password === null ? dsn : `${dsn};PWD=${braced(target.password)}`;
}

function errorText(error: unknown): string {
  const e = error as { message?: string; odbcErrors?: Array<{ state?: string; code?: number; message?: string }> };
  const details = (e.odbcErrors ?? []).map((x) => `${x.state ?? ''} ${x.message ?? ''}`.trim()).filter(Boolean);
  return details.length > 0 ? details.join('; ') : (e.message ?? String(error));
}

export const runOdbc: SqlDriver = async (script: string, target: SqlTarget, context: StepContext): Promise<StepResult> => {
  const { signal, output } = context;
  const odbc = await loadOdbc();
  if (typeof odbc === 'string') {
    const message = odbcMissingMessage(odbc);
    output.write('stderr', `${message}\n`);
    return { state: 'failed', exitCode: null, message };
  }
  if (signal.aborted) return abortedResult(signal);
  let connection: OdbcConnection;
  try {
    connection = await odbc.connect(connectionString(target));
  } catch (error) {
    if (signal.aborted) return abortedResult(signal);
    // The message never repeats the connection string: it may hold the password.
    const message = errorText(error);
    output.write('stderr', `${message}\n`);
    return { state: 'failed', exitCode: null, message: `cannot connect: ${message}` };
  }
  let statement: OdbcStatement | undefined;
  let settled = false;
  let stopping: Promise<void> | undefined;
  const onAbort = () => {
    if (stopping || !statement) return;
    const running = statement;
    stopping = (async () => {
      await running.cancel().catch((error) => context.logger.warn('SQLCancel failed', { error: errorText(error) }));
      const deadline = Date.now() + graceFor(context);
      while (!settled && Date.now() < deadline) await sleep(25);
      if (!settled) {
        context.logger.warn('the statement did not stop on SQLCancel: closing its connection');
        await Promise.race([connection.close().catch(() => {}), sleep(1000)]);
      }
    })();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    statement = await connection.createStatement();
    if (signal.aborted) return abortedResult(signal);
    try {
      await statement.prepare(script);
      const result = await statement.execute();
      settled = true;
      if (signal.aborted) return abortedResult(signal);
      const columns = (result.columns ?? []).map((c) => c.name);
      let tag: string;
      if (columns.length > 0) {
        output.write('stdout', formatRows(columns, result.map((row) => columns.map((name) => row[name]))));
        tag = `SELECT ${result.length}`;
      } else {
        tag = `OK ${result.count >= 0 ? result.count : 0}`;
      }
      output.write('stdout', `${tag}\n`);
      return { state: 'succeeded', exitCode: null, message: tag };
    } catch (error) {
      settled = true;
      if (signal.aborted) return abortedResult(signal);
      const message = errorText(error);
      output.write('stderr', `ERROR ${message}\n`);
      return { state: 'failed', exitCode: null, message };
    }
  } finally {
    settled = true;
    signal.removeEventListener('abort', onAbort);
    if (stopping) await stopping;
    await Promise.race([(async () => {
      await statement?.close().catch(() => {});
      await connection.close().catch(() => {});
    })(), sleep(2000)]);
  }
};

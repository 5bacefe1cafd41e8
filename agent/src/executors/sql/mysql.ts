/**
 * SQL steps against MySQL and MariaDB (mysql2): the script goes in one round trip with
 * multipleStatements, which the server runs in order, stopping at the first error. Rows and
 * "<STATEMENT> <rows affected>" lines go to stdout, warnings counts to `notice`, errors to stderr.
 *
 * Kill: `KILL QUERY <thread id>` from a second connection; if the statement has not stopped after
 * the grace period, `KILL CONNECTION`, then the socket is closed.
 */
import mysql from 'mysql2/promise';
import { abortedResult, graceFor, sleep, type StepContext, type StepResult } from '../executor.ts';
import { formatRows, summarize, type SqlDriver, type SqlTarget } from './sql-driver.ts';

interface Header {
  affectedRows: number;
  warningStatus?: number;
  info?: string;
}
interface Field {
  name: string;
}

function connectionOptions(target: SqlTarget, multipleStatements: boolean): mysql.ConnectionOptions {
  // mariadb:// means the same server protocol.
  const uri = target.dsn.replace(/^mariadb:/, 'mysql:');
  return {
    uri,
    ...(target.password !== null ? { password: target.password } : {}),
    multipleStatements,
    connectTimeout: 30_000,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    rowsAsArray: true,
    connectAttributes: { program_name: target.label.slice(0, 60) },
  };
}

const isHeader = (value: unknown): value is Header => !!value && typeof value === 'object' && !Array.isArray(value) && 'affectedRows' in value;

/** The statement keyword of a header's statement is not reported by the server: say what it did. */
function describe(result: unknown, fields: unknown, output: StepContext['output']): string {
  if (isHeader(result)) {
    if (result.warningStatus) output.write('notice', `${result.warningStatus} warning(s)\n`);
    return `OK ${result.affectedRows}${result.info ? ` (${result.info})` : ''}`;
  }
  const rows = result as unknown[][];
  const names = Array.isArray(fields) ? (fields as Field[]).map((f) => f.name) : [];
  output.write('stdout', formatRows(names, rows));
  return `SELECT ${rows.length}`;
}

async function killThread(target: SqlTarget, threadId: number, graceMs: number, done: () => boolean, context: StepContext): Promise<void> {
  let admin: mysql.Connection | undefined;
  try {
    admin = await mysql.createConnection(connectionOptions({ ...target, label: `${target.label} (kill)` }, false));
    await admin.query(`KILL QUERY ${Number(threadId)}`);
    const deadline = Date.now() + graceMs;
    while (!done() && Date.now() < deadline) await sleep(25);
    if (!done()) {
      context.logger.warn('the statement did not stop on KILL QUERY: killing its connection', { thread: threadId });
      await admin.query(`KILL CONNECTION ${Number(threadId)}`).catch(() => {});
    }
  } catch (error) {
    context.logger.warn('could not kill the statement from a second connection', { thread: threadId, error });
  } finally {
    await admin?.end().catch(() => {});
  }
}

export const runMysql: SqlDriver = async (script: string, target: SqlTarget, context: StepContext): Promise<StepResult> => {
  const { signal, output } = context;
  if (signal.aborted) return abortedResult(signal);
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection(connectionOptions(target, true));
  } catch (error) {
    if (signal.aborted) return abortedResult(signal);
    const message = (error as Error).message;
    output.write('stderr', `${message}\n`);
    return { state: 'failed', exitCode: null, message: `cannot connect: ${message}` };
  }
  connection.on('error', () => {}); // surfaced by the pending query instead
  let settled = false;
  let stopping: Promise<void> | undefined;
  const onAbort = () => {
    if (stopping) return;
    stopping = killThread(target, connection.threadId, graceFor(context), () => settled, context).then(async () => {
      for (let i = 0; i < 40 && !settled; i++) await sleep(25);
      if (!settled) connection.destroy();
    });
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) {
      onAbort();
      return abortedResult(signal);
    }
    try {
      const [results, fields] = (await connection.query(script)) as unknown as [unknown, unknown];
      settled = true;
      // Several statements: one entry per statement in both arrays. One statement: its result alone.
      const several = Array.isArray(results) && Array.isArray(fields) && fields.length === results.length && results.length > 0 && fields.every((f) => f === undefined || Array.isArray(f)) && results.every((r) => isHeader(r) || Array.isArray(r));
      const tags = several
        ? (results as unknown[]).map((result, i) => describe(result, (fields as unknown[])[i], output))
        : [describe(results, fields, output)];
      for (const tag of tags) output.write('stdout', `${tag}\n`);
      if (signal.aborted) return abortedResult(signal);
      return { state: 'succeeded', exitCode: null, message: summarize(tags) };
    } catch (error) {
      settled = true;
      if (signal.aborted) return abortedResult(signal);
      const e = error as { code?: string; errno?: number; sqlState?: string; sqlMessage?: string; message: string };
      const message = e.errno ? `${e.code ?? 'ERROR'} (${e.errno}, ${e.sqlState}): ${e.sqlMessage ?? e.message}` : e.message;
      output.write('stderr', `ERROR ${message}\n`);
      return { state: 'failed', exitCode: null, message };
    }
  } finally {
    settled = true;
    signal.removeEventListener('abort', onAbort);
    if (stopping) await stopping;
    await Promise.race([connection.end().catch(() => connection.destroy()), sleep(1000)]);
  }
};

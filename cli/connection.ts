/**
 * Opening the database a command works on, with errors a person can act on: a malformed URL says
 * the expected form, a refused connection names host and port and how to start a server, an
 * authentication failure names the user, a missing database says how to create it.
 */
import pg from 'pg';
import { ConnectionStringError, describeHost, NoSuitableServerError, WrongServerError, type MultiHostClient, multiHostClient, parseConnectionString, redactConnectionString, type HostPort, type MultiHostConnection } from '../client/multi-host-connection.ts';
import { CliError, exitCodes } from './cli-error.ts';

export interface DatabaseTarget {
  /** The URL as given (with its password). */
  readonly url: string;
  /** The server connected to (with several hosts: the first until connect() chose one). */
  host: string;
  port: number;
  readonly database: string;
  readonly user: string;
  /** The URL with the password masked, for messages. */
  readonly display: string;
  /** Every host of the URL, in the order they are tried (host and port above: the first). */
  readonly hosts: readonly HostPort[];
  readonly connection: MultiHostConnection;
}

const EXPECTED_FORM = 'postgres://USER:PASSWORD@HOST:PORT/DATABASE (e.g. postgres://postgres@127.0.0.1:5432/mydb)';

export function parseDatabaseUrl(url: string): DatabaseTarget {
  let connection: MultiHostConnection;
  try {
    connection = parseConnectionString(url);
  } catch (error) {
    if (!(error instanceof ConnectionStringError)) throw error;
    throw new CliError(`--database-url${error.parameter === 'url' ? ' ' : ': '}${error.message}: ${JSON.stringify(maskPassword(url))}`, {
      hint: `write it as ${EXPECTED_FORM}; several hosts as HOST1:PORT1,HOST2:PORT2 (?target_session_attrs=read-write picks the primary)`,
      exitCode: exitCodes.usage,
    });
  }
  const first = connection.hosts[0]!;
  const user = connection.user || process.env.PGUSER || process.env.USER || 'postgres';
  const database = connection.database || user;
  return { url, connection, hosts: connection.hosts, host: first.host, port: first.port, database, user, display: maskPassword(url) };
}

export function maskPassword(url: string): string {
  return redactConnectionString(url, '****');
}

/** A human explanation of a failure to connect to `target`, or undefined when it is not one. */
export function explainConnectionError(error: unknown, target: DatabaseTarget): CliError | undefined {
  const e = error as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e?.code ?? e?.errors?.[0]?.code;
  const where = target.hosts.length > 1 ? target.hosts.map(describeHost).join(',') : `${target.host}:${target.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new CliError(`cannot connect to PostgreSQL at ${where}: connection refused (no server listens there)`, {
        hint:
          'start the server (Debian/Ubuntu: `pg_ctlcluster <version> main start` or `systemctl start postgresql`; ' +
          'elsewhere: `pg_ctl -D <data dir> start`), or fix the host and port in --database-url. ' +
          'No server at all? `pgautomator start` runs an embedded one.',
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`cannot connect to PostgreSQL: host ${JSON.stringify(target.host)} not found`, {
        hint: 'check the host name in --database-url',
        cause: error,
      });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CliError(`cannot connect to PostgreSQL at ${where}: no answer (${code})`, {
        hint: 'check the host and port in --database-url and that no firewall is in the way',
        cause: error,
      });
    case 'ENOENT':
      return new CliError(`cannot connect to PostgreSQL: no socket at ${target.host} (port ${target.port})`, {
        hint: 'is the server running? check the host (socket directory) and port in --database-url',
        cause: error,
      });
    case '28P01':
      return new CliError(`password authentication failed for user ${JSON.stringify(target.user)} at ${where}`, {
        hint: 'check the user and password in --database-url (percent-encode special characters: @ is %40, : is %3A)',
        cause: error,
      });
    case '28000':
      return new CliError(`the server at ${where} refused user ${JSON.stringify(target.user)}: ${e.message}`, {
        hint: 'check that the role exists and may log in, and that pg_hba.conf has a line for this host, database and user',
        cause: error,
      });
    case '3D000':
      return new CliError(`database ${JSON.stringify(target.database)} does not exist on ${where}`, {
        hint: `create it first: createdb -h ${target.host} -p ${target.port} -U ${target.user} ${target.database}  (or CREATE DATABASE ${target.database};)`,
        cause: error,
      });
    case '57P03':
      return new CliError(`the server at ${where} is starting up or shutting down`, { hint: 'try again in a moment', cause: error });
    case '53300':
      return new CliError(`the server at ${where} has no free connection slot`, { hint: 'close idle sessions or raise max_connections', cause: error });
  }
  if (error instanceof NoSuitableServerError) {
    return new CliError(`cannot connect to PostgreSQL: ${error.message}`, {
      hint: 'check the hosts in --database-url and its target_session_attrs (read-write: the primary; any: the first that answers)',
      cause: error,
    });
  }
  if (error instanceof WrongServerError) {
    return new CliError(error.message, { hint: 'point --database-url at a server that fits its target_session_attrs, or list every server (h1:5432,h2:5432) and let it choose', cause: error });
  }
  if (typeof e?.message === 'string' && /client password must be a string|password authentication/i.test(e.message)) {
    return new CliError(`the server at ${where} asks for a password and none was given for user ${JSON.stringify(target.user)}`, {
      hint: 'put it in the URL (postgres://user:password@host/db) or set PGPASSWORD',
      cause: error,
    });
  }
  if (typeof e?.message === 'string' && /timeout expired|Connection terminated due to connection timeout/i.test(e.message)) {
    return new CliError(`cannot connect to PostgreSQL at ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s`, {
      hint: 'check the host and port in --database-url and that the server is up',
      cause: error,
    });
  }
  return undefined;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** A connected client for `target` (call `end()`), or a CliError explaining why not. */
export async function connect(target: DatabaseTarget, applicationName = 'pgautomator-cli'): Promise<pg.Client> {
  // Several hosts: tried in order for one that fits target_session_attrs (libpq's rules).
  const client: pg.Client = multiHostClient(target.connection, { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: applicationName });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw explainConnectionError(error, target) ?? error;
  }
  // Messages from here on name the server the hosts list led to.
  target.host = (client as MultiHostClient).server.host;
  target.port = (client as MultiHostClient).server.port;
  return client;
}

/** Runs `work` with a connected client and always closes it. */
export async function withClient<T>(target: DatabaseTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(target);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * libpq's multi-host connection strings for node-postgres, which has none: parsing
 * `postgresql://u@h1:5432,h2:5432/db?target_session_attrs=read-write` (and the key/value form
 * `host=h1,h2 port=5432,5433 ...`), and a pg Client whose connect() tries the hosts in order and
 * keeps the first one whose session fits `target_session_attrs`, as libpq does. Passed to a
 * pg.Pool as its `Client`, every new pooled connection chooses again: after a failover the next
 * connection lands on the new primary.
 *
 * How a host is chosen (libpq's rules, PostgreSQL 14+):
 *   any            the first host that accepts the connection
 *   read-write     transaction_read_only = off (a primary not set read-only)
 *   read-only      transaction_read_only = on
 *   primary        pg_is_in_recovery() = false
 *   standby        pg_is_in_recovery() = true
 *   prefer-standby a standby if any host is one, else any host
 * With several hosts (or a target other than `any`) each candidate is first probed on a short
 * connection of its own, then this client connects to the chosen one and checks again (the server
 * may have changed in between): two connections per new connection, which the agent's and the
 * gateway's long-lived pools pay only when they (re)connect. A single host is connected directly
 * and checked on the connection itself.
 *
 * Passwords never appear in errors: messages name hosts as host:port only, and
 * redactConnectionString() masks the password of either form for log lines.
 */
import pg from 'pg';
import { parse as parseSingleHost } from 'pg-connection-string';

export const targetSessionAttrsValues = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;
export type TargetSessionAttrs = (typeof targetSessionAttrsValues)[number];

export interface HostPort {
  /** A name, an IPv4/IPv6 address (without brackets), or a unix socket directory (starting with /). */
  host: string;
  port: number;
}

export interface MultiHostConnection {
  hosts: HostPort[];
  user?: string;
  password?: string;
  database?: string;
  targetSessionAttrs: TargetSessionAttrs;
  /** Every other parameter (sslmode, application_name, options, connect_timeout...), passed to pg as given. */
  params: Record<string, string>;
}

/** A connection string that cannot be used; `parameter` names the part at fault. */
export class ConnectionStringError extends Error {
  override name = 'ConnectionStringError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_PORT = 5432;

function decode(value: string, parameter: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ConnectionStringError(parameter, `the ${parameter} in the connection string has a malformed percent-encoding (write % as %25)`);
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new ConnectionStringError('port', `port ${JSON.stringify(text)} in the connection string is not a port number (1 to 65535)`);
  return port;
}

/** Pairs hosts with ports as libpq does: one port for all hosts, or one per host. */
function pairHosts(hosts: string[], ports: string[]): HostPort[] {
  if (ports.length > 1 && ports.length !== hosts.length) {
    throw new ConnectionStringError('port', `the connection string has ${hosts.length} host(s) but ${ports.length} ports: give one port for all hosts or one per host`);
  }
  return hosts.map((host, i) => {
    const port = ports.length === 0 ? '' : ports.length === 1 ? ports[0]! : ports[i]!;
    return { host: host || 'localhost', port: port === '' ? DEFAULT_PORT : parsePort(port) };
  });
}

function targetFrom(value: string | undefined, fallback: TargetSessionAttrs): TargetSessionAttrs {
  if (value === undefined) return fallback;
  if (!(targetSessionAttrsValues as readonly string[]).includes(value)) {
    throw new ConnectionStringError('target_session_attrs', `target_session_attrs=${JSON.stringify(value)} is not one of ${targetSessionAttrsValues.join(', ')}`);
  }
  return value as TargetSessionAttrs;
}

export interface ParseOptions {
  /** target_session_attrs when the string has none (libpq's default: any). */
  defaultTargetSessionAttrs?: TargetSessionAttrs;
}

/** Parses a postgres:// / postgresql:// URL or a libpq key/value string, with any number of hosts. */
export function parseConnectionString(text: string, options: ParseOptions = {}): MultiHostConnection {
  const fallback = options.defaultTargetSessionAttrs ?? 'any';
  const trimmed = text.trim();
  if (trimmed === '') throw new ConnectionStringError('url', 'is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme && !/^postgres(ql)?$/i.test(scheme[1]!)) throw new ConnectionStringError('url', `must start with postgres:// or postgresql:// (got ${scheme[1]}://...)`);
  if (!scheme && !trimmed.includes('=')) throw new ConnectionStringError('url', 'is not a URL (postgres://...) nor libpq key=value pairs');
  const values = /^postgres(ql)?:\/\//i.test(trimmed) ? parseUrlForm(trimmed) : parseKeyValueForm(trimmed);
  const { host, port, user, password, dbname, target_session_attrs: target, ...params } = values.params;
  // Parameters given in the query string win over the URL's own parts, as in libpq.
  const hosts = host !== undefined ? host.split(',') : values.hosts;
  const ports = port !== undefined ? port.split(',') : values.ports;
  const connection: MultiHostConnection = {
    hosts: pairHosts(hosts.length ? hosts : [''], ports.filter((p, i, all) => !(all.length === 1 && p === ''))),
    targetSessionAttrs: targetFrom(target, fallback),
    params,
  };
  const u = user ?? values.user;
  const p = password ?? values.password;
  const d = dbname ?? values.database;
  if (u) connection.user = u;
  if (p !== undefined && p !== '') connection.password = p;
  if (d) connection.database = d;
  return connection;
}

interface RawParts {
  hosts: string[];
  ports: string[];
  user?: string;
  password?: string;
  database?: string;
  params: Record<string, string>;
}

function parseUrlForm(text: string): RawParts {
  const rest = text.replace(/^postgres(ql)?:\/\//i, '');
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '' : beforeQuery.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostList = at < 0 ? authority : authority.slice(at + 1);
  const parts: RawParts = { hosts: [], ports: [], params: {} };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    parts.user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), 'user');
    if (colon >= 0) parts.password = decode(userinfo.slice(colon + 1), 'password');
  }
  if (hostList !== '') {
    for (const entry of hostList.split(',')) {
      const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(entry);
      if (!match) throw new ConnectionStringError('host', `host ${JSON.stringify(entry)} in the connection string is malformed (an IPv6 address goes in brackets: [::1]:5432)`);
      const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : decode(match[1]!, 'host');
      parts.hosts.push(host);
      parts.ports.push(match[2] ?? '');
    }
    // No port anywhere: no list at all, so that port= in the query string or the default applies.
    if (parts.ports.every((p) => p === '')) parts.ports = [];
    else if (parts.ports.some((p) => p === '')) parts.ports = parts.ports.map((p) => p || String(DEFAULT_PORT));
  }
  if (path !== '') parts.database = decode(path, 'dbname');
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) throw new ConnectionStringError(decode(pair, 'parameter'), `parameter ${JSON.stringify(decode(pair, 'parameter'))} in the connection string has no value (write name=value)`);
    const name = decode(pair.slice(0, eq).replace(/\+/g, ' '), 'parameter');
    parts.params[name] = decode(pair.slice(eq + 1).replace(/\+/g, ' '), name);
  }
  return parts;
}

function parseKeyValueForm(text: string): RawParts {
  const params: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const nameStart = i;
    while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (name === '' || text[i] !== '=') {
      throw new ConnectionStringError(name || 'connection string', `the connection string is neither a postgres:// URL nor key=value pairs: expected "=" after ${JSON.stringify(name || text.slice(nameStart, nameStart + 10))}`);
    }
    i++;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw new ConnectionStringError(name, `the value of ${name} in the connection string has an unterminated quote`);
        const c = text[i]!;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
    }
    params[name] = value;
  }
  return { hosts: [], ports: [], params };
}

const hostText = (h: HostPort) => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`);
/** `host:port` for messages (`[::1]:5432` for IPv6). */
export const describeHost = hostText;

/** A one-host URL of the connection (for pg-connection-string, which parses ssl and the rest). */
export function singleHostUrl(connection: MultiHostConnection, host: HostPort): string {
  const enc = encodeURIComponent;
  const auth = connection.user ? `${enc(connection.user)}${connection.password !== undefined ? `:${enc(connection.password)}` : ''}@` : '';
  const params = new URLSearchParams(connection.params);
  let authority: string;
  if (host.host.startsWith('/')) {
    params.set('host', host.host);
    params.set('port', String(host.port));
    authority = '';
  } else {
    authority = hostText(host);
  }
  const query = params.toString();
  return `postgresql://${auth}${authority}/${enc(connection.database ?? '')}${query ? `?${query}` : ''}`;
}

/** The connection with another user and password (the gateway's logins). */
export function withCredentials(connection: MultiHostConnection, user: string, password: string): MultiHostConnection {
  return { ...connection, user, password };
}

/** The connection string with its password masked (`mask`), fit for a log line; either form. */
export function redactConnectionString(text: string, mask = '***'): string {
  return text
    // user:password@ up to the last @ of the authority (a password with a raw @ stays hidden whole)
    .replace(/^(postgres(?:ql)?:\/\/[^/?@:]*:)[^/?]*@/i, (_, head: string) => `${head}${mask}@`)
    .replace(/([?&]password=)[^&]*/gi, `$1${mask}`)
    .replace(/(^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)/gi, `$1$2${mask}`);
}

/** What a server said about its session: the two facts target_session_attrs is about. */
export interface SessionState {
  inRecovery: boolean;
  readOnly: boolean;
}

// Not an API call: the check libpq itself makes on every candidate (SHOW transaction_read_only,
// SELECT pg_is_in_recovery()), in one round trip.
const sessionStateSql = "SELECT pg_is_in_recovery() AS in_recovery, current_setting('transaction_read_only') AS read_only";

async function sessionState(client: pg.ClientBase): Promise<SessionState> {
  const { rows } = await client.query<{ in_recovery: boolean; read_only: string }>(sessionStateSql);
  return { inRecovery: rows[0]!.in_recovery, readOnly: rows[0]!.read_only === 'on' };
}

export function fits(target: TargetSessionAttrs, state: SessionState): boolean {
  switch (target) {
    case 'any':
    case 'prefer-standby':
      return true;
    case 'read-write':
      return !state.readOnly;
    case 'read-only':
      return state.readOnly;
    case 'primary':
      return !state.inRecovery;
    case 'standby':
      return state.inRecovery;
  }
}

/** Why a server does not fit, naming it: "h2:5432 is a standby (read-only): ...". */
export function mismatch(host: HostPort, target: TargetSessionAttrs, state: SessionState): string {
  const what = state.inRecovery ? 'a standby (read-only)' : state.readOnly ? 'a primary in read-only mode (default_transaction_read_only = on)' : 'a primary (read-write)';
  const need = target === 'standby' || target === 'read-only' ? 'a standby or a read-only server' : 'a writable primary';
  return `${hostText(host)} is ${what}: target_session_attrs=${target} needs ${need}`;
}

/**
 * No host of the list gave a session that fits. `code` is 08001 (unable to establish a connection,
 * so callers treat it as "the database is not there now" and retry), or the code every host
 * answered with when they all said the same (28P01 for a wrong password on every host...).
 */
export class NoSuitableServerError extends Error {
  override name = 'NoSuitableServerError';
  readonly code: string;
  constructor(
    readonly target: TargetSessionAttrs,
    readonly failures: Array<{ host: HostPort; reason: string; code?: string }>,
  ) {
    const hosts = failures.length === 1 ? failures[0]!.reason : `no server fits target_session_attrs=${target}: ${failures.map((f) => f.reason).join('; ')}`;
    super(hosts);
    const codes = new Set(failures.map((f) => f.code ?? ''));
    this.code = codes.size === 1 && [...codes][0] !== '' ? [...codes][0]! : '08001';
  }
}

/** The server's session state does not fit: another host may (SQLSTATE 08001: retry elsewhere). */
export class WrongServerError extends Error {
  override name = 'WrongServerError';
  readonly code = '08001';
}

type PgClientConfig = pg.ClientConfig & { multiHost?: MultiHostConnection };

/** pg settings of `connection` on `host` (ssl and other parameters as pg-connection-string reads them). */
export function clientConfigFor(connection: MultiHostConnection, host: HostPort): pg.ClientConfig {
  const parsed = parseSingleHost(singleHostUrl(connection, host)) as unknown as pg.ClientConfig & { host?: string | null; port?: string | number | null };
  const config: pg.ClientConfig = {};
  for (const [key, value] of Object.entries(parsed)) if (value !== null && value !== undefined) (config as Record<string, unknown>)[key] = value;
  config.host = host.host;
  config.port = host.port;
  return config;
}

/**
 * A pg Client that chooses its server among `multiHost.hosts` (the config's extra key) on connect.
 * Use multiHostPoolConfig() / multiHostClient() rather than constructing it by hand.
 */
export class MultiHostClient extends pg.Client {
  private readonly multiHost: MultiHostConnection;
  private readonly own: pg.ClientConfig;

  constructor(config: PgClientConfig) {
    const { multiHost, connectionString, ...rest } = config;
    const connection = multiHost ?? parseConnectionString(connectionString ?? '');
    const own = { ...clientConfigFor(connection, connection.hosts[0]!), ...rest };
    super(own);
    this.multiHost = connection;
    this.own = own;
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
    const done = this.chooseAndConnect().then(() => this as pg.Client);
    if (!callback) return done;
    const cb = callback as (err: Error | null, c?: pg.Client) => void;
    done.then(
      (client) => cb(null, client),
      (error: Error) => cb(error),
    );
  }

  /** The server this client is connected to (after connect). */
  get server(): HostPort {
    return { host: this.host, port: this.port };
  }

  private async connectTo(host: HostPort): Promise<void> {
    this.host = host.host;
    this.port = host.port;
    const parameters = (this as unknown as { connectionParameters: { host: string; port: number } }).connectionParameters;
    parameters.host = host.host;
    parameters.port = host.port;
    await super.connect();
    const target = this.multiHost.targetSessionAttrs;
    if (target === 'any' || target === 'prefer-standby') return;
    const state = await sessionState(this);
    if (!fits(target, state)) {
      await this.end().catch(() => {});
      throw new WrongServerError(mismatch(host, target, state));
    }
  }

  private async probe(host: HostPort): Promise<SessionState> {
    const probe = new pg.Client({ ...this.own, host: host.host, port: host.port, application_name: `${this.own.application_name ?? 'pgautomator'} probe`.slice(0, 63) });
    probe.on('error', () => {});
    try {
      await probe.connect();
      return await sessionState(probe);
    } finally {
      await probe.end().catch(() => {});
    }
  }

  private async chooseAndConnect(): Promise<void> {
    const { hosts, targetSessionAttrs: target } = this.multiHost;
    if (hosts.length === 1) return this.connectTo(hosts[0]!); // errors as pg gives them (the CLI explains their codes)
    const failures: Array<{ host: HostPort; reason: string; code?: string }> = [];
    const passes: TargetSessionAttrs[] = target === 'prefer-standby' ? ['standby', 'any'] : [target];
    const unreachable = new Set<HostPort>();
    for (const pass of passes) {
      for (const host of hosts) {
        if (unreachable.has(host)) continue; // prefer-standby's second pass: not again
        let state: SessionState;
        try {
          state = await this.probe(host);
        } catch (error) {
          const e = error as { code?: string; message?: string };
          unreachable.add(host);
          failures.push({ host, reason: `${hostText(host)}: ${e.message ?? String(error)}`, code: typeof e.code === 'string' ? e.code : undefined });
          continue;
        }
        if (!fits(pass, state)) {
          failures.push({ host, reason: mismatch(host, target, state) });
          continue;
        }
        await this.connectTo(host);
        return;
      }
    }
    throw new NoSuitableServerError(target, failures);
  }
}

/**
 * pg.Pool / pg.Client settings for a connection string of either form and any number of hosts:
 * `Client` is MultiHostClient, so every connection the pool opens chooses its server.
 */
export function multiHostPoolConfig(connection: MultiHostConnection, extra: pg.PoolConfig = {}): pg.PoolConfig & { multiHost: MultiHostConnection } {
  return { ...extra, Client: MultiHostClient as unknown as typeof pg.Client, multiHost: connection };
}

/** A not yet connected client for `connection` (call connect()). */
export function multiHostClient(connection: MultiHostConnection, extra: pg.ClientConfig = {}): MultiHostClient {
  return new MultiHostClient({ ...extra, multiHost: connection });
}

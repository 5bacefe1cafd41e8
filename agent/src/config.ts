/**
 * The agent's settings: command-line flags win over PGAUTOMATOR_* environment variables, which win
 * over the JSON config file (`--config`), which wins over the defaults. One table describes every
 * option (flag, variable, config key, default, help) so `--help`, the loader and docs/agent.md
 * cannot drift apart. Every error names the option and where its value came from.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectionStringError, parseConnectionString } from '../../client/multi-host-connection.ts';
import { logFormats, logLevels, type LogFormat, type LogLevel } from './logger.ts';

export interface AgentConfig {
  databaseUrl: string;
  /** Where the agent LISTENs (null: databaseUrl); a session of its own, so not through transaction pooling. */
  listenUrl: string | null;
  name: string;
  tags: string[];
  maxConcurrent: number;
  /** Seconds. */
  heartbeatInterval: number;
  /** Seconds the agent lets running steps finish on SIGTERM/SIGINT before it kills them. */
  drainTimeout: number;
  /** Seconds between SIGTERM and SIGKILL (or a query cancel and closing its connection). */
  killGrace: number;
  secretsFile: string | null;
  spoolFile: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** Reconnect backoff bounds, seconds. */
  reconnectMin: number;
  reconnectMax: number;
  /** Connections for reporting runs (plus one for heartbeats and claims; user SQL steps use their own). */
  poolSize: number;
  /** Bytes of a step's output kept at its head and, again, at its tail. */
  outputKeep: number;
  /** Streaming of output to the database: at most every flush-ms, or as soon as flush-bytes wait. */
  outputFlushMs: number;
  outputFlushBytes: number;
  /** Accept self-signed certificates of the SMTP server (tests, internal relays). */
  smtpTlsInsecure: boolean;
  /** Port of the agent's own GET /metrics (Prometheus text); null: not served. */
  metricsPort: number | null;
  metricsHost: string;
  /** File with the bearer token GET /metrics requires; null: the port answers anyone who reaches it. */
  metricsTokenFile: string | null;
}

type Kind = 'string' | 'int' | 'number' | 'list' | 'boolean' | 'enum';

export interface OptionSpec {
  key: keyof AgentConfig;
  flag: string;
  env: string;
  kind: Kind;
  /** The default, or a function of the options resolved so far; undefined: required. */
  default?: unknown | ((partial: Partial<AgentConfig>) => unknown);
  defaultText?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  help: string;
}

export const optionSpecs: readonly OptionSpec[] = [
  { key: 'databaseUrl', flag: 'database-url', env: 'PGAUTOMATOR_DATABASE_URL', kind: 'string', help: 'the central database, postgres://user@host:5432/db (password: PGPASSWORD, ~/.pgpass); several hosts (h1:5432,h2:5432) are tried in order for a writable primary (target_session_attrs, default read-write)' },
  { key: 'listenUrl', flag: 'listen-url', env: 'PGAUTOMATOR_LISTEN_URL', kind: 'string', default: null, defaultText: 'the database URL', help: 'the central database for LISTEN only, when --database-url goes through a pooler in transaction pooling (LISTEN needs a session of its own): a direct URL, or one through session pooling (docs/poolers.md)' },
  { key: 'name', flag: 'name', env: 'PGAUTOMATOR_AGENT_NAME', kind: 'string', default: () => os.hostname().split('.')[0] || 'agent', defaultText: 'the host name', help: 'the name the agent registers under (letters, digits, _ . @ : -)' },
  { key: 'tags', flag: 'tags', env: 'PGAUTOMATOR_AGENT_TAGS', kind: 'list', default: [], defaultText: 'none', help: 'comma-separated tags; the agent runs jobs whose agent_tags it all carries' },
  { key: 'maxConcurrent', flag: 'max-concurrent', env: 'PGAUTOMATOR_MAX_CONCURRENT', kind: 'int', default: 4, min: 1, max: 1000, help: 'runs executed at once' },
  { key: 'heartbeatInterval', flag: 'heartbeat-interval', env: 'PGAUTOMATOR_HEARTBEAT_INTERVAL', kind: 'number', default: 10, min: 1, max: 3600, help: 'seconds between heartbeats; the agent is declared dead after three missed ones' },
  { key: 'drainTimeout', flag: 'drain-timeout', env: 'PGAUTOMATOR_DRAIN_TIMEOUT', kind: 'number', default: 60, min: 0, max: 86400, help: 'seconds running steps may take to finish after SIGTERM/SIGINT before they are killed' },
  { key: 'killGrace', flag: 'kill-grace', env: 'PGAUTOMATOR_KILL_GRACE', kind: 'number', default: 5, min: 0, max: 600, help: 'seconds between SIGTERM and SIGKILL of a step\'s process tree (and between cancelling a query and closing its connection)' },
  { key: 'secretsFile', flag: 'secrets-file', env: 'PGAUTOMATOR_SECRETS_FILE', kind: 'string', default: null, defaultText: 'none', help: 'JSON file {"NAME": "secret"} that file:NAME references read; must not be readable by group or others' },
  {
    key: 'spoolFile', flag: 'spool-file', env: 'PGAUTOMATOR_SPOOL_FILE', kind: 'string',
    default: (p: Partial<AgentConfig>) => path.join(os.homedir(), '.pgautomator', `agent-${p.name ?? 'agent'}.spool`),
    defaultText: '~/.pgautomator/agent-<name>.spool',
    help: 'where results are kept while the database is unreachable, replayed when it is back',
  },
  { key: 'logFormat', flag: 'log-format', env: 'PGAUTOMATOR_LOG_FORMAT', kind: 'enum', values: logFormats, default: 'text', help: 'text or json, one line per event' },
  { key: 'logLevel', flag: 'log-level', env: 'PGAUTOMATOR_LOG_LEVEL', kind: 'enum', values: logLevels, default: 'info', help: 'debug, info, warn or error' },
  { key: 'reconnectMin', flag: 'reconnect-min', env: 'PGAUTOMATOR_RECONNECT_MIN', kind: 'number', default: 0.5, min: 0.01, max: 60, help: 'first reconnect delay in seconds (doubles on each failure)' },
  { key: 'reconnectMax', flag: 'reconnect-max', env: 'PGAUTOMATOR_RECONNECT_MAX', kind: 'number', default: 15, min: 0.01, max: 600, help: 'longest reconnect delay in seconds' },
  { key: 'poolSize', flag: 'pool-size', env: 'PGAUTOMATOR_POOL_SIZE', kind: 'int', default: 3, min: 1, max: 50, help: 'connections that record runs (plus one for heartbeats and claims; SQL steps use their own)' },
  { key: 'outputKeep', flag: 'output-keep', env: 'PGAUTOMATOR_OUTPUT_KEEP', kind: 'int', default: 65536, min: 1024, max: 16 * 1024 * 1024, help: 'bytes of a step\'s output kept at its head and again at its tail' },
  { key: 'outputFlushMs', flag: 'output-flush-ms', env: 'PGAUTOMATOR_OUTPUT_FLUSH_MS', kind: 'int', default: 250, min: 10, max: 60000, help: 'longest wait before streamed output is sent to the database' },
  { key: 'outputFlushBytes', flag: 'output-flush-bytes', env: 'PGAUTOMATOR_OUTPUT_FLUSH_BYTES', kind: 'int', default: 65536, min: 1024, max: 16 * 1024 * 1024, help: 'pending output that is sent at once' },
  { key: 'smtpTlsInsecure', flag: 'smtp-tls-insecure', env: 'PGAUTOMATOR_SMTP_TLS_INSECURE', kind: 'boolean', default: false, help: 'accept an SMTP server certificate that does not verify' },
  { key: 'metricsPort', flag: 'metrics-port', env: 'PGAUTOMATOR_METRICS_PORT', kind: 'int', default: null, defaultText: 'off', min: 0, max: 65535, help: 'serve the agent\'s own metrics (runs executing, capacity, database reachable, spooled results) in the Prometheus text format at GET /metrics on this port (0: any free port, logged)' },
  { key: 'metricsHost', flag: 'metrics-host', env: 'PGAUTOMATOR_METRICS_HOST', kind: 'string', default: '127.0.0.1', help: 'interface the metrics port listens on (0.0.0.0 for every interface; the page carries no secrets)' },
  { key: 'metricsTokenFile', flag: 'metrics-token-file', env: 'PGAUTOMATOR_METRICS_TOKEN_FILE', kind: 'string', default: null, defaultText: 'none: no token asked', help: 'file holding a bearer token that GET /metrics then requires (Authorization: Bearer <token>, as Prometheus sends with authorization.credentials_file); the token itself is never given on the command line' },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConfigSources {
  /** Flags as parsed by cli.ts: flag name -> raw string (or true for a boolean flag). */
  flags?: Record<string, string | boolean | undefined>;
  env?: NodeJS.ProcessEnv;
  /** Path of the JSON config file (else --config / PGAUTOMATOR_CONFIG). */
  configFile?: string;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config', `cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('config', `the config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('config', `the config file ${file} must hold a JSON object`);
  const known = new Map<string, OptionSpec>();
  for (const spec of optionSpecs) {
    known.set(spec.flag, spec);
    known.set(spec.key, spec);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const spec = known.get(key);
    if (!spec) throw new ConfigError(key, `the config file ${file} has an unknown option "${key}" (known: ${optionSpecs.map((s) => s.flag).join(', ')})`);
    out[spec.key] = value;
  }
  return out;
}

function convert(spec: OptionSpec, raw: unknown, source: string): unknown {
  const where = `--${spec.flag} (from ${source})`;
  const bad = (what: string) => new ConfigError(spec.flag, `${where} ${what}, got ${JSON.stringify(raw)}`);
  switch (spec.kind) {
    case 'string': {
      if (typeof raw !== 'string' || raw.trim() === '') throw bad('must be a non-empty string');
      return raw;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.values!.includes(raw)) throw bad(`must be one of ${spec.values!.join(', ')}`);
      return raw;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      if (!items || items.some((i) => typeof i !== 'string')) throw bad('must be a comma-separated list (or a JSON array of strings)');
      return (items as string[]).map((i) => i.trim()).filter(Boolean);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(0|false|no|off|)$/i.test(raw)) return false;
      throw bad('must be true or false');
    }
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) throw bad(`must be ${spec.kind === 'int' ? 'an integer' : 'a number'}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) throw bad(`must be between ${spec.min} and ${spec.max}`);
      return n;
    }
  }
}

/** Resolves every option from flags, environment, config file and defaults, validating each. */
export function loadConfig(sources: ConfigSources = {}): AgentConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? process.env;
  const configPath = sources.configFile ?? (flags.config as string | undefined) ?? env.PGAUTOMATOR_CONFIG;
  const file = configPath ? readConfigFile(configPath) : {};
  const config: Partial<AgentConfig> = {};
  for (const spec of optionSpecs) {
    let value: unknown;
    const flag = flags[spec.flag];
    if (flag !== undefined) value = convert(spec, flag, 'the command line');
    else if (env[spec.env] !== undefined && env[spec.env] !== '') value = convert(spec, env[spec.env], spec.env);
    else if (spec.key === 'databaseUrl' && env.DATABASE_URL) value = convert(spec, env.DATABASE_URL, 'DATABASE_URL');
    else if (file[spec.key] !== undefined) value = convert(spec, file[spec.key], `the config file ${configPath}`);
    else if (spec.default === undefined) throw new ConfigError(spec.flag, `--${spec.flag} is required (or set ${spec.env}, or "${spec.flag}" in the config file)`);
    else value = typeof spec.default === 'function' ? (spec.default as (p: Partial<AgentConfig>) => unknown)(config) : spec.default;
    (config as Record<string, unknown>)[spec.key] = value;
  }
  const done = config as AgentConfig;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,62}$/.test(done.name)) {
    throw new ConfigError('name', `--name ${JSON.stringify(done.name)} is not a valid agent name: 1 to 63 letters, digits and _ . @ : -, starting with a letter or digit`);
  }
  for (const [flag, url] of [['database-url', done.databaseUrl], ['listen-url', done.listenUrl]] as const) {
    if (url === null) continue;
    try {
      parseConnectionString(url);
    } catch (error) {
      if (!(error instanceof ConnectionStringError)) throw error;
      throw new ConfigError(flag, `--${flag}${error.parameter === 'url' ? ' ' : ': '}${error.message} (write postgres://user@host:5432/db, several hosts as host1:5432,host2:5432)`);
    }
  }
  if (done.reconnectMax < done.reconnectMin) throw new ConfigError('reconnect-max', `--reconnect-max (${done.reconnectMax}) must not be below --reconnect-min (${done.reconnectMin})`);
  return done;
}

/** The `--help` text: every option with its default and environment variable. */
export function optionsHelp(): string {
  const rows = optionSpecs.map((spec) => {
    const value = spec.kind === 'boolean' ? '' : spec.kind === 'enum' ? ` <${spec.values!.join('|')}>` : ` <${spec.kind === 'list' ? 'a,b' : spec.kind === 'string' ? 'text' : 'n'}>`;
    const fallback = spec.defaultText ?? (spec.default === undefined ? 'required' : JSON.stringify(spec.default));
    return { left: `--${spec.flag}${value}`, right: `${spec.help}\n(default: ${fallback}; env ${spec.env})` };
  });
  rows.push({ left: '--config <file>', right: 'JSON config file whose keys are the option names above\n(env PGAUTOMATOR_CONFIG)' });
  rows.push({ left: '-h, --help', right: 'this help' });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return rows
    .map((r) => {
      const [first, ...rest] = r.right.split('\n');
      return [`  ${r.left.padEnd(width)}${first}`, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
    })
    .join('\n');
}

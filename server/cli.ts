/**
 * `npx tsx server/cli.ts --database-url URL [--port 8080]`: runs the gateway (also the
 * `pgautomator ui` command through runUiCli).
 */
import { parseArgs } from 'node:util';
import { startGateway, type Gateway } from './main.ts';

export const UI_HELP = `Usage: pgautomator ui --database-url URL [options]

Serves the pgAutomator web components and console, and turns HTTP calls into calls of the
pgautomator API functions, as the logged-in database role.

Options:
  --database-url URL     the central database (also env PGAUTOMATOR_DATABASE_URL); its role
                         LISTENs for live events (and SET ROLEs with --trust-header)
  --listen-url URL       the central database for LISTEN only (also env PGAUTOMATOR_LISTEN_URL),
                         when --database-url goes through a pooler in transaction pooling:
                         a direct URL, or one through session pooling (docs/poolers.md)
  --port N               port to listen on (default 8080; 0 picks a free one)
  --host ADDR            interface to listen on (default 127.0.0.1)
  --trust-header NAME    take the database role from this request header set by an
                         authenticating reverse proxy (off by default; only behind such a proxy)
  --metrics-token-file FILE
                         let Prometheus scrape GET /metrics with "Authorization: Bearer
                         <the token in FILE>" (no login; as the --database-url role, which must
                         be granted pgautomator_viewer); off by default
  --cors-origin ORIGIN   allow an embedding portal at ORIGIN to call with credentials (repeatable)
  --secure-cookies       mark the session cookie Secure (behind a TLS-terminating proxy)
  --tls-cert FILE        serve HTTPS with this certificate (with --tls-key)
  --tls-key FILE         private key of --tls-cert
  --session-idle S       end sessions idle for S seconds (default 28800)
  --max-connections N    database connections of the gateway in total, all logged-in roles
                         together (default 20; plus one for LISTEN): a login or call that finds
                         them all busy waits up to 5 s, then gets 503 gateway_busy
  --connections-per-role N
                         connections one role's sessions share (default 4); unused ones close
                         after 30 s
  --max-sessions-per-role N
                         sessions one role may hold (default 1000); a login beyond ends the
                         role's least recently used session
  --allow-superuser-login
                         let superuser roles log in (refused by default: 403)
  --max-streams-per-session N
                         event streams (GET /events) one session may hold (default 8)
  --max-streams N        event streams of the gateway in total (default 1000)
  --build-ui MODE        auto (build the bundle when missing, default), always, never
  -h, --help             this help
`;

export async function runUiCli(argv: string[]): Promise<Gateway | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      'listen-url': { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'trust-header': { type: 'string' },
      'metrics-token-file': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'secure-cookies': { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'session-idle': { type: 'string', default: '28800' },
      'max-connections': { type: 'string', default: '20' },
      'connections-per-role': { type: 'string', default: '4' },
      'max-sessions-per-role': { type: 'string', default: '1000' },
      'allow-superuser-login': { type: 'boolean', default: false },
      'max-streams-per-session': { type: 'string', default: '8' },
      'max-streams': { type: 'string', default: '1000' },
      'build-ui': { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(UI_HELP);
    return undefined;
  }
  const databaseUrl = values['database-url'] ?? process.env.PGAUTOMATOR_DATABASE_URL;
  if (!databaseUrl) throw new Error('--database-url is required (or set PGAUTOMATOR_DATABASE_URL); see --help');
  const listenUrl = values['listen-url'] ?? (process.env.PGAUTOMATOR_LISTEN_URL || undefined);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535 (got ${values.port})`);
  const idle = Number(values['session-idle']);
  if (!(idle > 0)) throw new Error(`--session-idle must be a positive number of seconds`);
  const positive = (flag: 'max-connections' | 'connections-per-role' | 'max-sessions-per-role' | 'max-streams-per-session' | 'max-streams') => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number of at least 1 (got ${values[flag]})`);
    return n;
  };
  const maxConnections = positive('max-connections');
  const connectionsPerRole = positive('connections-per-role');
  if (connectionsPerRole > maxConnections) throw new Error(`--connections-per-role (${connectionsPerRole}) must not exceed --max-connections (${maxConnections})`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const buildUi = values['build-ui'];
  if (buildUi !== 'auto' && buildUi !== 'always' && buildUi !== 'never') throw new Error('--build-ui must be auto, always or never');
  const gateway = await startGateway({
    databaseUrl,
    listenUrl,
    port,
    host: values.host,
    trustHeader: values['trust-header'],
    metricsTokenFile: values['metrics-token-file'],
    corsOrigins: values['cors-origin'],
    secureCookies: values['secure-cookies'],
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    sessionIdleSeconds: idle,
    maxConnections,
    connectionsPerRole,
    maxSessionsPerRole: positive('max-sessions-per-role'),
    allowSuperuserLogin: values['allow-superuser-login'],
    maxStreamsPerSession: positive('max-streams-per-session'),
    maxStreams: positive('max-streams'),
    buildUi,
  });
  console.log(`pgAutomator gateway listening on ${gateway.url}`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return gateway;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/server/cli.ts')) {
  runUiCli(process.argv.slice(2)).catch((error: Error) => {
    console.error(`pgautomator ui: ${error.message}`);
    process.exit(2);
  });
}

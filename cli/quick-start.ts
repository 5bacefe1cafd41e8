/**
 * The quick start's parts and their order: database (embedded, or the one of DATABASE_URL),
 * extension, login roles, demo jobs (first run only), agent, UI gateway; and the reverse order to
 * stop. `up()` records each part as it starts so `down()` stops exactly what runs, whenever it is
 * called (a failed step, Ctrl-C during start, or the normal stop).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { InvalidStateError, NotFoundError } from '../client/index.ts';
import { openApi, type CliApi } from './api.ts';
import { CliError } from './cli-error.ts';
import { parseDatabaseUrl, connect, type DatabaseTarget } from './connection.ts';
import { createDemoJobs, demo } from './demo-jobs.ts';
import { blockedDirectory, EmbeddedCluster, embeddedBinaries, ensureRunAsUser, reachableBinaries, type RunAs } from './embedded-cluster.ts';
import { extensionBuildDir, installExtension, packageVersion } from './extension-installer.ts';
import { compareVersions, installedState } from './extension-state.ts';
import { freePortFrom, isPortFree } from './free-port.ts';
import { ensureLoginRole } from './login-roles.ts';
import type { Progress } from './progress.ts';
import { externalStateDir, QuickStartFiles, type Credentials, type Login } from './quick-start-state.ts';
import { SupervisedProcess } from './supervised-process.ts';
import { runPlainUpgrade, upgradePath, upgradeScripts } from './upgrade-chain.ts';
import { grantRoles } from './install.ts';

export const DEFAULT_DB_PORT = 54329;
export const DEFAULT_UI_PORT = 8080;

export interface QuickStartOptions {
  /** External database; undefined: the embedded one. */
  databaseUrl?: string;
  dataDir: string;
  /** True when --data-dir was given (no fallback to another place then). */
  dataDirGiven: boolean;
  port?: number;
  uiPort?: number;
  uiHost: string;
  agentName: string;
  demo: boolean;
}

export interface RunningQuickStart {
  uiUrl: string;
  admin: Login;
  database: DatabaseTarget;
  embedded: { version: string; pgdata: string } | undefined;
  demoCreated: string[] | undefined;
  stateDir: string;
  credentialsFile: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `url` with another user and password. */
function urlAs(url: string, login: Login): string {
  const u = new URL(url);
  u.username = encodeURIComponent(login.user);
  u.password = encodeURIComponent(login.password);
  u.searchParams.delete('user');
  u.searchParams.delete('password');
  return u.toString();
}

export class QuickStart {
  cluster: EmbeddedCluster | undefined;
  agent: SupervisedProcess | undefined;
  ui: SupervisedProcess | undefined;
  files: QuickStartFiles | undefined;
  /** Called once when a running part ends on its own. */
  onPartFailed: ((reason: string) => void) | undefined;
  private stopped = false;

  constructor(
    private readonly options: QuickStartOptions,
    private readonly progress: Progress,
  ) {}

  private log = (line: string) => this.progress.log(line);

  private failed(part: string, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped) return;
    this.onPartFailed?.(`${part} stopped unexpectedly (${signal ?? `exit ${code}`})`);
  }

  async up(): Promise<RunningQuickStart> {
    const startedAt = Date.now();
    const { options } = this;
    const external = options.databaseUrl ? parseDatabaseUrl(options.databaseUrl) : undefined;
    let dataDir = path.resolve(options.dataDir);
    let runAs: RunAs | undefined;
    if (!external && process.getuid?.() === 0) {
      runAs = ensureRunAsUser(this.log);
      const blocked = blockedDirectory(path.join(dataDir, 'postgres'), runAs);
      if (blocked && options.dataDirGiven) {
        throw new CliError(`user ${runAs.name} (PostgreSQL refuses to run as root) cannot reach ${dataDir}: ${blocked} is private`, {
          hint: `use a --data-dir outside it (e.g. /var/lib/pgautomator/data), or run as a normal user`,
        });
      }
      if (blocked) {
        const fallback = '/var/lib/pgautomator/data';
        this.log(`note: ${blocked} is private, so user ${runAs.name} could not reach ${dataDir}; using ${fallback} instead`);
        dataDir = fallback;
      }
    }
    const stateDir = external ? externalStateDir(dataDir, external) : dataDir;
    const files = new QuickStartFiles(stateDir);
    files.ensureDir(runAs ? 0o711 : 0o700);
    const previous = files.runInfo();
    if (previous && previous.pid !== process.pid && isAlive(previous.pid)) {
      throw new CliError(`pgAutomator is already running from ${stateDir} (pid ${previous.pid}${previous.uiUrl ? `, UI at ${previous.uiUrl}` : ''})`, {
        hint: 'stop it first (Ctrl-C in its terminal), or use another --data-dir',
      });
    }
    this.files = files;
    files.saveRunInfo({ pid: process.pid, startedAt: new Date(startedAt).toISOString() });
    const state = files.state();
    const { credentials } = files.credentials(!external);

    // 1. The database.
    let superTarget: DatabaseTarget;
    let embedded: RunningQuickStart['embedded'];
    let dbPort: number;
    if (external) {
      superTarget = external;
      dbPort = external.port;
    } else {
      const found = await embeddedBinaries();
      const bins = runAs ? reachableBinaries(found, runAs, this.log) : found;
      const cluster = new EmbeddedCluster({ pgdata: files.pgdata, port: 0, superuserPassword: credentials.superuser!.password, logFile: files.postgresLog, bins, runAs });
      await cluster.stopLeftover(this.log);
      if (options.port !== undefined) {
        if (!(await isPortFree(options.port))) {
          throw new CliError(`port ${options.port} is in use`, { hint: 'choose another with --port, or leave it out to take a free one' });
        }
        dbPort = options.port;
      } else {
        dbPort = await freePortFrom(state.port ?? DEFAULT_DB_PORT);
      }
      cluster.options.port = dbPort;
      if (!cluster.initialised) {
        await this.progress.step(`Creating the PostgreSQL ${bins.version} cluster in ${files.pgdata} (first run)`, () => cluster.initialise());
      } else {
        await cluster.initialise();
      }
      this.cluster = cluster;
      cluster.onUnexpectedExit = (code, signal) => this.failed('PostgreSQL', code, signal);
      await this.progress.step(`Starting PostgreSQL ${bins.version} on 127.0.0.1:${dbPort}`, () => cluster.start());
      superTarget = parseDatabaseUrl(cluster.url);
      embedded = { version: bins.version, pgdata: files.pgdata };
    }

    // 2. The extension, the login roles and the demo, as the superuser (or the URL's user).
    const admin = await connect(superTarget, 'pgautomator-quick-start');
    let demoCreated: string[] | undefined;
    try {
      await this.ensureExtension(admin, superTarget, Boolean(external));
      await this.progress.step('Setting up the login roles of the UI, the agent and the gateway', async () => {
        for (const key of ['admin', 'agent', 'gateway', 'demo'] as const) await ensureLoginRole(admin, credentials[key]);
        await grantRoles(admin, [
          { role: credentials.admin.user, access: 'admin' },
          { role: credentials.agent.user, access: 'agent' },
          // The gateway's own role LISTENs and asks for the progress events (watch_events).
          { role: credentials.gateway.user, access: 'viewer' },
        ]);
      });
      const api = openApi(admin);
      const demoDsn = urlAs(superTarget.url, { user: credentials.demo.user, password: '' }); // the agent adds the password
      if (options.demo && !state.demoCreatedAt) {
        demoCreated = await this.progress.step('Creating the demo jobs', () => createDemoJobs(api, { dsn: demoDsn }), (jobs) => jobs.join(', '));
        state.demoCreatedAt = new Date().toISOString();
      } else if (state.demoCreatedAt && !external && state.port !== undefined && state.port !== dbPort) {
        // The embedded database moved to another port: keep the demo connection pointing at it.
        await api.updateConnection({ name: demo.connection, dsn: demoDsn }).catch((error: unknown) => {
          if (!(error instanceof NotFoundError)) throw error; // deleted by its user: fine
        });
      }
      if (!external) state.port = dbPort;
      files.saveState(state);

      // 3. The agent, then the UI.
      // Our own database shares our clock; another one may not, so there any online row will do.
      await this.startAgent(api, credentials, superTarget, external ? 0 : startedAt - 5000);
      const uiUrl = await this.startUi(credentials, superTarget, state);
      files.saveState(state);
      if (demoCreated) {
        // Its first run shows at once, unless its schedule was quicker (then a run is on already).
        await api.startJob({ job: demo.helloJob }).catch((error: unknown) => {
          if (!(error instanceof InvalidStateError)) throw error;
        });
      }
      files.saveRunInfo({
        pid: process.pid,
        startedAt: new Date(startedAt).toISOString(),
        postgresPid: this.cluster?.pid,
        agentPid: this.agent?.pid,
        uiPid: this.ui?.pid,
        uiUrl,
      });
      return { uiUrl, admin: credentials.admin, database: superTarget, embedded, demoCreated, stateDir, credentialsFile: files.credentialsFile };
    } finally {
      await admin.end().catch(() => undefined);
    }
  }

  private async ensureExtension(client: pg.Client, target: DatabaseTarget, external: boolean): Promise<void> {
    const version = await packageVersion();
    const installed = await installedState(client);
    if (!installed) {
      await this.progress.step(`Installing pgautomator ${version}`, () => installExtension(client, { method: external ? 'auto' : 'plain', version }), (r) =>
        r.method === 'extension' ? 'done (CREATE EXTENSION)' : 'done (plain SQL)',
      );
      return;
    }
    const order = compareVersions(installed.version, version);
    if (order === 0) return;
    if (order > 0) {
      throw new CliError(`the database has pgautomator ${installed.version}, newer than this checkout (${version})`, { hint: 'update this checkout (git pull, npm ci)' });
    }
    if (external || installed.route === 'extension') {
      throw new CliError(`the database has pgautomator ${installed.version}; this checkout is ${version}`, {
        hint: `upgrade it first: pgautomator upgrade --database-url ${target.display}`,
      });
    }
    // Our own embedded database: bring it along with the checkout.
    const chain = upgradePath(upgradeScripts(extensionBuildDir), installed.version, version);
    if (!chain) throw new CliError(`no upgrade path from pgautomator ${installed.version} to ${version}`, { hint: 'start afresh with another --data-dir' });
    await this.progress.step(`Upgrading pgautomator ${installed.version} -> ${version}`, () => runPlainUpgrade(client, chain));
  }

  private async startAgent(api: CliApi, credentials: Credentials, target: DatabaseTarget, notBefore: number): Promise<void> {
    const { agentName } = this.options;
    const agent = new SupervisedProcess(
      'agent',
      ['agent', '--name', agentName, '--spool-file', this.files!.agentSpool, '--drain-timeout', '10'],
      // Passwords travel in the environment, never on a command line that `ps` shows.
      { PGAUTOMATOR_DATABASE_URL: urlAs(target.url, credentials.agent), [demo.secretEnv]: credentials.demo.password },
      this.log,
    );
    this.agent = agent;
    agent.onUnexpectedExit = (code, signal) => this.failed('the agent', code, signal);
    await this.progress.step(`Starting agent ${agentName}`, async () => {
      agent.start();
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (agent.exitInfo) {
          throw new CliError(`the agent stopped while starting (${agent.exitInfo.signal ?? `exit ${agent.exitInfo.code}`})`, {
            hint: agent.tail(5) || 'it printed nothing',
          });
        }
        const agents = await api.listAgents();
        const me = agents.find((a) => a.name === agentName);
        if (me?.online && me.started_at && me.started_at.getTime() >= notBefore) return;
        if (Date.now() > deadline) throw new CliError('the agent did not register within 90 s', { hint: agent.tail(5) || 'it printed nothing' });
        await sleep(250);
      }
    });
  }

  private async startUi(credentials: Credentials, target: DatabaseTarget, state: { uiPort?: number }): Promise<string> {
    const { options } = this;
    let port: number;
    if (options.uiPort !== undefined) {
      if (!(await isPortFree(options.uiPort, options.uiHost))) {
        throw new CliError(`port ${options.uiPort} is in use`, { hint: 'choose another with --ui-port, or leave it out to take a free one' });
      }
      port = options.uiPort;
    } else {
      port = await freePortFrom(state.uiPort ?? DEFAULT_UI_PORT, options.uiHost);
    }
    state.uiPort = port;
    const ui = new SupervisedProcess('ui', ['ui', '--port', String(port), '--host', options.uiHost], { PGAUTOMATOR_DATABASE_URL: urlAs(target.url, credentials.gateway) }, this.log);
    this.ui = ui;
    ui.onUnexpectedExit = (code, signal) => this.failed('the UI gateway', code, signal);
    const localHost = options.uiHost === '0.0.0.0' || options.uiHost === '::' ? '127.0.0.1' : options.uiHost;
    const url = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}/`;
    const bundleMissing = !existsSync(new URL('../web-components/dist/pgautomator-components.js', import.meta.url));
    await this.progress.step(`Starting the UI on ${url}${bundleMissing ? ' (first run: building the web components)' : ''}`, async () => {
      ui.start();
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (ui.exitInfo) {
          throw new CliError(`the UI gateway stopped while starting (${ui.exitInfo.signal ?? `exit ${ui.exitInfo.code}`})`, { hint: ui.tail(5) || 'it printed nothing' });
        }
        const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 200) return;
        if (Date.now() > deadline) throw new CliError(`the UI did not answer on ${url} within 180 s (last status ${status})`, { hint: ui.tail(5) });
        await sleep(250);
      }
    });
    return url;
  }

  /** Stops what runs, in reverse order: agent (lets runs finish briefly), UI, database. */
  async down(): Promise<void> {
    this.stopped = true;
    if (this.agent?.running) await this.progress.step('Stopping the agent', () => this.agent!.stop(20_000));
    if (this.ui?.running) await this.progress.step('Stopping the UI', () => this.ui!.stop(10_000));
    if (this.cluster?.pid) await this.progress.step('Stopping PostgreSQL', () => this.cluster!.stop());
    this.files?.clearRunInfo();
  }

  /** A second Ctrl-C: kill everything now. */
  kill(): void {
    this.stopped = true;
    this.agent?.kill();
    this.ui?.kill();
    this.cluster?.kill();
    this.files?.clearRunInfo();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The fault drill: a throwaway PostgreSQL cluster (bench/compare/cluster.ts), the extension
 * installed by the plain route, real agents (role granted `agent`, each with its own state
 * directory and its own black-holing proxy), a workload of ledger-writing jobs, faults on a
 * timeline, settling, then the ledger counted against the database (counting.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureRunAsUser } from '../../cli/embedded-cluster.ts';
import { checkoutInstallScript, installExtension } from '../../cli/extension-installer.ts';
import { BenchCluster, PG_BIN } from '../compare/cluster.ts';
import { DrillAgent } from './agents.ts';
import { count, readSnapshot, targetRows, type Counts } from './counting.ts';
import { runTimeline, waitUntil, type FaultPlan, type FaultRecord } from './faults.ts';
import { LedgerWatcher } from './ledger.ts';
import { startBlackholeProxy, type BlackholeProxy } from './proxy.ts';
import { createWorkload, seeded, startManualStarts, stopSchedules, type WorkloadSizes } from './workload.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DrillOptions {
  form: 'short' | 'full';
  agents: number;
  heartbeatS: number;
  maxConcurrent: number;
  workload: WorkloadSizes;
  plan: FaultPlan[];
  warmupS: number;
  gapS: number;
  /** Shortest time under load (the faults may take longer). */
  durationS: number;
  /** Longest wait for queued and running runs to drain after the schedules stop. */
  settleS: number;
  seed: number;
  /** The agent command before its options; default: node --import tsx <checkout>/agent/src/cli.ts. */
  agentCommand?: string[];
  /** Whose extension-build and agent to drill (default: this checkout). */
  checkout: string;
  log(line: string): void;
}

/** The two forms; the fault durations are counted in heartbeat intervals (lease = 3 of them). */
export function presetOptions(form: 'short' | 'full', heartbeatS = form === 'short' ? 1 : 2): Omit<DrillOptions, 'log' | 'checkout' | 'seed'> {
  const h = heartbeatS * 1000;
  const pastLease = 5 * h; // lease (3 heartbeats) plus 2
  // The SIGSTOP's pause is set when the drill starts, from the drilled install's dead_after (runDrill).
  const pauseSetAtStart = 0;
  if (form === 'short') {
    return {
      form,
      agents: 2,
      heartbeatS,
      maxConcurrent: 6,
      workload: { jobs: 8, everyMinS: 3, everySpreadS: 3, manualEveryMs: 1500, sleepMinS: 0.4, sleepSpreadS: 0.8, longShare: 0.15, longMinS: 6 * heartbeatS, failFirst: 0.25 },
      plan: [
        { kind: 'sigkill', ms: pastLease },
        { kind: 'sigstop', ms: pauseSetAtStart },
        { kind: 'restart-fast', ms: 0 },
        { kind: 'restart-immediate', ms: 0 },
        { kind: 'outage', ms: pastLease },
        { kind: 'blackhole', ms: pastLease },
      ],
      warmupS: 6,
      gapS: Math.max(6, 4 * heartbeatS),
      durationS: 0,
      settleS: 40,
    };
  }
  return {
    form,
    agents: 2,
    heartbeatS,
    maxConcurrent: 10,
    // About half the agents' capacity on a quiet 2-core machine, so that a backlog after a fault drains.
    workload: { jobs: 16, everyMinS: 4, everySpreadS: 6, manualEveryMs: 2000, sleepMinS: 0.5, sleepSpreadS: 1.5, longShare: 0.1, longMinS: 6 * heartbeatS, failFirst: 0.25 },
    plan: [
      { kind: 'sigkill', ms: 1000 },
      { kind: 'sigkill', ms: pastLease },
      { kind: 'sigkill', ms: 1000 },
      { kind: 'sigkill', ms: pastLease },
      { kind: 'sigstop', ms: pauseSetAtStart },
      { kind: 'restart-fast', ms: 0 },
      { kind: 'restart-immediate', ms: 0 },
      { kind: 'outage', ms: pastLease },
      { kind: 'blackhole', ms: pastLease },
      { kind: 'sigkill', ms: 1000 },
      { kind: 'sigkill', ms: pastLease },
      { kind: 'outage-sigkill', ms: pastLease },
    ],
    warmupS: 10,
    gapS: Math.max(10, 5 * heartbeatS),
    durationS: 180,
    settleS: 90,
  };
}

export interface DrillResult {
  options: DrillOptions;
  counts: Counts;
  faults: FaultRecord[];
  manual: { started: number; refused: number; failed: number };
  /** Agents that did not stop within 10 s of SIGTERM (SIGKILLed). */
  unstoppable: string[];
  /** Step processes still alive at the end, killed by the drill. */
  leftovers: number;
  machine: Record<string, string>;
  startedAt: Date;
  seconds: number;
  /** The agents' dead_after in seconds, as the database computes it from their heartbeat (_dead_after). */
  deadAfterS: number;
  /** Where the ledger and agent logs were kept (only when a count is not zero). */
  keptIn?: string;
  failed: boolean;
}

/** Why the drill cannot run here (no PostgreSQL binaries, or no user to run them as root), or undefined. */
export function cannotRun(): string | undefined {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(PG_BIN, bin))) return `no ${path.join(PG_BIN, bin)} (apt-get install postgresql-15)`;
  }
  if (process.getuid?.() === 0) {
    try {
      ensureRunAsUser(() => undefined);
    } catch (error) {
      return `running as root and no user to run PostgreSQL as: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** PostgreSQL settings of the drill's cluster: private address and socket, UTC, quiet logs. */
const drillSettings = (socketDir: string) => ({
  listen_addresses: '127.0.0.1',
  unix_socket_directories: socketDir,
  max_connections: '100',
  timezone: 'UTC',
  log_timezone: 'UTC',
  log_min_messages: 'warning',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function install(pool: pg.Pool, checkout: string): Promise<void> {
  const client = await pool.connect();
  try {
    if (checkout === root) await installExtension(client, { method: 'plain' });
    else {
      // Another checkout's build, by the same plain route.
      const script = await checkoutInstallScript(checkout);
      await client.query('CREATE SCHEMA IF NOT EXISTS pgautomator');
      await client.query(script);
    }
    await client.query('CREATE ROLE drill_agent LOGIN');
    await client.query("SELECT pgautomator.grant_role('drill_agent', 'agent')");
  } finally {
    client.release();
  }
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { log } = options;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const random = seeded(options.seed);
  const work = mkdtempSync(path.join(os.tmpdir(), 'pgat-drill-'));
  const ledgerFile = path.join(work, 'ledger');
  const cluster = new BenchCluster(log, { prefix: 'pgat-drill-cluster-', database: 'drill', settings: drillSettings });
  const agents: DrillAgent[] = [];
  const proxies: BlackholeProxy[] = [];
  let pool: pg.Pool | undefined;
  const watcher = new LedgerWatcher(ledgerFile);
  let keep = false;
  const stopEverything = async () => {
    await Promise.all(agents.map((a) => a.stop(10_000)));
    watcher.stop();
    watcher.killLeftovers();
    await pool?.end().catch(() => undefined);
    for (const proxy of proxies) await proxy.close();
    cluster.stop();
    if (!keep) rmSync(work, { recursive: true, force: true });
  };
  onInterrupt = stopEverything;
  try {
    await cluster.start();
    pool = new pg.Pool({ connectionString: cluster.url(), max: 4 });
    pool.on('error', () => undefined); // connections ended by the cluster's restarts
    await install(pool, options.checkout);
    const version = (await pool.query('SELECT version() AS v')).rows[0].v as string;
    const deadAfterS = Number(
      (await pool.query('SELECT extract(epoch FROM pgautomator._dead_after(make_interval(secs => $1)))::float8 AS s', [options.heartbeatS])).rows[0].s,
    );
    log(`cluster on port ${cluster.port} (${cluster.root}); ledger and agent logs in ${work}`);

    const command = options.agentCommand ?? [process.execPath, '--import', 'tsx', path.join(options.checkout, 'agent/src/cli.ts')];
    for (let i = 1; i <= options.agents; i++) {
      const proxy = await startBlackholeProxy({ host: '127.0.0.1', port: cluster.port });
      proxies.push(proxy);
      const agent = new DrillAgent({
        name: `drill-agent-${i}`,
        command,
        cwd: options.checkout,
        databaseUrl: `postgres://drill_agent@127.0.0.1:${proxy.port}/drill`,
        stateDir: path.join(work, `agent-${i}`),
        heartbeatS: options.heartbeatS,
        maxConcurrent: options.maxConcurrent,
        // Agents do not come back from an outage together: the first reconnects within 1 s, the
        // others back off up to 4 heartbeats (a fleet's agents are not in step).
        reconnectMaxS: i === 1 ? 1 : 4 * options.heartbeatS,
      });
      agent.start();
      agents.push(agent);
    }
    const online = await waitUntil(async () => {
      const { rows } = await pool!.query("SELECT count(*)::int AS n FROM pgautomator.list_agents() WHERE state = 'online'");
      return rows[0].n === agents.length;
    }, 60_000);
    if (!online) throw new Error(`the agents did not register within 60 s; see their logs in ${work}`);

    const jobs = await createWorkload(pool, ledgerFile, options.workload, random);
    watcher.start();
    const manual = startManualStarts(pool, jobs, options.workload.manualEveryMs, random);
    const loadFrom = Date.now();
    log(`${jobs.length} jobs on schedules every ${options.workload.everyMinS}-${options.workload.everyMinS + options.workload.everySpreadS} s, ${agents.length} agents, heartbeat ${options.heartbeatS} s; faults:`);
    await sleep(options.warmupS * 1000);
    const longSteps = new Set(jobs.flatMap((j) => j.longSteps.map((position) => `${j.name}:${position}`)));
    // The SIGSTOP pauses past the lease (3 heartbeats) and short of dead_after as this install
    // computes it: halfway between. The fault stops the agent right after a recorded contact
    // (faults.ts), so the pause is its whole silence.
    const pause = ((3 * options.heartbeatS + deadAfterS) / 2) * 1000;
    const plan = options.plan.map((p) => (p.kind === 'sigstop' ? { ...p, ms: pause } : p));
    const faults = await runTimeline({ cluster, pool, agents, proxies, longSteps, log }, plan, options.gapS * 1000, loadFrom);
    await sleep(Math.max(options.gapS * 1000, loadFrom + options.durationS * 1000 - Date.now()));

    log(`settling: schedules and manual starts stopped at +${((Date.now() - loadFrom) / 1000).toFixed(1)} s`);
    await manual.stop();
    await waitUntil(async () => (await stopSchedules(pool!, jobs), true), 30_000);
    const drained = await waitUntil(async () => {
      const { rows } = await pool!.query("SELECT count(*)::int AS n FROM pgautomator.list_running() WHERE job LIKE 'drill-%'");
      return rows[0].n === 0;
    }, options.settleS * 1000);
    // Steps nobody waits for any more (orphans) get the length of one step's work to end.
    await waitUntil(async () => watcher.open().length === 0, (options.workload.longMinS + options.workload.sleepSpreadS + 2) * 1000, 200);
    log(drained ? `settled at +${((Date.now() - loadFrom) / 1000).toFixed(1)} s` : `not settled after ${options.settleS} s: counting anyway`);
    const snapshot = await readSnapshot(pool);

    const unstoppable = (await Promise.all(agents.map(async (a) => ((await a.stop(10_000)) === 'killed' ? a.name : '')))).filter(Boolean);
    watcher.poll();
    const leftovers = watcher.killLeftovers().length;
    watcher.stop();
    const counts = count(watcher.executions, snapshot, jobs, agents, faults);
    const failed = targetRows(counts).some(([, , n]) => n > 0);
    keep = failed;
    const machine = {
      date: startedAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
      host: os.hostname(),
      nproc: String(os.cpus().length),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      postgres: version,
      'load average at start': loadAtStart,
    };
    return {
      options,
      counts,
      faults,
      manual: { started: manual.started, refused: manual.refused, failed: manual.failed },
      unstoppable,
      leftovers,
      machine,
      startedAt,
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      deadAfterS,
      keptIn: failed ? work : undefined,
      failed,
    };
  } catch (error) {
    keep = true;
    log(`drill failed; ledger and agent logs kept in ${work}`);
    throw error;
  } finally {
    await stopEverything();
    onInterrupt = undefined;
  }
}

/** What Ctrl-C must undo while a drill runs (cli.ts calls it). */
export let onInterrupt: (() => Promise<void>) | undefined;

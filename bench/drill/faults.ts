/**
 * The faults, one after another with a gap between them, each logged with its time:
 *  - SIGKILL of an agent while it runs a step, restarted after a delay (as systemd would: a short
 *    one, or one longer than the lease so that the other agents must rescue its runs);
 *  - SIGSTOP of an agent for longer than its lease, then SIGCONT;
 *  - `pg_ctl stop -m fast` + start, and `-m immediate` + start (crash recovery);
 *  - an outage: the cluster stopped for longer than the lease, then started;
 *  - one agent's path black-holed (its proxy stops forwarding, closes nothing) past the lease;
 *  - (full form) both at once: the cluster stopped while an agent runs steps, so their results go
 *    to its spool, the agent SIGKILLed and restarted, the cluster started (issue 12, item 3).
 * The lease is 3 heartbeat intervals (docs/agent-protocol.md, Liveness).
 */
import type pg from 'pg';
import type { BenchCluster } from '../compare/cluster.ts';
import type { DrillAgent } from './agents.ts';
import type { BlackholeProxy } from './proxy.ts';

export type FaultKind = 'sigkill' | 'sigstop' | 'restart-fast' | 'restart-immediate' | 'outage' | 'blackhole' | 'outage-sigkill';

export interface FaultPlan {
  kind: FaultKind;
  /** How long the fault lasts: restart delay, pause, outage, black hole (ms). */
  ms: number;
}

export interface FaultRecord extends FaultPlan {
  agent?: string;
  /** Wall-clock ms when it began and ended. */
  at: number;
  until: number;
  /** SIGKILL: the runs the agent was running at the kill (outage-sigkill: when the outage began). */
  victims?: number[];
  /** Wall-clock ms of the SIGKILL. */
  killedAt?: number;
  /**
   * Wall-clock ms when the drill saw the killed agent's exit: a SIGKILLed process still has to be
   * scheduled to die (tens to hundreds of ms on a loaded host), and its steps' parent-death signal
   * and guardian act only then. An upper bound (the drill's own loop notices late under load).
   */
  goneAt?: number;
  note?: string;
}

export interface FaultWorld {
  cluster: BenchCluster;
  pool: pg.Pool;
  agents: DrillAgent[];
  proxies: BlackholeProxy[];
  /** "job:position" of the steps whose work outlasts the lease. */
  longSteps: Set<string>;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The runs an agent is running now, [] when the database is away. */
async function runningOn(pool: pg.Pool, agent: string): Promise<number[]> {
  try {
    const { rows } = await pool.query("SELECT id FROM pgautomator.list_running() WHERE state = 'running' AND agent = $1", [agent]);
    return rows.map((r) => Number(r.id));
  } catch {
    return [];
  }
}

/** Whether check() came true (errors count as not yet: the database may be coming back) within timeoutMs. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // the database may be coming back
    }
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Waits (at most waitMs) until the database records a new contact of the agent (last_heartbeat_at moves). */
async function afterContact(pool: pg.Pool, agent: string, waitMs: number): Promise<void> {
  const contact = async () =>
    (await pool.query('SELECT last_heartbeat_at::text AS at FROM pgautomator.agent WHERE name = $1', [agent])).rows[0]?.at as string | undefined;
  const first = await contact().catch(() => undefined);
  await waitUntil(async () => (await contact()) !== first, waitMs, 20);
}

/** Whether the agent runs a step now: when `long`, one that outlasts the lease and began within the last second. */
async function inStep(world: FaultWorld, agent: string, long: boolean): Promise<boolean> {
  try {
    const { rows } = await world.pool.query(
      `SELECT job, step_position, step_started_at > clock_timestamp() - interval '1 second' AS fresh
         FROM pgautomator.list_running() WHERE state = 'running' AND agent = $1 AND step_run_id IS NOT NULL`,
      [agent],
    );
    return rows.some((r) => !long || (r.fresh && world.longSteps.has(`${r.job}:${r.step_position}`)));
  } catch {
    return false;
  }
}

async function sigkill(world: FaultWorld, agent: DrillAgent, restartMs: number, record: FaultRecord): Promise<void> {
  // Mid-step, preferably a step that outlasts the lease (so the retry could meet it), within 20 s.
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(await inStep(world, agent.name, Date.now() < deadline - 10_000))) await sleep(100);
  record.victims = await runningOn(world.pool, agent.name);
  record.at = Date.now();
  record.killedAt = record.at;
  agent.signal('SIGKILL');
  await agent.exited();
  record.goneAt = Date.now();
  await sleep(restartMs);
  agent.start();
}

export async function runFault(world: FaultWorld, plan: FaultPlan, agent: DrillAgent, proxy: BlackholeProxy): Promise<FaultRecord> {
  const record: FaultRecord = { ...plan, at: Date.now(), until: 0 };
  switch (plan.kind) {
    case 'sigkill':
      record.agent = agent.name;
      await sigkill(world, agent, plan.ms, record);
      break;
    case 'sigstop':
      record.agent = agent.name;
      // Right after a contact of the agent is recorded, so that the pause is the agent's whole
      // silence: past its lease (it must fence its steps when it wakes) and short of its dead_after
      // (the database must not rescue it meanwhile). Stopped at any moment, the silence was the
      // pause plus up to a heartbeat before it, and the full form's pause, 5 heartbeats, then ran
      // past dead_after (6 s + 5 s at a 2 s heartbeat) about every other time: its runs were
      // rescued while it slept, their ends refused when it woke and their work run again by the
      // retries, as the design says of an agent silent past dead_after (2026-12-06, session 12).
      await afterContact(world.pool, agent.name, 3 * agent.spec.heartbeatS * 1000);
      record.victims = await runningOn(world.pool, agent.name);
      record.at = Date.now();
      agent.signal('SIGSTOP');
      await sleep(plan.ms);
      agent.signal('SIGCONT');
      break;
    case 'restart-fast':
    case 'restart-immediate':
      await world.cluster.stopServer(plan.kind === 'restart-fast' ? 'fast' : 'immediate');
      await world.cluster.startServer();
      break;
    case 'outage':
      await world.cluster.stopServer('fast');
      await sleep(plan.ms);
      await world.cluster.startServer();
      break;
    case 'outage-sigkill': {
      record.agent = agent.name;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await inStep(world, agent.name, false))) await sleep(100);
      record.victims = await runningOn(world.pool, agent.name);
      record.at = Date.now();
      await world.cluster.stopServer('fast');
      await sleep(plan.ms / 2); // steps end meanwhile: their results are spooled
      record.killedAt = Date.now();
      agent.signal('SIGKILL');
      await agent.exited();
      record.goneAt = Date.now();
      // Restarted at once, as systemd would: it registers with its spool's runs as soon as the
      // database is back (the first agent, which reconnects fastest, is the one chosen).
      await sleep(1000);
      agent.start();
      await sleep(Math.max(0, plan.ms / 2 - 1000));
      await world.cluster.startServer();
      break;
    }
    case 'blackhole':
      record.agent = agent.name;
      proxy.blackhole();
      await sleep(plan.ms);
      proxy.forward();
      break;
  }
  record.until = Date.now();
  return record;
}

/** Runs the plan: a gap, a fault, a gap, ...; agents take turns (the SIGKILLs alternate). */
export async function runTimeline(world: FaultWorld, plan: FaultPlan[], gapMs: number, started: number): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  let turn = 0;
  for (const fault of plan) {
    await sleep(gapMs);
    const i = fault.kind === 'outage-sigkill' ? 0 : turn++ % world.agents.length;
    const record = await runFault(world, fault, world.agents[i], world.proxies[i]);
    const who = record.agent ? ` ${record.agent}` : '';
    const victims = record.victims ? `, running ${record.victims.length} run(s)` : '';
    world.log(`  +${((record.at - started) / 1000).toFixed(1)} s ${fault.kind}${who} for ${(fault.ms / 1000).toFixed(1)} s${victims}`);
    records.push(record);
  }
  return records;
}

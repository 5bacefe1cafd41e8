/**
 * The agent's loop: register, then sleep until the earliest of the next heartbeat, the next fire
 * this agent could run (`next_due_in`), a NOTIFY (run queued, schedule changed) or freed capacity
 * while more work waits; then heartbeat and/or claim up to free capacity. No polling beyond one
 * heartbeat per interval.
 *
 * Losing the database: reconnect with capped backoff, register again with resume_runs = the runs
 * still held (executing, or with results in the spool), stop the runs the database no longer
 * has, replay the spool, and only then count as online (steps wait for that to begin).
 *
 * Each successful registration and heartbeat renews the agent's lease (lease.ts), counted from when
 * the call was sent; an answer that comes after the lease ran out counts as no contact. No claim
 * goes out without a valid lease.
 */
import { Backoff } from './backoff.ts';
import type { AgentConfig } from './config.ts';
import type { Connectivity } from './connectivity.ts';
import { isUnreachable, type AgentApi } from './db/api.ts';
import { poolerHint } from './db/pooler-hint.ts';
import { HeartbeatPlan } from './heartbeat.ts';
import { Lease } from './lease.ts';
import type { Logger } from './logger.ts';
import type { ClaimedRun, Heartbeat, Registration } from './protocol.ts';
import type { DurableReporter } from './reporter.ts';
import type { ResumePoint } from './run-flow.ts';
import type { Spool } from './spool.ts';

/**
 * What made a claim go out: a NOTIFY (run queued), freed capacity with a backlog, a (re)registration,
 * a fire due by the plan, or queued runs the last heartbeat reported.
 */
export type ClaimReason = 'notify' | 'capacity' | 'registered' | 'due' | 'queued';

/** With a backlog, how long freed capacity waits for more runs to end before it is claimed. */
const claimBatchMs = 5;

export interface HeldRuns {
  ids(): number[];
  count(): number;
  /** Executes a run: claimed, or resumed after a restart from a spooled step end. */
  start(run: ClaimedRun, resume?: ResumePoint): void;
  kill(runId: number, reason: string): void;
}

export interface ClaimLoopDeps {
  api: AgentApi;
  config: AgentConfig;
  logger: Logger;
  connectivity: Connectivity;
  spool: Spool;
  reporter: DurableReporter;
  identity: { host: string; os: string; version: string };
  runs: HeldRuns;
  /** The agent's lease (lease.ts): renewed by each successful registration and heartbeat. */
  lease?: LeaseRenewal;
  onRegistered(registration: Registration): void;
  onHeartbeat(heartbeat: Heartbeat): void;
}

export interface LeaseRenewal {
  /** A renewing call sent at `sentAt` (Lease.now()) succeeded; false: its answer came after the lease ran out. */
  renewed(sentAt: number, answer: { lease: number | null }): boolean;
  /** False once the lease has run out (the agent then fences itself and goes offline). */
  valid(): boolean;
}

/** A renewal that came back after the lease ran out counts as no contact. */
const lateAnswer = () => Object.assign(new Error('the database answered after the lease ran out'), { code: 'ETIMEDOUT' });

export class ClaimLoop {
  private readonly plan: HeartbeatPlan;
  private readonly backoff: Backoff;
  private stopped = false;
  private claiming = true;
  /** When to claim next without waiting for the plan (a NOTIFY, freed capacity); null: no such wish. */
  private claimAt: number | null = null;
  /** Why claimAt was set (logged with the claim: tests and operators see what woke it). */
  private claimReason: ClaimReason = 'registered';
  /** The last claim filled the capacity: more may wait, claim again when runs end. */
  private moreMayWait = false;
  private wake: (() => void) | undefined;
  private endBackoff: (() => void) | undefined;
  private reschedule: ((at: number) => void) | undefined;
  private pauseUntil = Infinity;
  private woken = false;
  private done: Promise<void> | undefined;
  /** Runs claimed with an answer that came after the lease ran out: started after the next registration. */
  private readonly unstarted = new Map<number, ClaimedRun>();

  constructor(private readonly deps: ClaimLoopDeps) {
    this.plan = new HeartbeatPlan(deps.config.heartbeatInterval * 1000);
    this.backoff = new Backoff(deps.config.reconnectMin, deps.config.reconnectMax);
  }

  start(): Promise<void> {
    this.done ??= this.loop();
    return this.done;
  }

  /** Ends the loop after its current call (heartbeats stop: call after the runs are done). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    this.endBackoff?.();
    await this.done;
  }

  /** Claim nothing more (drain); heartbeats go on. */
  stopClaiming(): void {
    this.claiming = false;
  }

  /** A NOTIFY says runs were queued. */
  runQueued(): void {
    this.claimSoon(0, 'notify');
  }

  /** Something changed that the next heartbeat would tell (schedule changed, LISTEN reconnected). */
  refresh(): void {
    this.plan.nextHeartbeatAt = 0;
    this.poke();
  }

  /**
   * A run ended here: its capacity is free again. With a backlog, claims are batched: at once when
   * a quarter of the capacity is free, else after a short moment (more runs end meanwhile).
   */
  runEnded(): void {
    if (!this.moreMayWait && this.claimAt === null) return;
    const { maxConcurrent } = this.deps.config;
    const free = maxConcurrent - this.deps.runs.count();
    this.claimSoon(free >= Math.max(1, Math.floor(maxConcurrent / 4)) ? 0 : claimBatchMs, 'capacity');
  }

  private claimSoon(delayMs: number, reason: ClaimReason): void {
    const at = Math.min(this.claimAt ?? Infinity, Date.now() + delayMs);
    if (at !== this.claimAt) this.claimReason = reason;
    this.claimAt = at;
    if (at <= Date.now()) this.poke();
    else this.wakeAt(at);
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    const { connectivity, logger } = this.deps;
    while (!this.stopped) {
      this.woken = false;
      if (!connectivity.online) {
        if (!(await this.connect())) {
          await this.backoffPause(this.backoff.next());
          continue;
        }
      }
      try {
        await this.tick();
        this.backoff.reset();
      } catch (error) {
        if (isUnreachable(error)) {
          logger.warn('database unreachable: reconnecting', { error, hint: poolerHint(error) });
          connectivity.markDown();
          continue;
        }
        const code = (error as { code?: string }).code;
        if (code === 'PA030' || code === 'PA010') {
          // Declared dead (offline) or deleted while away: register again, resuming what it holds.
          logger.warn('the database no longer has this agent online: registering again', { error });
          connectivity.markDown();
          continue;
        }
        const delay = this.backoff.next();
        logger.error('agent loop error', { error, retry_in_ms: delay });
        await this.backoffPause(delay);
        continue;
      }
      await this.pause();
    }
  }

  /** Register (again), replay the spool; true when online. */
  private async connect(): Promise<boolean> {
    const { api, config, logger, spool, runs, connectivity, reporter, identity } = this.deps;
    try {
      const held = runs.ids();
      const resume = [...new Set([...held, ...spool.runIds(), ...this.unstarted.keys()])];
      // Runs known only from the spool (this process did not execute them: the agent restarted)
      // continue after their last spooled step end, once the spool is written.
      const points = spool.resumePoints();
      const sentAt = Lease.now();
      const registration = await api.register({ ...identity, tags: config.tags, maxConcurrent: config.maxConcurrent, heartbeatInterval: config.heartbeatInterval, resumeRuns: resume });
      if (this.deps.lease && !this.deps.lease.renewed(sentAt, registration)) throw lateAnswer();
      logger.info('registered', { agent_id: registration.agentId, resumed: resume.length || undefined, abandoned: registration.abandoned || undefined, smtp: registration.smtp ? registration.smtp.host : undefined });
      for (const runId of registration.kill) {
        if (held.includes(runId)) runs.kill(runId, 'the database no longer has this run running on this agent');
      }
      this.deps.onRegistered(registration);
      while (spool.size > 0) {
        const before = spool.size;
        const written = await spool.replay((entry) => reporter.write(entry, true));
        logger.info('spool replayed', { written, dropped: before - spool.size - written, left: spool.size });
        if (spool.size > 0) throw Object.assign(new Error('database unreachable during spool replay'), { code: 'ECONNRESET' });
      }
      const unstarted = new Map(this.unstarted);
      this.unstarted.clear();
      for (const run of registration.resume) {
        const claimed = unstarted.get(run.runId);
        if (claimed && !runs.ids().includes(run.runId)) runs.start(claimed);
      }
      this.continueRuns(registration.resume.filter((run) => !unstarted.has(run.runId)), points, held);
      connectivity.markUp();
      this.backoff.reset();
      this.plan.nextHeartbeatAt = 0; // learn next_due_in and kill requests now
      this.claimAt = Date.now(); // queued work may wait
      this.claimReason = 'registered';
      return true;
    } catch (error) {
      if (isUnreachable(error)) logger.warn('cannot register with the database', { error, hint: poolerHint(error) });
      else logger.error('registration refused: retrying', { error, hint: (error as { hint?: string }).hint ?? poolerHint(error) });
      return false;
    }
  }

  /**
   * Runs of an earlier process of this agent that the database still has running here: each goes
   * on after the step end its spool held. One without a usable point (its old process died
   * mid-step, or an older agent wrote the spool) is not listed in the next heartbeat, so the
   * database records it abandoned (and retries it per the job's on_abandon) instead of keeping it
   * running for ever.
   */
  private continueRuns(payloads: ClaimedRun[], points: ReturnType<Spool['resumePoints']>, held: number[]): void {
    for (const run of payloads) {
      if (held.includes(run.runId) || this.deps.runs.ids().includes(run.runId)) continue;
      const point = points.get(run.runId);
      if (point === undefined || point === 'ended' || point.stepId === undefined || point.attempt === undefined) {
        this.deps.logger.warn('cannot continue a run of an earlier process of this agent: the database will record it abandoned', { run: run.runId, job: run.job });
        continue;
      }
      this.deps.runs.start(run, { stepId: point.stepId, attempt: point.attempt, result: { state: point.state, exitCode: point.exitCode, message: point.message } });
    }
  }

  private async tick(): Promise<void> {
    const { api, config, runs, spool } = this.deps;
    if (this.plan.heartbeatDue(Date.now())) {
      const sentAt = Lease.now();
      // Runs whose results wait in the spool are still this agent's: list them too.
      const heartbeat = await api.heartbeat([...new Set([...runs.ids(), ...spool.runIds()])]);
      if (this.deps.lease && !this.deps.lease.renewed(sentAt, heartbeat)) throw lateAnswer();
      this.plan.recordHeartbeat(heartbeat, Date.now());
      for (const runId of heartbeat.kill) runs.kill(runId, 'kill requested');
      this.deps.onHeartbeat(heartbeat);
    }
    if (this.stopped || !this.claiming) return;
    const now = Date.now();
    const free = config.maxConcurrent - runs.count();
    const dueNow = this.plan.dueNow(now);
    if (free <= 0) {
      // Full: still turn due fires into queued runs (max 0), so they are due on time and their
      // misfire policy does not apply just because this agent was busy.
      if (dueNow && !this.plan.draining) {
        await api.claim(0);
        this.plan.recordClaim(Date.now());
      }
      return;
    }
    const wanted = this.claimAt !== null && this.claimAt <= now;
    if (!this.canClaim() || !(wanted || dueNow || this.plan.queued > 0)) return;
    const reason: ClaimReason = wanted ? this.claimReason : dueNow ? 'due' : 'queued';
    this.claimAt = null;
    const claimed = await api.claim(Math.min(free, 1000));
    this.plan.recordClaim(Date.now());
    this.deps.logger.debug('claimed', { asked: Math.min(free, 1000), got: claimed.length, ms: Date.now() - now, reason });
    this.moreMayWait = claimed.length >= free;
    if (this.deps.lease && !this.deps.lease.valid()) {
      // The answer came after the lease ran out (the path went silent while the claim was on its
      // way): starting the runs now would have the guardian fence them at once. They are this
      // agent's in the database: held back, offered in resume_runs at the next registration, and
      // started then if the database still has them running here.
      for (const run of claimed) this.unstarted.set(run.runId, run);
      throw lateAnswer();
    }
    for (const run of claimed) runs.start(run);
  }

  /** A claim could go out right now (never without a lease: a fenced agent registers first). */
  private canClaim(): boolean {
    return this.deps.lease?.valid() !== false && this.deps.connectivity.online && this.claiming && !this.stopped && !this.plan.draining && this.deps.runs.count() < this.deps.config.maxConcurrent;
  }

  /** The next moment the loop must act. */
  private nextWake(): number {
    const planned = this.plan.wakeAt();
    return this.claimAt !== null && this.canClaim() ? Math.min(planned, this.claimAt) : planned;
  }

  /** Brings the current pause's end forward to `at`. */
  private wakeAt(at: number): void {
    if (this.pauseUntil > at) this.reschedule?.(at);
  }

  /** Sleeps until the next wake, or until poked or stopped. */
  private async pause(): Promise<void> {
    if (this.stopped || this.woken) return;
    const until = this.nextWake();
    if (until <= Date.now()) return;
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout;
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      this.reschedule = (at: number) => {
        clearTimeout(timer);
        this.pauseUntil = at;
        timer = setTimeout(finish, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
      };
      this.wake = finish;
      this.reschedule(until);
    });
    this.wake = undefined;
    this.reschedule = undefined;
    this.pauseUntil = Infinity;
  }

  /** Sleeps a backoff delay (nothing but stop() ends it early). */
  private async backoffPause(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.endBackoff = finish;
    });
    this.endBackoff = undefined;
  }
}

/**
 * An agent: wires the control pool, the LISTEN connection, the claim loop, the runs it executes,
 * the spool and the mail outbox, and shuts them down in order: stop claiming (agent_stop with
 * drain), let running steps finish up to the drain timeout, kill and record the rest, then
 * agent_stop.
 *
 * Fencing: the agent keeps a lease (lease.ts), renewed by each successful registration and
 * heartbeat. When it runs out, every running step is stopped and recorded killed, its run given up
 * (recorded abandoned, so the job's on_abandon decides whether it is retried; through the spool
 * while the database is away), and the agent claims nothing until it has registered again. A step
 * guardian process (guardian/) kills the steps' process groups when the agent itself dies or is
 * paused past its lease. Runs of on_abandon = wait jobs are exempt from lease fencing (by the agent
 * and by the guardian), never from the guardian's kill when the agent dies.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { Backoff } from './backoff.ts';
import { ClaimLoop, type HeldRuns } from './claim-loop.ts';
import type { AgentConfig } from './config.ts';
import { Connectivity } from './connectivity.ts';
import { createAgentApi, isUnreachable, type AgentApi } from './db/api.ts';
import { within, withDeadline } from './db/call-deadline.ts';
import { Listener } from './db/listen.ts';
import { callDeadlines, createPool, listenClientConfig, type CallDeadlines } from './db/pool.ts';
import { sleep, StepAbort, type StepContext, type StepExecutor } from './executors/executor.ts';
import { StepGuardian } from './guardian/step-guardian.ts';
import { Lease, leaseLostMessage, type LeaseExpiry } from './lease.ts';
import { runShellStep } from './executors/shell.ts';
import { closeSqliteWorkersIfLoaded, runSqlStep } from './executors/sql/registry.ts';
import { closePostgresSessions } from './executors/sql/postgres.ts';
import { createLogger, redactUrl, type Logger } from './logger.ts';
import { MailOutbox } from './mail-outbox.ts';
import { readScrapeToken } from '../../client/scrape-token.ts';
import { leaseSeconds, type ClaimedRun } from './protocol.ts';
import { DurableReporter } from './reporter.ts';
import { executeRun, type ResumePoint, type RunFlowOptions } from './run-flow.ts';
import { createSecretResolver } from './secrets.ts';
import { Spool } from './spool.ts';

export const agentVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

/** How long a fenced step gets between SIGTERM (or a query cancel) and the forced stop. */
const fenceGraceMs = 1_000;
/** After a second signal: how long the killed steps' records and each closing call may take. */
const hurriedMs = 3_000;

export class Agent {
  readonly logger: Logger;
  private readonly controlPool: pg.Pool;
  private readonly reportPool: pg.Pool;
  /** register, heartbeat, claim, stop: on the control connection. */
  private readonly api: AgentApi;
  /** Run reporting and mail: on the report pool. */
  private readonly reports: AgentApi;
  private readonly connectivity: Connectivity;
  private readonly spool: Spool;
  private readonly reporter: DurableReporter;
  private readonly listener: Listener;
  private readonly loop: ClaimLoop;
  private readonly mail: MailOutbox;
  private readonly flow: RunFlowOptions;
  private readonly active = new Map<number, ActiveRun>();
  private readonly deadlines: CallDeadlines;
  private readonly lease: Lease;
  private readonly guardian: StepGuardian;
  /**
   * Runs of on_abandon = wait jobs: not fenced when the lease runs out (the database waits for this
   * agent to come back), their groups given to the guardian as `keep` (killed only when the agent dies).
   */
  private readonly waitRuns = new Set<number>();
  /** Process group -> run, for groups the guardian may report fenced. */
  private readonly groupRuns = new Map<number, number>();
  private shutdown: Promise<void> | undefined;
  /** --metrics-port: the agent's own GET /metrics (metrics-server.ts). */
  private metrics: { close(): Promise<void> } | undefined;
  private runsStarted = 0;
  private hurry = new AbortController();
  private markStopped!: () => void;
  /** Resolves when the agent has stopped. */
  readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  constructor(readonly config: AgentConfig, logger?: Logger) {
    this.logger = (logger ?? createLogger({ format: config.logFormat, level: config.logLevel })).child({ agent: config.name });
    const database = { url: config.databaseUrl, listenUrl: config.listenUrl, applicationName: `pgautomator agent ${config.name}` };
    this.deadlines = callDeadlines(config.heartbeatInterval);
    this.controlPool = createPool(database, 'control', 1, this.logger, this.deadlines.controlMs);
    this.reportPool = createPool(database, 'reports', config.poolSize, this.logger, this.deadlines.reportMs);
    this.api = createAgentApi(withDeadline(this.controlPool, this.deadlines.controlMs), config.name);
    this.reports = createAgentApi(withDeadline(this.reportPool, this.deadlines.reportMs), config.name);
    this.lease = new Lease((expiry) => this.fence(expiry));
    this.guardian = new StepGuardian({
      pidFile: guardianPidFile(config.spoolFile),
      logger: this.logger,
      onFenced: (pgids) => this.guardianFenced(pgids),
    });
    this.connectivity = new Connectivity(() => this.logger.warn('database unreachable: results are spooled until it is back', { spool: config.spoolFile }));
    this.spool = new Spool(config.spoolFile);
    this.reporter = new DurableReporter(this.reports, this.spool, this.connectivity, this.logger, () => this.mail.poke());
    const secrets = createSecretResolver({ secretsFile: config.secretsFile });
    this.mail = new MailOutbox(this.reports, secrets, this.logger, config.smtpTlsInsecure);
    this.flow = {
      reporter: this.reporter,
      executors: { shell: this.guarded(runShellStep), sql: this.guarded(runSqlStep) },
      secrets,
      logger: this.logger,
      killGraceMs: config.killGrace * 1000,
      output: { keepBytes: config.outputKeep, flushMs: config.outputFlushMs, flushBytes: config.outputFlushBytes },
    };
    const runs: HeldRuns = {
      ids: () => [...this.active.keys()],
      count: () => this.active.size,
      start: (run, resume) => this.startRun(run, resume),
      kill: (runId, reason) => this.killRun(runId, reason),
    };
    this.loop = new ClaimLoop({
      api: this.api,
      config,
      logger: this.logger,
      connectivity: this.connectivity,
      spool: this.spool,
      reporter: this.reporter,
      identity: { host: os.hostname(), os: process.platform, version: agentVersion },
      runs,
      lease: {
        renewed: (sentAt, answer) => this.renewLease(sentAt, answer),
        valid: () => this.lease.check(),
      },
      onRegistered: (registration) => {
        this.mail.configure(registration.smtp);
        this.mail.poke();
      },
      // Mail waits: deliver it. Nothing waits: no claim_notifications call (idle cost: one call per interval).
      onHeartbeat: (heartbeat) => {
        this.mail.configure(heartbeat.smtp); // a no-op unless set_agent_smtp changed them
        if (heartbeat.mailDue > 0) this.mail.poke();
      },
    });
    this.listener = new Listener(
      listenClientConfig(database),
      this.logger,
      new Backoff(config.reconnectMin, config.reconnectMax),
      {
        event: (event) => {
          if (event.event === 'kill' && typeof event.run_id === 'number') this.killRun(event.run_id, 'kill requested', undefined, 'notify');
          else if (event.event === 'run_queued') this.loop.runQueued();
          else if (event.event === 'schedule_changed') this.loop.refresh();
        },
        connected: () => this.loop.refresh(),
      },
      { pingMs: config.heartbeatInterval * 1000, deadlineMs: this.deadlines.controlMs },
    );
  }

  /** Starts the agent; resolves once it is running (registration happens in the loop). */
  async start(): Promise<void> {
    const spooled = await this.spool.load();
    // An earlier agent's guardian may still be killing that agent's steps: let it finish first.
    await StepGuardian.waitForPrevious(guardianPidFile(this.config.spoolFile), this.logger);
    this.guardian.start();
    this.logger.info('agent starting', {
      version: agentVersion,
      database: redactUrl(this.config.databaseUrl),
      listen: this.config.listenUrl ? redactUrl(this.config.listenUrl) : undefined,
      tags: this.config.tags.join(',') || undefined,
      max_concurrent: this.config.maxConcurrent,
      heartbeat_s: this.config.heartbeatInterval,
      spooled: spooled.length || undefined,
    });
    this.listener.start();
    void this.loop.start();
    if (this.config.metricsPort !== null) {
      // Loaded only when asked: node:http costs an idle agent ~2.5 MiB resident (issue 14).
      const { startMetricsServer } = await import('./metrics-server.ts');
      const token = this.config.metricsTokenFile ? readScrapeToken(this.config.metricsTokenFile) : undefined;
      const metrics = await startMetricsServer(this.config.metricsPort, this.config.metricsHost, token, {
        name: this.config.name,
        version: agentVersion,
        maxConcurrent: this.config.maxConcurrent,
        runsExecuting: () => this.active.size,
        databaseReachable: () => this.connectivity.online,
        spooledResults: () => this.spool.size,
        runsStarted: () => this.runsStarted,
      });
      this.metrics = metrics;
      this.logger.info('metrics served', { url: `http://${this.config.metricsHost}:${metrics.port}/metrics` });
    }
  }

  /**
   * Stops: claims nothing more, lets running steps finish up to the drain timeout, kills and
   * records the rest, tells the database, closes everything. A second call hurries (kills now).
   */
  stop(reason = 'stop requested'): Promise<void> {
    if (this.shutdown) {
      this.logger.warn('stopping now: killing the running steps', { reason });
      this.hurry.abort();
      // At once, wherever the orderly stop is (it may be waiting for a call on a dead path).
      for (const runId of this.active.keys()) this.giveUpRun(runId, 'agent stopping at once (second signal)');
      return this.shutdown;
    }
    this.shutdown = this.stopInOrder(reason).finally(() => this.markStopped());
    return this.shutdown;
  }

  private async stopInOrder(reason: string): Promise<void> {
    const { logger, config } = this;
    logger.info('agent stopping', { reason, running: this.active.size, drain_timeout_s: config.drainTimeout });
    this.loop.stopClaiming();
    // Every call below has a deadline (a dead path must not hold the stop); after a second signal,
    // none is waited for more than a moment.
    if (this.connectivity.online) {
      await this.hurried(this.api.stop(true).catch((error) => logger.warn('agent_stop(drain) failed', { error })));
    }
    if (this.active.size > 0) {
      const drained = Promise.all([...this.active.values()].map((r) => r.done));
      const timeout = new AbortController();
      this.hurry.signal.addEventListener('abort', () => timeout.abort(), { once: true });
      if (this.hurry.signal.aborted) timeout.abort();
      const inTime = await Promise.race([drained.then(() => true), sleep(config.drainTimeout * 1000, timeout.signal).then(() => false)]);
      timeout.abort();
      if (!inTime) {
        const why = this.hurry.signal.aborted ? 'agent stopping at once (second signal)' : `agent stopping: drain timeout of ${config.drainTimeout} s exceeded`;
        for (const runId of this.active.keys()) this.giveUpRun(runId, why);
        if ((await this.hurried(drained.then(() => true))) !== true) await this.spoolUnrecorded();
      }
    }
    await this.hurried(this.loop.stop());
    // No heartbeats any more, and no steps: nothing for the lease to fence.
    this.lease.release();
    this.guardian.lease(null);
    if (this.connectivity.online) {
      await this.hurried(this.api.stop(false).catch((error) => logger.warn('agent_stop failed', { error })));
    }
    if (this.spool.size > 0) logger.warn('results still spooled: they are written when the agent next starts', { spooled: this.spool.size, spool: this.spool.file });
    await this.hurried(this.mail.close());
    await this.hurried(this.listener.stop());
    await this.hurried(Promise.all([closeSqliteWorkersIfLoaded(), closePostgresSessions()]));
    // A pool ending waits for goodbyes that a dead path never carries.
    await within(2_000, Promise.all([this.controlPool.end().catch(() => {}), this.reportPool.end().catch(() => {})]));
    await this.guardian.close();
    await this.metrics?.close();
    logger.info('agent stopped');
  }

  /**
   * Stopping now, and some killed runs' results are still on their way to a database that does not
   * answer: spool their ends (the spool is replayed when the agent next starts), so that they are
   * recorded with their reason now rather than found silent and rescued by the database later.
   */
  private async spoolUnrecorded(): Promise<void> {
    const runs = [...this.active.keys()];
    this.logger.warn('stopping now: results not written yet are spooled', { runs: runs.join(',') });
    this.connectivity.markDown(); // record() then goes straight to the spool
    for (const runId of runs) {
      await this.reporter.endRun(runId, 'abandoned', 'the agent was stopped at once (second signal) and could not reach the database').catch((error) => this.logger.error('cannot spool the run\'s end', { run: runId, error }));
    }
  }

  /** `work`, or less of it: after a second signal it is waited for at most hurriedMs. */
  private hurried<T>(work: Promise<T>): Promise<T | undefined> {
    const hurry = this.hurry.signal;
    const gaveUp = new Promise<undefined>((resolve) => {
      const giveUp = () => setTimeout(() => resolve(undefined), hurriedMs).unref();
      if (hurry.aborted) giveUp();
      else hurry.addEventListener('abort', giveUp, { once: true });
    });
    return Promise.race([work, gaveUp]);
  }

  /**
   * A renewing call (register_agent, agent_heartbeat) sent at `sentAt` succeeded: the lease runs
   * until then + lease. False when its answer came too late (the lease ran out meanwhile).
   */
  private renewLease(sentAt: number, answer: { lease: number | null }): boolean {
    const remaining = this.lease.renew(sentAt, leaseSeconds(answer, this.config.heartbeatInterval));
    if (remaining <= 0) return false;
    this.guardian.lease(remaining);
    return true;
  }

  /**
   * The lease ran out: stop every running step (recorded killed, the run abandoned), claim nothing until registered
   * again. Runs of on_abandon = wait jobs go on: the database keeps them running for this agent.
   */
  private fence(expiry: LeaseExpiry): void {
    const message = leaseLostMessage(expiry);
    const waiting = [...this.active.keys()].filter((runId) => this.waitRuns.has(runId));
    this.logger.warn('lease lost: stopping every running step', {
      silent_s: expiry.silentS,
      lease_s: expiry.leaseS,
      running: this.active.size || undefined,
      kept_on_abandon_wait: waiting.length ? waiting.join(',') : undefined,
    });
    this.connectivity.markDown();
    for (const runId of this.active.keys()) if (!this.waitRuns.has(runId)) this.giveUpRun(runId, message, fenceGraceMs);
  }

  /** The guardian killed these groups (the lease ran out while the agent could not act, paused say). */
  private guardianFenced(pgids: number[]): void {
    this.logger.warn('the step guardian stopped steps: the lease ran out', { pgids: pgids.join(',') });
    if (!this.lease.check()) return; // fence() ran: every run is stopped with the lease's message
    // The guardian's clock says the lease ran out, the agent's does not (a renewal just came in):
    // those steps are dead all the same; record them so.
    const message = leaseLostMessage(this.lease.describe());
    for (const pgid of pgids) {
      const runId = this.groupRuns.get(pgid);
      if (runId !== undefined) this.giveUpRun(runId, message, fenceGraceMs);
    }
  }

  /** An executor whose steps' process groups the guardian watches, and that checks the lease when a step ends oddly. */
  private guarded(executor: StepExecutor): StepExecutor {
    return async (step, context) => {
      const runId = context.runId;
      // Told to the guardian while the lease held: the guardian then ends the group when the lease
      // runs out, so an end of its own came no later than that (see below).
      let guardedInTime = false;
      const guardedContext: StepContext = {
        ...context,
        processGroups: {
          started: (pgid) => {
            this.groupRuns.set(pgid, runId);
            const keep = this.waitRuns.has(runId);
            const told = this.guardian.add(pgid, keep);
            // A kept group (on_abandon = wait) outlives the lease: no bound on its end from it.
            guardedInTime = !keep && this.guardian.active && this.lease.expiredAt() === null;
            return told; // the step's command begins once the guardian has the group
          },
          ended: (pgid) => {
            this.groupRuns.delete(pgid);
            this.guardian.remove(pgid);
          },
        },
        checkLease: () => void this.lease.check(),
      };
      const result = await executor(step, guardedContext);
      // Learned of after the lease ran out (the agent was paused, say), an end of the step's own
      // came before the guardian ended the group at the lease's end: recorded as ending then at
      // the latest, so the database takes it even if it handed the run on meanwhile (it does so
      // only a margin after the lease).
      const leaseEnded = this.lease.expiredAt();
      if (guardedInTime && leaseEnded && (result.state === 'succeeded' || result.state === 'failed')) {
        return { ...result, endedBy: leaseEnded.toISOString() };
      }
      return result;
    };
  }

  private startRun(run: ClaimedRun, resume?: ResumePoint): void {
    const controller = new AbortController();
    // Before the flow starts: its first step's process group may be announced at once.
    if (run.onAbandon === 'wait') this.waitRuns.add(run.runId);
    const done = executeRun(run, this.flow, controller.signal, resume)
      .then(
        () => {},
        async (error) => {
          // A bug, or a database error the flow does not handle: stop what may still run and try
          // to record the run failed (else the database abandons it when the agent restarts).
          this.logger.error('run failed in the agent', { run: run.runId, job: run.job, error, unreachable: isUnreachable(error) });
          controller.abort(new StepAbort('killed', 'agent error'));
          await this.reporter.endRun(run.runId, 'failed', `the agent failed: ${(error as Error)?.message ?? String(error)}`).catch(() => {});
        },
      )
      .finally(() => {
        this.active.delete(run.runId);
        this.waitRuns.delete(run.runId);
        this.loop.runEnded();
      });
    this.active.set(run.runId, { controller, done });
    this.runsStarted += 1;
  }

  /** `via`: how the kill request reached the agent, when not by the claim loop (logged). */
  private killRun(runId: number, reason: string, graceMs?: number, via?: 'notify'): void {
    this.stopRun(runId, new StepAbort('killed', reason, graceMs), via);
  }

  /**
   * The agent gives the run up (its lease ran out, it is stopping): its step is killed and recorded
   * so, the run recorded abandoned, and the job's on_abandon decides whether it is retried (the
   * run did not fail of its own; a retry may run only once this stop is over, hence fenceGraceMs).
   */
  private giveUpRun(runId: number, reason: string, graceMs?: number): void {
    this.stopRun(runId, new StepAbort('killed', reason, graceMs, true));
  }

  private stopRun(runId: number, why: StepAbort, via?: 'notify'): void {
    const run = this.active.get(runId);
    if (!run || run.controller.signal.aborted) return;
    this.logger.info('stopping run', { run: runId, reason: why.message, via, gives_up: why.givesUpRun || undefined });
    run.controller.abort(why);
  }
}

/** The guardian's pid file: beside the spool, named after it (one per agent state). */
export function guardianPidFile(spoolFile: string): string {
  return path.join(path.dirname(spoolFile), `${path.basename(spoolFile)}.guardian.pid`);
}

/**
 * Runs an agent until SIGTERM or SIGINT. A second signal stops it now (running steps killed, what
 * cannot be written spooled); a third exits at once (the guardian still kills the steps' trees).
 */
export async function runAgent(config: AgentConfig, logger?: Logger): Promise<void> {
  const agent = new Agent(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals >= 3) {
      agent.logger.error('third signal: exiting at once', { signal });
      process.exit(130);
    }
    void agent.stop(`received ${signal}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await agent.start();
    await agent.stopped;
    // Stopped: a handle left on a dead path (a socket nobody answers) must not keep the process.
    setTimeout(() => process.exit(), 2_000).unref();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

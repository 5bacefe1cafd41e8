/**
 * An agent: wires the control pool, the LISTEN connection, the claim loop, the runs it executes,
 * the spool and the mail outbox, and shuts them down in order: stop claiming (agent_stop with
 * drain), let running steps finish up to the drain timeout, kill and record the rest, then
 * agent_stop.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';
import { Backoff } from './backoff.ts';
import { ClaimLoop, type HeldRuns } from './claim-loop.ts';
import type { AgentConfig } from './config.ts';
import { Connectivity } from './connectivity.ts';
import { createAgentApi, isUnreachable, type AgentApi } from './db/api.ts';
import { Listener } from './db/listen.ts';
import { createPool, listenClientConfig } from './db/pool.ts';
import { sleep, StepAbort } from './executors/executor.ts';
import { runShellStep } from './executors/shell.ts';
import { runSqlStep } from './executors/sql/registry.ts';
import { closePostgresSessions } from './executors/sql/postgres.ts';
import { closeSqliteWorkers } from './executors/sql/sqlite.ts';
import { createLogger, redactUrl, type Logger } from './logger.ts';
import { MailOutbox } from './mail-outbox.ts';
import type { ClaimedRun } from './protocol.ts';
import { DurableReporter } from './reporter.ts';
import { executeRun, type ResumePoint, type RunFlowOptions } from './run-flow.ts';
import { createSecretResolver } from './secrets.ts';
import { Spool } from './spool.ts';

export const agentVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

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
  private shutdown: Promise<void> | undefined;
  private hurry = new AbortController();
  private markStopped!: () => void;
  /** Resolves when the agent has stopped. */
  readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  constructor(readonly config: AgentConfig, logger?: Logger) {
    this.logger = (logger ?? createLogger({ format: config.logFormat, level: config.logLevel })).child({ agent: config.name });
    const database = { url: config.databaseUrl, applicationName: `pgautomator agent ${config.name}` };
    this.controlPool = createPool(database, 'control', 1, this.logger);
    this.reportPool = createPool(database, 'reports', config.poolSize, this.logger);
    this.api = createAgentApi(this.controlPool, config.name);
    this.reports = createAgentApi(this.reportPool, config.name);
    this.connectivity = new Connectivity(() => this.logger.warn('database unreachable: results are spooled until it is back', { spool: config.spoolFile }));
    this.spool = new Spool(config.spoolFile);
    this.reporter = new DurableReporter(this.reports, this.spool, this.connectivity, this.logger, () => this.mail.poke());
    const secrets = createSecretResolver({ secretsFile: config.secretsFile });
    this.mail = new MailOutbox(this.reports, secrets, this.logger, config.smtpTlsInsecure);
    this.flow = {
      reporter: this.reporter,
      executors: { shell: runShellStep, sql: runSqlStep },
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
    this.listener = new Listener(listenClientConfig(database), this.logger, new Backoff(config.reconnectMin, config.reconnectMax), {
      event: (event) => {
        if (event.event === 'kill' && typeof event.run_id === 'number') this.killRun(event.run_id, 'kill requested');
        else if (event.event === 'run_queued') this.loop.runQueued();
        else if (event.event === 'schedule_changed') this.loop.refresh();
      },
      connected: () => this.loop.refresh(),
    });
  }

  /** Starts the agent; resolves once it is running (registration happens in the loop). */
  async start(): Promise<void> {
    const spooled = await this.spool.load();
    this.logger.info('agent starting', {
      version: agentVersion,
      database: redactUrl(this.config.databaseUrl),
      tags: this.config.tags.join(',') || undefined,
      max_concurrent: this.config.maxConcurrent,
      heartbeat_s: this.config.heartbeatInterval,
      spooled: spooled.length || undefined,
    });
    this.listener.start();
    void this.loop.start();
  }

  /**
   * Stops: claims nothing more, lets running steps finish up to the drain timeout, kills and
   * records the rest, tells the database, closes everything. A second call hurries (kills now).
   */
  stop(reason = 'stop requested'): Promise<void> {
    if (this.shutdown) {
      this.logger.warn('stopping now: killing the running steps', { reason });
      this.hurry.abort();
      return this.shutdown;
    }
    this.shutdown = this.stopInOrder(reason).finally(() => this.markStopped());
    return this.shutdown;
  }

  private async stopInOrder(reason: string): Promise<void> {
    const { logger, config } = this;
    logger.info('agent stopping', { reason, running: this.active.size, drain_timeout_s: config.drainTimeout });
    this.loop.stopClaiming();
    if (this.connectivity.online) {
      await this.api.stop(true).catch((error) => logger.warn('agent_stop(drain) failed', { error }));
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
        for (const runId of this.active.keys()) this.killRun(runId, why);
        await drained;
      }
    }
    await this.loop.stop();
    if (this.connectivity.online) {
      await this.api.stop(false).catch((error) => logger.warn('agent_stop failed', { error }));
    }
    if (this.spool.size > 0) logger.warn('results still spooled: they are written when the agent next starts', { spooled: this.spool.size, spool: this.spool.file });
    await this.mail.close();
    await this.listener.stop();
    await Promise.all([closeSqliteWorkers(), closePostgresSessions()]);
    await Promise.all([this.controlPool.end().catch(() => {}), this.reportPool.end().catch(() => {})]);
    logger.info('agent stopped');
  }

  private startRun(run: ClaimedRun, resume?: ResumePoint): void {
    const controller = new AbortController();
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
        this.loop.runEnded();
      });
    this.active.set(run.runId, { controller, done });
  }

  private killRun(runId: number, reason: string): void {
    const run = this.active.get(runId);
    if (!run || run.controller.signal.aborted) return;
    this.logger.info('stopping run', { run: runId, reason });
    run.controller.abort(new StepAbort('killed', reason));
  }
}

/** Runs an agent until SIGTERM or SIGINT (a second signal kills running steps at once). */
export async function runAgent(config: AgentConfig, logger?: Logger): Promise<void> {
  const agent = new Agent(config, logger);
  const onSignal = (signal: NodeJS.Signals) => void agent.stop(`received ${signal}`);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await agent.start();
    await agent.stopped;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

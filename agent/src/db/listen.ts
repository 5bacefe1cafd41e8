/**
 * LISTEN pgautomator on a dedicated connection (a pooled one could not hold it), reconnecting with
 * capped backoff when it breaks. NOTIFY only shortens the agent's waits: after a reconnect the agent
 * is told (`connected`), since events may have been missed meanwhile, and it checks the database.
 *
 * A LISTEN connection only receives, so a silent path (black-holed TCP) would look like a quiet
 * database for ever: every `pingMs` it sends a trivial query that must come back within
 * `deadlineMs`, else the connection is destroyed and opened again.
 *
 * LISTEN can also fail without any error: behind a pooler in transaction pooling it lands on a
 * server connection that serves other clients (client/listen-check.ts). So once LISTEN is in
 * place another session NOTIFYs a channel private to this listener, and the notification must
 * arrive within `deadlineMs`. If it does not, the agent says so once (a warning with what to do:
 * --listen-url) and goes on without NOTIFY, correct but slower (manual starts and kills wait for
 * the next heartbeat); the check is repeated every `recheckMs` and a recovery is logged too.
 */
import pg from 'pg';
import { checkChannel, listenStatement, listenUnavailableHint, notificationsArrive } from '../../../client/listen-check.ts';
import { MultiHostClient } from '../../../client/multi-host-connection.ts';
import { Backoff } from '../backoff.ts';
import { sleep } from '../executors/executor.ts';
import type { Logger } from '../logger.ts';
import { destroyConnection, within } from './call-deadline.ts';
import { poolerHint } from './pooler-hint.ts';

export interface ListenerTiming {
  pingMs: number;
  deadlineMs: number;
  /** How often a LISTEN found not to work is checked again (default 60 s). */
  recheckMs?: number;
}

export interface AgentEvent {
  event: string;
  run_id?: number;
  agent?: string;
  [key: string]: unknown;
}

export interface ListenerHandlers {
  event(event: AgentEvent): void;
  /** The LISTEN is (again) in place. */
  connected(): void;
}

export class Listener {
  private client: pg.Client | undefined;
  private stopped = new AbortController();
  private running: Promise<void> | undefined;
  /** The check's channel, private to this listener. */
  private readonly channel = checkChannel();
  /** Why notifications did not arrive at the last check (null: they did). */
  private problem: string | null = null;
  /** The problem was logged as a warning (and not since resolved). */
  private reported = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
    private readonly backoff: Backoff,
    private readonly handlers: ListenerHandlers,
    private readonly timing: ListenerTiming,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    const client = this.client;
    this.client = undefined;
    if (client) {
      // A goodbye on a dead path never completes: wait a moment, then drop the socket.
      await within(1_000, client.end().catch(() => {}));
      destroyConnection(client);
    }
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      const client: pg.Client = new MultiHostClient(this.config); // chooses among the URL's hosts
      const lost = new Promise<Error>((resolve) => {
        client.on('error', (error) => resolve(error));
        client.on('end', () => resolve(new Error('connection ended')));
      });
      client.on('notification', (message) => {
        if (message.channel !== 'pgautomator' || !message.payload) return;
        try {
          this.handlers.event(JSON.parse(message.payload) as AgentEvent);
        } catch (error) {
          this.logger.warn('unreadable NOTIFY payload ignored', { payload: message.payload.slice(0, 200), error });
        }
      });
      try {
        await client.connect();
        await this.answerWithin(client, listenStatement(['pgautomator', this.channel]));
      } catch (error) {
        destroyConnection(client);
        await within(1_000, client.end().catch(() => {}));
        if (signal.aborted) return;
        const delay = this.backoff.next();
        this.logger.warn('LISTEN connection failed: retrying', { error, hint: poolerHint(error), retry_in_ms: delay });
        await sleep(delay, signal);
        continue;
      }
      this.client = client;
      this.backoff.reset();
      await this.check(client);
      // Told either way: events may have been missed while no LISTEN was in place.
      this.handlers.connected();
      let onStop = () => {};
      const stopped = new Promise<null>((resolve) => signal.addEventListener('abort', (onStop = () => resolve(null)), { once: true }));
      const pinging = new AbortController();
      const error = await Promise.race([lost, stopped, this.silence(client, pinging.signal)]);
      pinging.abort();
      signal.removeEventListener('abort', onStop);
      if (signal.aborted || !error) return;
      this.client = undefined;
      destroyConnection(client);
      await within(1_000, client.end().catch(() => {}));
      const delay = this.backoff.next();
      this.logger.warn('LISTEN connection lost: reconnecting', { error, retry_in_ms: delay });
      await sleep(delay, signal);
    }
  }

  /** Whether notifications reach `client`; a change is logged (a problem once, with its hint). */
  private async check(client: pg.Client): Promise<void> {
    const signal = this.stopped.signal;
    let onStop = () => {};
    const stopping = new Promise<null>((resolve) => signal.addEventListener('abort', (onStop = () => resolve(null)), { once: true }));
    const checked = await Promise.race([notificationsArrive(client, this.channel, new MultiHostClient(this.config), this.timing.deadlineMs), stopping]);
    signal.removeEventListener('abort', onStop);
    if (checked === null || signal.aborted) return; // stopping: the check's sender closes on its own
    if (checked.result === 'unchecked') {
      // Not LISTEN's fault (the database went away, say): checked again at the next recheck.
      this.problem = checked.problem;
      this.logger.debug('LISTEN could not be checked', { problem: checked.problem });
      return;
    }
    if (checked.result === 'arrived') {
      this.problem = null;
      if (this.reported) this.logger.info('LISTEN receives notifications again');
      this.reported = false;
      this.logger.debug('listening for pgautomator events');
      return;
    }
    // Nothing came: a pooler's doing, or the listening connection itself went silent meanwhile
    // (a network fault, not a configuration to fix): the pings find the latter and reconnect.
    const answers = await this.answerWithin(client, 'SELECT 1').then(() => true, () => false);
    if (!answers) {
      this.problem = checked.problem;
      this.logger.debug('LISTEN could not be checked: its connection does not answer', { problem: checked.problem });
      return;
    }
    this.problem = checked.problem;
    if (this.reported) {
      this.logger.debug('LISTEN still receives no notifications', { problem: checked.problem });
      return;
    }
    this.reported = true;
    this.logger.warn('LISTEN receives no notifications', { problem: checked.problem, hint: listenUnavailableHint, fallback: 'runs started by hand and kills are seen at the next heartbeat' });
  }

  /**
   * Resolves with an error once a ping goes unanswered (never while `until` is not aborted and all
   * is well). While notifications do not arrive, a ping is a new check every recheckMs.
   */
  private async silence(client: pg.Client, until: AbortSignal): Promise<Error> {
    let checkedAt = Date.now();
    while (await sleep(this.timing.pingMs, until)) {
      try {
        if (this.problem && Date.now() - checkedAt >= (this.timing.recheckMs ?? 60_000)) {
          checkedAt = Date.now();
          await this.check(client);
          continue;
        }
        await this.answerWithin(client, 'SELECT 1');
      } catch (error) {
        return error as Error;
      }
    }
    return new Promise<Error>(() => {}); // ended: the race is decided elsewhere
  }

  private async answerWithin(client: pg.Client, text: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const { deadlineMs } = this.timing;
    try {
      await Promise.race([
        client.query(text),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`LISTEN connection silent: no answer within ${deadlineMs} ms`), { code: 'ETIMEDOUT' })), deadlineMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

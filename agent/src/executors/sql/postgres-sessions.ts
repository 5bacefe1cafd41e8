/**
 * Sessions of SQL steps against PostgreSQL, kept between steps on the same server and role.
 *
 * Why: a new session costs the server a backend (fork, authentication, catalog caches warmed by
 * the first statements): a few milliseconds of CPU and of latency per step, which bounded short
 * SQL steps to a few hundred per second and added to every step's start. pgAgent keeps its
 * connections for the same reason.
 *
 * A session is only reused clean: after a step it is reset with DISCARD ALL (session settings and
 * role, temporary tables, prepared statements, advisory locks, LISTEN, cursors), which PostgreSQL
 * refuses inside a transaction block; a script that left a transaction open, a step that was
 * killed or timed out, a session that broke: all are closed instead (closing rolls back), as every
 * session was before. At most `maxIdlePerTarget` (64) idle sessions per target, each closed after
 * `idleMs` unused.
 */
import pg from 'pg';

export interface PostgresSessionsOptions {
  maxIdlePerTarget?: number;
  idleMs?: number;
}

interface IdleSession {
  client: pg.Client;
  timer: NodeJS.Timeout;
  onIdleError: () => void;
}

export class PostgresSessions {
  private readonly idle = new Map<string, IdleSession[]>();
  private readonly maxIdlePerTarget: number;
  private readonly idleMs: number;

  constructor(options: PostgresSessionsOptions = {}) {
    // As many as steps ran at once on a target, in practice: an agent's concurrent steps come back
    // together (17 fires a second kept 4 and reconnected the rest each time, ~40 ms of lateness at
    // p99 in the side-by-side spread); idle ones close after idleMs anyway.
    this.maxIdlePerTarget = options.maxIdlePerTarget ?? 64;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** An idle session for `key` (the target's server, role and secret), or undefined. */
  take(key: string): pg.Client | undefined {
    const sessions = this.idle.get(key);
    const session = sessions?.pop();
    if (!session) return undefined;
    if (sessions!.length === 0) this.idle.delete(key);
    clearTimeout(session.timer);
    session.client.off('error', session.onIdleError);
    return session.client;
  }

  /**
   * Resets the session of a finished step and keeps it for the next step on `key`; closes it when
   * it cannot be reset (a transaction left open, a broken connection) or enough are kept already.
   */
  async giveBack(key: string, client: pg.Client): Promise<void> {
    const kept = this.idle.get(key)?.length ?? 0;
    if (kept >= this.maxIdlePerTarget) return closeSession(client);
    try {
      await client.query('DISCARD ALL');
    } catch {
      return closeSession(client);
    }
    const session: IdleSession = {
      client,
      timer: setTimeout(() => this.drop(key, session), this.idleMs),
      // The server may end an idle session (restart, pg_terminate_backend): forget it then.
      onIdleError: () => this.drop(key, session),
    };
    session.timer.unref();
    client.on('error', session.onIdleError);
    const sessions = this.idle.get(key) ?? [];
    sessions.push(session);
    this.idle.set(key, sessions);
  }

  /** Closes every idle session (agent shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(all.map((s) => (clearTimeout(s.timer), closeSession(s.client))));
  }

  /** Idle sessions kept now, for tests. */
  get size(): number {
    let n = 0;
    for (const sessions of this.idle.values()) n += sessions.length;
    return n;
  }

  private drop(key: string, session: IdleSession): void {
    const sessions = this.idle.get(key);
    const i = sessions?.indexOf(session) ?? -1;
    if (i < 0) return;
    sessions!.splice(i, 1);
    if (sessions!.length === 0) this.idle.delete(key);
    clearTimeout(session.timer);
    void closeSession(session.client);
  }
}

/** Ends a session that is not kept; never throws, never waits more than a second. */
export async function closeSession(client: pg.Client): Promise<void> {
  client.on('error', () => {});
  // end() of a connection whose socket was destroyed may never resolve.
  await Promise.race([client.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}

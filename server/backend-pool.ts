/**
 * The gateway's database backends, bounded: one pool of connections per role (shared by all that
 * role's sessions, at most `perRole` of them), closed after `idleMs` unused, and a global `max`
 * over every role and every login check together. A caller that finds no room waits up to
 * `waitMs` (an idle backend of another role is closed to make room first), then gets 503
 * `gateway_busy`. The agents share max_connections with us: a login must never be able to take a
 * backend the cap does not account for.
 *
 * A role's password is kept here, and only here, while the role holds at least one session
 * (`retain`/`forget`): new backends need it after idle ones were closed. The last session's end
 * closes the role's backends and drops the password.
 */
import pg from 'pg';
import { multiHostClient, withCredentials, type MultiHostConnection } from '../client/multi-host-connection.ts';
import { HttpError } from './http.ts';

export const APPLICATION_NAME = 'pgautomator-gateway';
/** Key of the gateway's own role (trusted-header mode's SET ROLE connections): no role is named ''. */
export const OWN_KEY = '';
const RETRY_SOON = { 'Retry-After': '1' };

export interface BackendPoolOptions {
  /** Hosts, database and TLS settings of every backend; credentials come per role. */
  connection: MultiHostConnection;
  /** Backends of the gateway in total (open, being opened, busy or idle). */
  max: number;
  /** Backends one role may hold. */
  perRole: number;
  /** An unused backend is closed after this. */
  idleMs: number;
  /** How long a call or a login waits for room before 503. */
  waitMs: number;
}

export interface Lease {
  readonly client: pg.Client;
  /** Gives the backend back (`broken`: close it instead, its session state is unknown). */
  release(broken?: boolean): void;
}

export interface BackendStats {
  max: number;
  open: number;
  busy: number;
  idle: number;
  waiting: number;
  /** Roles holding credentials here (sessions alive). */
  roles: string[];
}

interface Idle {
  client: pg.Client;
  timer: NodeJS.Timeout | undefined;
  since: number;
}

interface Role {
  /** The key: the role's name for sessions, OWN_KEY for the gateway's own role. */
  readonly name: string;
  readonly user: string | undefined;
  password: string | undefined;
  sessions: number;
  /** Backends of this role: opening + busy + idle.length. */
  held: number;
  busy: number;
  idle: Idle[];
}

interface Waiter {
  role: string | undefined; // undefined: a login check, which needs a slot but no role's pool
  grant(): boolean;
}

export class BackendPool {
  private readonly roles = new Map<string, Role>();
  private readonly waiters: Waiter[] = [];
  /** Every backend this pool accounts for, including login checks. */
  private open = 0;
  private busy = 0;
  private closed = false;
  private pumping = false;

  constructor(private readonly options: BackendPoolOptions) {}

  /**
   * Credentials of `role` for its sessions' backends (each session calls this once; see forget).
   * `user` defaults to `role`; the gateway's own entry (OWN_KEY) takes the URL's user, if any.
   */
  retain(role: string, password: string | undefined, user: string | undefined = role): void {
    const entry = this.roles.get(role);
    if (entry) {
      entry.sessions++;
      entry.password = password; // the latest proven one: the password may have changed
      return;
    }
    this.roles.set(role, { name: role, user, password, sessions: 1, held: 0, busy: 0, idle: [] });
  }

  /** One session of `role` ended; the last one closes the role's backends and drops its password. */
  forget(role: string): void {
    const entry = this.roles.get(role);
    if (!entry || --entry.sessions > 0) return;
    this.roles.delete(role);
    entry.password = undefined;
    for (const idle of entry.idle.splice(0)) this.endBackend(entry, idle);
    // Busy backends close when released (the role is no longer registered).
    this.pump();
  }

  /** A backend of `role` (which must be retained), waiting for room up to waitMs. */
  acquire(role: string): Promise<Lease> {
    if (!this.roles.has(role)) return Promise.reject(new HttpError(401, 'login_required', 'the session ended: log in again'));
    return this.wait(role, () => this.tryRole(role));
  }

  /**
   * Checks `user`/`password` on a fresh backend of its own (a password proves itself only on a new
   * connection), counted within the cap, and gives that connected client to `check`; the backend
   * is closed afterwards. Connection errors (a wrong password) are thrown as pg gives them.
   */
  async verify<T>(user: string, password: string, check: (client: pg.Client) => Promise<T>): Promise<T> {
    await this.wait(undefined, () => this.trySlot());
    const client = multiHostClient(withCredentials(this.options.connection, user, password), { application_name: APPLICATION_NAME });
    client.on('error', () => {}); // dropped while we check: the query fails, which is reported
    try {
      await client.connect();
      return await check(client);
    } finally {
      await client.end().catch(() => {});
      this.open--;
      this.pump();
    }
  }

  stats(): BackendStats {
    let idle = 0;
    for (const role of this.roles.values()) idle += role.idle.length;
    return { max: this.options.max, open: this.open, busy: this.busy, idle, waiting: this.waiters.length, roles: [...this.roles.keys()].filter((key) => key !== OWN_KEY) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.grant(); // each rejects: closed
    const ends: Promise<void>[] = [];
    for (const role of this.roles.values()) {
      for (const idle of role.idle.splice(0)) {
        clearTimeout(idle.timer);
        ends.push(idle.client.end().catch(() => {}));
      }
    }
    this.roles.clear();
    await Promise.all(ends);
  }

  /** Runs `attempt` now and whenever room may have appeared, until it succeeds or waitMs passes. */
  private wait<T>(role: string | undefined, attempt: () => Promise<T> | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        role,
        grant: () => {
          if (this.closed) {
            clearTimeout(timer);
            reject(new HttpError(503, 'gateway_closing', 'the gateway is shutting down'));
            return true;
          }
          const started = attempt();
          if (!started) return false;
          clearTimeout(timer);
          started.then(resolve, reject);
          return true;
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        const entry = role === undefined ? undefined : this.roles.get(role);
        reject(
          entry && entry.held >= this.options.perRole
            ? new HttpError(503, 'gateway_busy', `all ${this.options.perRole} database connections of role "${entry.user ?? 'the gateway'}" are in use (--connections-per-role); try again shortly`, RETRY_SOON)
            : new HttpError(503, 'gateway_busy', `all ${this.options.max} database connections of the gateway are in use (--max-connections); try again shortly`, RETRY_SOON),
        );
      }, this.options.waitMs);
      timer.unref?.();
      // Granted in order of arrival, among those that can go on (a role at its own limit does not hold up the others).
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Grants, in order, every waiter that can go on now (after a release, a close or a forget). */
  private pump(): void {
    if (this.pumping) return; // a close made inside a grant: the scan in progress goes on
    this.pumping = true;
    try {
      for (let i = 0; i < this.waiters.length; ) {
        if (this.waiters[i]!.grant()) this.waiters.splice(i, 1);
        else i++;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Room for one more backend: under max, or made by closing the longest idle backend of another role. */
  private makeRoom(except?: Role): boolean {
    if (this.open < this.options.max) return true;
    let oldest: { role: Role; idle: Idle } | undefined;
    for (const role of this.roles.values()) {
      const idle = role.idle[0]; // each role's list is oldest first
      if (role !== except && idle && (!oldest || idle.since < oldest.idle.since)) oldest = { role, idle };
    }
    if (!oldest) return false;
    oldest.role.idle.shift();
    this.endBackend(oldest.role, oldest.idle);
    return true;
  }

  private trySlot(): Promise<void> | undefined {
    if (!this.makeRoom()) return undefined;
    this.open++;
    return Promise.resolve();
  }

  private tryRole(name: string): Promise<Lease> | undefined {
    const role = this.roles.get(name);
    if (!role) return Promise.reject(new HttpError(401, 'login_required', 'the session ended: log in again'));
    const idle = role.idle.pop(); // the most recently used: the others may then idle out
    if (idle) {
      clearTimeout(idle.timer);
      return Promise.resolve(this.lease(role, idle.client));
    }
    if (role.held >= this.options.perRole || !this.makeRoom(role)) return undefined;
    this.open++;
    role.held++;
    const client = multiHostClient({ ...this.options.connection, user: role.user, password: role.password }, { application_name: APPLICATION_NAME });
    (client as Tracked).dead = false;
    client.on('error', () => ((client as Tracked).dead = true));
    client.on('end', () => ((client as Tracked).dead = true));
    return client.connect().then(
      () => this.lease(role, client),
      (error: unknown) => {
        this.open--;
        role.held--;
        this.pump();
        throw error;
      },
    );
  }

  private lease(role: Role, client: pg.Client): Lease {
    this.busy++;
    role.busy++;
    let released = false;
    return {
      client,
      release: (broken = false) => {
        if (released) return;
        released = true;
        this.busy--;
        role.busy--;
        if (broken || (client as Tracked).dead || this.closed || this.roles.get(role.name) !== role) {
          this.endBackend(role, { client, timer: undefined, since: 0 });
        } else {
          const idle: Idle = {
            client,
            since: Date.now(),
            timer: setTimeout(() => {
              const at = role.idle.indexOf(idle);
              if (at >= 0) role.idle.splice(at, 1);
              this.endBackend(role, idle);
              this.pump();
            }, this.options.idleMs),
          };
          idle.timer?.unref?.();
          role.idle.push(idle);
          // An idle backend that the server drops is taken out at once.
          client.removeAllListeners('error');
          client.on('error', () => {
            (client as Tracked).dead = true;
            const at = role.idle.indexOf(idle);
            if (at >= 0) {
              role.idle.splice(at, 1);
              this.endBackend(role, idle);
              this.pump();
            }
          });
        }
        this.pump();
      },
    };
  }

  /** Ends a backend and counts it off (callers pump the waiters once they are done). */
  private endBackend(role: Role, idle: Idle): void {
    if (idle.timer) clearTimeout(idle.timer);
    this.open--;
    role.held--;
    void idle.client.end().catch(() => {});
  }
}

type Tracked = pg.Client & { dead?: boolean };

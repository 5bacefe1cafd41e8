/**
 * Slows down password guessing at POST /auth/login, per user name and per client address. Every
 * attempt counts as a failure the moment it starts (so a burst of parallel guesses cannot slip
 * past the limit while the first ones are still being checked) and is taken back if it turns out
 * not to be a wrong password. After `failuresPerUser` failures of one user (or
 * `failuresPerAddress` from one address) within `windowMs`, further attempts are refused with 429
 * and Retry-After for a delay that doubles with each further failure, from `baseDelayMs` up to
 * `maxDelayMs`; no password is tried meanwhile, so a right one is refused too. A successful login
 * clears its user's count. In memory, per gateway process.
 *
 * The address is the TCP peer: behind a reverse proxy every user shares the proxy's address, so
 * the per-address limit should then be raised (or the proxy limit logins itself).
 */
import { HttpError } from './http.ts';

export interface LoginThrottleOptions {
  /** Failed logins of one user before the delays begin (default 5). */
  failuresPerUser?: number;
  /** Failed logins from one address, any users, before the delays begin (default 20). */
  failuresPerAddress?: number;
  /** The first delay (default 1 s); each further failure doubles it. */
  baseDelayMs?: number;
  /** The longest delay (default 15 min). */
  maxDelayMs?: number;
  /** Failures older than this are forgotten (default 15 min after the last one). */
  windowMs?: number;
}

interface Count {
  /** Failures allowed before the delays begin. */
  free: number;
  failures: number;
  /** Attempts under way, not yet known to have failed. */
  pending: number;
  lastAt: number;
  lockedUntil: number;
}

/** Beyond this many names and addresses tracked, the stalest are dropped (memory stays bounded). */
const MAX_TRACKED = 10_000;

export type Outcome = 'succeeded' | 'failed' | 'other';

export class LoginThrottle {
  private readonly counts = new Map<string, Count>();
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly windowMs: number;

  constructor(options: LoginThrottleOptions = {}) {
    this.perUser = options.failuresPerUser ?? 5;
    this.perAddress = options.failuresPerAddress ?? 20;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
    this.windowMs = options.windowMs ?? 15 * 60_000;
  }

  /** Admits one attempt or throws 429; call the returned function exactly once with how it went. */
  begin(user: string, address: string): (outcome: Outcome) => void {
    const now = Date.now();
    const counts = [this.entry(`user\0${user}`, this.perUser, now), this.entry(`addr\0${address}`, this.perAddress, now)];
    const waitMs = Math.max(...counts.map((c) => c.lockedUntil - now));
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new HttpError(429, 'too_many_login_failures', `too many failed logins for this user or from this address: try again in ${seconds} s`, {
        'Retry-After': String(seconds),
      });
    }
    // Attempts under way count as failures-to-be: a burst of parallel guesses cannot get more
    // tries than the free ones before the first answers come back (past a delay, one at a time).
    if (counts.some((c) => c.pending > 0 && c.failures + c.pending >= c.free)) {
      throw new HttpError(429, 'too_many_login_failures', 'too many logins under way for this user or from this address after failed ones: try again in 1 s', {
        'Retry-After': '1',
      });
    }
    for (const c of counts) c.pending++;
    return (outcome) => {
      const at = Date.now();
      for (const c of counts) {
        c.pending--;
        if (outcome === 'failed') {
          c.failures++;
          c.lastAt = at;
          if (c.failures >= c.free) c.lockedUntil = at + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(30, c.failures - c.free));
        }
      }
      if (outcome === 'succeeded') {
        counts[0]!.failures = 0;
        counts[0]!.lockedUntil = 0;
      }
    };
  }

  /** The count of `key`, forgotten once its window passed with no lock left; kept in staleness order. */
  private entry(key: string, free: number, now: number): Count {
    let count = this.counts.get(key);
    if (count && count.pending === 0 && now - count.lastAt > this.windowMs && now >= count.lockedUntil) count = undefined;
    count ??= { free, failures: 0, pending: 0, lastAt: now, lockedUntil: 0 };
    this.counts.delete(key);
    this.counts.set(key, count);
    while (this.counts.size > MAX_TRACKED) this.counts.delete(this.counts.keys().next().value!);
    return count;
  }
}

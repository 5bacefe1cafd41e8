/**
 * The agent's lease: how long its steps may go on without contact with the database. Each
 * successful register_agent / agent_heartbeat renews it until (when that call was SENT) + lease:
 * the database counted the agent alive at some moment after the send, so counting from the send
 * never overestimates. The database hands a silent agent's runs to others only after `dead_after`
 * (lease + a margin), so an agent that stops its own steps when the lease runs out never runs
 * beside their retry.
 *
 * Time here is monotonic (performance.now()): a wall clock that jumps must not stretch or cut it.
 * Expiry is noticed by a timer and by check(), which whoever wakes up calls (a process resumed
 * from SIGSTOP may handle I/O before its timers): the callback runs once per expiry.
 */
import { performance } from 'node:perf_hooks';

export interface LeaseExpiry {
  /** Seconds since the send of the last successful renewal. */
  silentS: number;
  leaseS: number;
}

export class Lease {
  /** Monotonic ms, or null: no lease (not registered yet, or stopped). */
  private deadline: number | null = null;
  private sentAt = 0;
  private leaseMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private expired = false;

  constructor(private readonly onExpired: (expiry: LeaseExpiry) => void) {}

  /** The monotonic clock the lease counts by: take it just before sending a renewing call. */
  static now(): number {
    return performance.now();
  }

  /**
   * A renewing call sent at `sentAt` (Lease.now()) succeeded; `leaseS` is the database's lease.
   * Returns the milliseconds left (<= 0: the answer came too late, the lease has run out anyway).
   */
  renew(sentAt: number, leaseS: number): number {
    this.sentAt = sentAt;
    this.leaseMs = leaseS * 1000;
    this.deadline = sentAt + this.leaseMs;
    this.expired = false;
    this.arm();
    return this.check() ? this.remainingMs() : 0;
  }

  /** No lease to keep (the agent is stopping in order, or never had one). */
  release(): void {
    this.deadline = null;
    clearTimeout(this.timer);
  }

  remainingMs(): number {
    return this.deadline === null ? Infinity : this.deadline - performance.now();
  }

  /** False once the lease has run out (and then the expiry callback has run). */
  check(): boolean {
    if (this.deadline === null || this.remainingMs() > 0) return true;
    if (!this.expired) {
      this.expired = true;
      clearTimeout(this.timer);
      this.onExpired(this.describe());
    }
    return false;
  }

  /** When the lease ran out, by the wall clock; null while it holds (or with no lease). */
  expiredAt(): Date | null {
    if (this.deadline === null) return null;
    const past = performance.now() - this.deadline;
    return past > 0 ? new Date(Date.now() - past) : null;
  }

  /** How long the agent has been without a renewal, and its lease. */
  describe(): LeaseExpiry {
    return { silentS: Math.round((performance.now() - this.sentAt) / 100) / 10, leaseS: this.leaseMs / 1000 };
  }

  private arm(): void {
    clearTimeout(this.timer);
    const remaining = this.remainingMs();
    if (!Number.isFinite(remaining)) return;
    // +1: a timer may fire a hair early by the monotonic clock; check() decides.
    this.timer = setTimeout(() => (this.check() ? this.arm() : undefined), Math.max(0, remaining) + 1);
    this.timer.unref();
  }
}

/** The message recorded for a step stopped because the lease ran out. */
export function leaseLostMessage(expiry: LeaseExpiry): string {
  return `the agent lost its lease: no contact with the database for ${expiry.silentS} s (lease ${expiry.leaseS} s); stopped so that it cannot run beside a retry`;
}

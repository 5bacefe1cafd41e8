/**
 * What the agent knows from its last heartbeat, and when it must act next: the next heartbeat
 * (one per interval: the whole cost of an idle agent) and the next fire it could run
 * (`next_due_in`), at which it claims without waiting for the heartbeat.
 */
import type { Heartbeat } from './protocol.ts';

export class HeartbeatPlan {
  nextHeartbeatAt = 0;
  /** When the next fire this agent could run is due (agent clock, ms), or null. */
  nextDueAt: number | null = null;
  /** Runs the database said this agent could claim now. */
  queued = 0;
  /** The database has this agent draining (agent_stop(drain)): it claims nothing. */
  draining = false;
  // A fire that stays due after claims (another agent holds its job's lock, say) is retried after
  // a growing pause instead of in a tight loop.
  private duePauseMs = 0;

  constructor(private readonly intervalMs: number) {}

  heartbeatDue(now: number): boolean {
    return now >= this.nextHeartbeatAt;
  }

  dueNow(now: number): boolean {
    return this.nextDueAt !== null && this.nextDueAt <= now;
  }

  recordHeartbeat(heartbeat: Heartbeat, now: number): void {
    this.nextHeartbeatAt = now + this.intervalMs;
    this.queued = heartbeat.queued;
    this.draining = heartbeat.state !== 'online';
    if (heartbeat.nextDueIn === null) this.nextDueAt = null;
    else if (heartbeat.nextDueIn > 0) {
      this.nextDueAt = now + heartbeat.nextDueIn * 1000;
      this.duePauseMs = 0;
    } else {
      // Still due right after a claim: pause a little longer each time, up to the interval.
      this.nextDueAt = now + this.duePauseMs;
    }
  }

  /** After a claim: due fires were turned into runs; the next heartbeat tells the next fire. */
  recordClaim(now: number): void {
    if (this.dueNow(now)) {
      this.duePauseMs = Math.min(this.intervalMs, Math.max(50, this.duePauseMs * 2));
      this.nextHeartbeatAt = now; // learn the next fire at once
      this.nextDueAt = null;
    }
    this.queued = 0;
  }

  /** The earliest moment something is due. */
  wakeAt(): number {
    return this.nextDueAt === null ? this.nextHeartbeatAt : Math.min(this.nextHeartbeatAt, this.nextDueAt);
  }
}

/** Capped exponential backoff with a little jitter: min, 2*min, 4*min ... max, max ... (seconds in, ms out). */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly minSeconds: number,
    private readonly maxSeconds: number,
  ) {}

  /** The next delay in milliseconds. */
  next(): number {
    const base = Math.min(this.maxSeconds, this.minSeconds * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    // ±10 %: agents that lost the same server do not come back in lockstep.
    return Math.round(base * 1000 * (0.9 + Math.random() * 0.2));
  }

  reset(): void {
    this.attempt = 0;
  }
}

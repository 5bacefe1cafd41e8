/**
 * Whether the agent is connected to the database in good standing: registered, with its spool
 * replayed. Whoever sees the database go away marks it down (the claim loop then reconnects and
 * re-registers); whoever needs it waits for it to come up.
 */
export class Connectivity {
  private up = false;
  private waiters = new Set<() => void>();

  constructor(private readonly onDown: () => void = () => {}) {}

  get online(): boolean {
    return this.up;
  }

  markDown(): void {
    if (!this.up) return;
    this.up = false;
    this.onDown();
  }

  markUp(): void {
    this.up = true;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }

  /** Resolves true once online, or false when the signal aborts first. */
  whenUp(signal?: AbortSignal): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        this.waiters.delete(done);
        resolve(false);
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

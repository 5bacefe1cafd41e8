/**
 * Holds the next answer of one gateway function in the browser's router: the request reaches the
 * gateway at once (so the answer says what the database said then), and the page receives it only
 * on release(). For the loads that overlap (GatewayController.latest): an older answer arriving
 * after a newer one must not undo what the newer one showed.
 */
import type { Page, Response } from 'playwright-core';

export interface HeldAnswer {
  /** Resolves once the held request was answered by the gateway (its answer read, not yet delivered). */
  readonly answered: Promise<void>;
  /**
   * Resolves once `n` later requests of the same function (let through at once) have been answered:
   * the newer loads, so that the held answer is delivered after all of them.
   */
  laterAnswers(n: number): Promise<void>;
  /** Delivers the held answer, then lets the page run its tasks: whatever the answer does, it has done. */
  release(): Promise<void>;
  /** Delivers it if still held and stops holding (for finally blocks). */
  dispose(): Promise<void>;
}

export async function holdNextAnswer(page: Page, fn: string): Promise<HeldAnswer> {
  const pattern = `**/rpc/${fn}*`;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let answered!: () => void;
  const answeredPromise = new Promise<void>((resolve) => (answered = resolve));
  let held: Promise<void> | undefined;
  // Answers of the function received by the page after the held request was made.
  let later = 0;
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  const onResponse = (response: Response) => {
    if (!held || !new URL(response.url()).pathname.endsWith(`/rpc/${fn}`)) return;
    later += 1;
    for (const w of waiting.filter((x) => later >= x.n)) w.resolve();
  };
  page.on('response', onResponse);
  await page.route(pattern, (route) => {
    if (held) return route.continue();
    held = (async () => {
      const response = await route.fetch();
      answered();
      await released;
      await route.fulfill({ response });
    })();
    return held;
  });
  return {
    answered: answeredPromise,
    laterAnswers: (n) => (later >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    async release() {
      release();
      await held;
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    },
    async dispose() {
      release();
      await held?.catch(() => {});
      page.off('response', onResponse);
      await page.unroute(pattern);
    },
  };
}

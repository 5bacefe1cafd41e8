import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidStateError } from '../../client/index.ts';
import { ReportBatcher, type ReportEntry, type ReportResult } from './report-batcher.ts';

const endRun = (runId: number): ReportEntry => ({ op: 'end_run', run_id: runId, state: 'succeeded', message: null });
const log = (stepRunId: number, chunk: string): ReportEntry => ({ op: 'log_step', step_run_id: stepRunId, chunk, stream: 'stdout' });

/** A send() whose calls are recorded and answered when the test says so. */
function manualSend() {
  const calls: Array<{ entries: ReportEntry[]; answer(results: ReportResult[]): void; fail(error: Error): void }> = [];
  const send = (entries: ReportEntry[]) =>
    new Promise<ReportResult[]>((resolve, reject) => calls.push({ entries, answer: resolve, fail: reject }));
  return { calls, send };
}
const ok = (n: number): ReportResult[] => Array.from({ length: n }, () => ({ ok: true }));
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('reports made in the same turn go out as one call, in order', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send });
  const done = [1, 2, 3].map((id) => batcher.submit(endRun(id)));
  await turn();
  assert.is(calls.length, 1);
  assert.equal(calls[0].entries, [endRun(1), endRun(2), endRun(3)]);
  calls[0].answer(ok(3));
  assert.equal(await Promise.all(done), ok(3));
});

test('while calls are on their way, later reports wait and then go together', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send, maxInFlight: 1 });
  const first = batcher.submit(endRun(1));
  await turn();
  const later = [2, 3, 4].map((id) => batcher.submit(endRun(id)));
  await turn();
  assert.is(calls.length, 1, 'nothing more is sent while the only slot is busy');
  calls[0].answer(ok(1));
  await first;
  await turn();
  assert.is(calls.length, 2);
  assert.equal(calls[1].entries.map((e) => (e as { run_id: number }).run_id), [2, 3, 4]);
  calls[1].answer(ok(3));
  await Promise.all(later);
  assert.equal(batcher.stats, { batches: 2, entries: 4 });
});

test('a refused entry rejects only its own promise, as a typed error', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send });
  const results = [1, 2, 3].map((id) => batcher.submit(endRun(id)).then(() => 'ok', (error: unknown) => error));
  await turn();
  calls[0].answer([{ ok: true }, { ok: false, code: 'PA030', message: 'run 2 is abandoned, not running', detail: 'field: run_id', hint: 'stop' }, { ok: true }]);
  const [a, b, c] = await Promise.all(results);
  assert.is(a, 'ok');
  assert.is(c, 'ok');
  assert.instance(b, InvalidStateError);
  assert.is((b as InvalidStateError).code, 'PA030');
  assert.is((b as InvalidStateError).field, 'run_id');
  assert.is((b as InvalidStateError).message, 'run 2 is abandoned, not running');
});

test('a call that fails as a whole rejects every entry in it with that error', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send });
  const results = [1, 2].map((id) => batcher.submit(endRun(id)).then(() => 'ok', (error: unknown) => error));
  await turn();
  const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
  calls[0].fail(lost);
  assert.equal(await Promise.all(results), [lost, lost]);
  // The next report goes out on its own call.
  const next = batcher.submit(endRun(3));
  await turn();
  assert.is(calls.length, 2);
  calls[1].answer(ok(1));
  await next;
});

test('an answer of the wrong length rejects the batch instead of misattributing results', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send });
  const results = [1, 2].map((id) => batcher.submit(endRun(id)).then(() => 'ok', (error: Error) => error.message));
  await turn();
  calls[0].answer(ok(1));
  const messages = await Promise.all(results);
  assert.ok(messages.every((m) => /1 results for 2 entries/.test(m)), messages.join());
});

test('batches respect the entry limit and the payload limit, sending at least one entry', async () => {
  const { calls, send } = manualSend();
  const batcher = new ReportBatcher({ send, maxEntries: 2, maxBytes: 1100, maxInFlight: 10 });
  const big = 'x'.repeat(900);
  const all = [batcher.submit(endRun(1)), batcher.submit(endRun(2)), batcher.submit(endRun(3)), batcher.submit(log(9, big)), batcher.submit(log(9, big)), batcher.submit(log(9, 'y'.repeat(5000)))];
  for (let i = 0; i < 6; i++) await turn(); // one batch leaves per turn
  assert.equal(calls.map((c) => c.entries.length), [2, 2, 1, 1], 'two by count, then one 900-byte chunk beside a run end, then each large chunk alone');
  for (const call of calls) call.answer(ok(call.entries.length));
  await Promise.all(all);
});

test.run();

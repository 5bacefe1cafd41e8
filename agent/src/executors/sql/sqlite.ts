/**
 * SQL steps against SQLite files, executed by sqlite-worker.mjs in worker threads (one step per
 * worker at a time; idle workers are kept for the next step and end after a minute unused).
 *
 * Kill: better-sqlite3 12 has no interrupt, so the script stops after its current statement (the
 * worker checks a shared flag between statements and closes the database, which rolls back an open
 * transaction). A statement still running after the grace period is abandoned with its worker:
 * the worker is terminated as soon as the statement returns, and the step is reported at once.
 */
import { Worker } from 'node:worker_threads';
import { abortedResult, type StepContext, type StepResult } from '../executor.ts';
import { summarize, type SqlDriver, type SqlTarget } from './sql-driver.ts';
import type { SqliteJob, SqliteMessage, SqliteWorkerData } from './sqlite-worker.mjs';

const workerUrl = new URL('./sqlite-worker.mjs', import.meta.url);
const idleMs = 60_000;

interface PooledWorker {
  worker: Worker;
  /** The worker's abort flag (shared memory, handed over once at its start; reset for each step). */
  abort: Int32Array;
  idleTimer?: NodeJS.Timeout;
}
const idle: PooledWorker[] = [];
let nextId = 1;

function takeWorker(): PooledWorker {
  const pooled = idle.pop();
  if (pooled) {
    clearTimeout(pooled.idleTimer);
    pooled.worker.ref();
    return pooled;
  }
  // Plain JavaScript: no TypeScript loader (`--import tsx`) in the worker. Inherited, it made each
  // worker start in ~120 ms of CPU instead of ~40 ms (measured on the 2-core bench machine).
  const abort = new SharedArrayBuffer(4);
  const worker = new Worker(workerUrl, { execArgv: [], workerData: { abort, driver: import.meta.url } satisfies SqliteWorkerData });
  return { worker, abort: new Int32Array(abort) };
}

function giveBack(pooled: PooledWorker): void {
  pooled.worker.unref();
  pooled.idleTimer = setTimeout(() => {
    const i = idle.indexOf(pooled);
    if (i >= 0) idle.splice(i, 1);
    void pooled.worker.terminate();
  }, idleMs);
  pooled.idleTimer.unref();
  idle.push(pooled);
}

/** Ends the idle workers (agent shutdown). */
export async function closeSqliteWorkers(): Promise<void> {
  const all = idle.splice(0);
  await Promise.all(all.map((p) => (clearTimeout(p.idleTimer), p.worker.terminate())));
}

export const runSqlite: SqlDriver = (script: string, target: SqlTarget, context: StepContext): Promise<StepResult> => {
  const { signal, output } = context;
  if (signal.aborted) return Promise.resolve(abortedResult(signal));
  const pooled = takeWorker();
  const id = nextId++;
  const flag = pooled.abort;
  Atomics.store(flag, 0, 0);
  return new Promise<StepResult>((resolve) => {
    let finished = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (result: StepResult, reuse: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onAbort);
      pooled.worker.off('message', onMessage);
      pooled.worker.off('error', onError);
      pooled.worker.off('exit', onExit);
      if (reuse) giveBack(pooled);
      else void pooled.worker.terminate();
      resolve(result);
    };
    const onMessage = (message: SqliteMessage) => {
      if (message.id !== id) return;
      for (const chunk of message.chunks) output.write(chunk.stream, chunk.text);
      if (message.type === 'output') return;
      if (message.aborted || signal.aborted) return finish(abortedResult(signal), true);
      finish({ state: message.ok ? 'succeeded' : 'failed', exitCode: null, message: message.ok ? summarize(message.tags) : message.message }, true);
    };
    const onError = (error: Error) => finish({ state: 'failed', exitCode: null, message: `SQLite worker failed: ${error.message}` }, false);
    const onExit = (code: number) => finish({ state: 'failed', exitCode: null, message: `SQLite worker exited (${code})` }, false);
    const onAbort = () => {
      Atomics.store(flag, 0, 1);
      graceTimer = setTimeout(() => {
        context.logger.warn('the SQLite statement did not finish within the grace period: abandoning its worker');
        finish(abortedResult(signal), false);
      }, context.killGraceMs);
    };
    pooled.worker.on('message', onMessage);
    pooled.worker.on('error', onError);
    pooled.worker.on('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
    const job: SqliteJob = { id, file: target.dsn, script };
    pooled.worker.postMessage(job);
  });
};

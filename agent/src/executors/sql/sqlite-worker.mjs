// @ts-check
/**
 * Runs SQLite scripts in a worker thread (better-sqlite3 is synchronous: on the main thread a long
 * statement would stop heartbeats). Statements run one at a time so that rows and counts can be
 * reported each, and so that a kill stops the script after the current statement: better-sqlite3
 * 12 has no sqlite3_interrupt, the shared abort flag is checked between statements, and closing the
 * database rolls back a transaction the script left open.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit the main thread's TypeScript
 * loader, and loading one per worker costs about a second of CPU (sqlite.ts starts a worker per
 * concurrent SQLite step). Types: sqlite-worker.d.mts.
 *
 * Started with workerData {abort: SharedArrayBuffer, driver}: the abort flag, shared for the
 * worker's life (reset by the main thread before each script; a buffer per script cost a shared
 * allocation and its transfer on every step), and where to resolve better-sqlite3 from.
 * Messages: in {id, file, script}; out {id, type: 'output', chunks: [{stream, text}]} and finally
 * {id, type: 'done', ok, aborted, message, tags, chunks}.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { formatRows } from './result-text.mjs';

/** The file a SQLite DSN names: a path, `sqlite:<path>` or `sqlite://<path>`, or `:memory:`. */
export function sqliteFile(/** @type {string} */ dsn) {
  return dsn.replace(/^sqlite:(\/\/)?/, '');
}

/**
 * The offsets just past each `;` that ends a statement candidate (outside quotes, identifiers and
 * comments), plus the script's end. A trigger body holds several `;`: the caller grows the
 * candidate until SQLite accepts it as complete.
 * @param {string} script
 * @returns {number[]}
 */
export function statementEnds(script) {
  /** @type {number[]} */
  const ends = [];
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = script.indexOf(c, i + 1);
      i = close === -1 ? script.length : close; // a doubled quote re-enters here: harmless
    } else if (c === '[') {
      const close = script.indexOf(']', i + 1);
      i = close === -1 ? script.length : close;
    } else if (c === '-' && script[i + 1] === '-') {
      const close = script.indexOf('\n', i);
      i = close === -1 ? script.length : close;
    } else if (c === '/' && script[i + 1] === '*') {
      const close = script.indexOf('*/', i + 2);
      i = close === -1 ? script.length : close + 1;
    } else if (c === ';') ends.push(i + 1);
  }
  if (ends[ends.length - 1] !== script.length) ends.push(script.length);
  return ends;
}

/** Longest a longer script's output waits in the worker (checked between statements). */
const outputFlushMs = 100;

/**
 * @param {{ id: number; file: string; script: string }} job
 * @param {any} Database the better-sqlite3 constructor
 * @param {Int32Array} flag
 * @param {(message: object) => void} post
 */
function run(job, Database, flag, post) {
  /** @type {string[]} */
  const tags = [];
  // Output waits in the worker and leaves with the outcome, or every outputFlushMs between
  // statements of a longer script: a short script costs the main thread one message, not one per
  // statement and stream (each message wakes it; measured in bursts of short steps).
  /** @type {Array<{stream: string, text: string}>} */
  let pending = [];
  let flushedAt = Date.now();
  const flush = () => {
    if (pending.length > 0) post({ id: job.id, type: 'output', chunks: pending });
    pending = [];
    flushedAt = Date.now();
  };
  const out = (/** @type {string} */ stream, /** @type {string} */ text) => {
    pending.push({ stream, text });
    if (Date.now() - flushedAt >= outputFlushMs) flush();
  };
  const done = (/** @type {boolean} */ ok, /** @type {boolean} */ aborted, /** @type {string | null} */ message) =>
    post({ id: job.id, type: 'done', ok, aborted, message, tags, chunks: pending });
  let db;
  try {
    db = new Database(sqliteFile(job.file), { timeout: 5000 });
  } catch (error) {
    out('stderr', `${/** @type {Error} */ (error).message}\n`);
    return done(false, false, `cannot open ${job.file}: ${/** @type {Error} */ (error).message}`);
  }
  try {
    let start = 0;
    for (const end of statementEnds(job.script)) {
      if (Atomics.load(flag, 0) === 1) return done(false, true, null);
      const text = job.script.slice(start, end);
      let statement;
      try {
        statement = db.prepare(text);
      } catch (error) {
        const message = /** @type {Error} */ (error).message;
        if (/incomplete input/i.test(message) && end !== job.script.length) continue; // a trigger body: grow the candidate
        if (/contains no statements/i.test(message)) {
          start = end;
          continue;
        }
        out('stderr', `ERROR: ${message}\n`);
        return done(false, false, message);
      }
      start = end;
      try {
        if (statement.reader) {
          const rows = statement.raw(true).all();
          out('stdout', formatRows(statement.columns().map((/** @type {{name: string}} */ c) => c.name), rows));
          tags.push(`SELECT ${rows.length}`);
        } else {
          tags.push(`OK ${statement.run().changes}`);
        }
        out('stdout', `${tags[tags.length - 1]}\n`);
      } catch (error) {
        const message = /** @type {Error} */ (error).message;
        out('stderr', `ERROR: ${message}\n`);
        return done(false, false, message);
      }
    }
    return done(true, false, null);
  } finally {
    db.close(); // rolls back a transaction the script left open
  }
}

if (parentPort) {
  const port = parentPort;
  const Database = createRequire(workerData.driver)('better-sqlite3');
  const flag = new Int32Array(workerData.abort);
  port.on('message', (job) => run(job, Database, flag, (message) => port.postMessage(message)));
}

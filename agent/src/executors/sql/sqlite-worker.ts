/**
 * Runs SQLite scripts in a worker thread (better-sqlite3 is synchronous: on the main thread a long
 * statement would stop heartbeats). Statements run one at a time so that rows and counts can be
 * reported each, and so that a kill stops the script after the current statement: better-sqlite3
 * 12 has no sqlite3_interrupt, the shared abort flag is checked between statements, and closing the
 * database rolls back a transaction the script left open.
 *
 * Messages: in {id, file, script, abort: SharedArrayBuffer}; out {id, type: 'output', stream,
 * text} and finally {id, type: 'done', ok, aborted, message, tags}.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { formatRows, type SqlTarget } from './sql-driver.ts';

export interface SqliteJob {
  id: number;
  file: string;
  script: string;
  abort: SharedArrayBuffer;
}
export type SqliteMessage =
  | { id: number; type: 'output'; stream: 'stdout' | 'stderr' | 'notice'; text: string }
  | { id: number; type: 'done'; ok: boolean; aborted: boolean; message: string | null; tags: string[] };

/** The file a SQLite DSN names: a path, `sqlite:<path>` or `sqlite://<path>`, or `:memory:`. */
export function sqliteFile(dsn: SqlTarget['dsn']): string {
  return dsn.replace(/^sqlite:(\/\/)?/, '');
}

/**
 * The offsets just past each `;` that ends a statement candidate (outside quotes, identifiers and
 * comments), plus the script's end. A trigger body holds several `;`: the caller grows the
 * candidate until SQLite accepts it as complete.
 */
export function statementEnds(script: string): number[] {
  const ends: number[] = [];
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

function run(job: SqliteJob, post: (message: SqliteMessage) => void): void {
  const flag = new Int32Array(job.abort);
  const tags: string[] = [];
  const out = (stream: 'stdout' | 'stderr' | 'notice', text: string) => post({ id: job.id, type: 'output', stream, text });
  const done = (ok: boolean, aborted: boolean, message: string | null) => post({ id: job.id, type: 'done', ok, aborted, message, tags });
  let db: Database.Database;
  try {
    db = new Database(sqliteFile(job.file), { timeout: 5000 });
  } catch (error) {
    out('stderr', `${(error as Error).message}\n`);
    return done(false, false, `cannot open ${job.file}: ${(error as Error).message}`);
  }
  try {
    const ends = statementEnds(job.script);
    let start = 0;
    for (const end of ends) {
      if (Atomics.load(flag, 0) === 1) return done(false, true, null);
      const text = job.script.slice(start, end);
      let statement: Database.Statement;
      try {
        statement = db.prepare(text);
      } catch (error) {
        const message = (error as Error).message;
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
          const rows = statement.raw(true).all() as unknown[][];
          out('stdout', formatRows(statement.columns().map((c) => c.name), rows));
          tags.push(`SELECT ${rows.length}`);
        } else {
          const info = statement.run();
          tags.push(`OK ${info.changes}`);
        }
        out('stdout', `${tags[tags.length - 1]}\n`);
      } catch (error) {
        const message = (error as Error).message;
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
  port.on('message', (job: SqliteJob) => run(job, (message) => port.postMessage(message)));
}

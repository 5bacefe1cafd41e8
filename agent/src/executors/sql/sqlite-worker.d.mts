// Types of sqlite-worker.mjs (plain JavaScript: it runs in worker threads without a TypeScript loader).

/** Given once, when the worker starts. */
export interface SqliteWorkerData {
  /** The abort flag (an Int32 at 0) the main thread sets to stop the current script. */
  abort: SharedArrayBuffer;
  /** A file URL or path to resolve better-sqlite3 from (the agent's own module). */
  driver: string;
}
export interface SqliteJob {
  id: number;
  file: string;
  script: string;
}
export interface SqliteOutput {
  stream: 'stdout' | 'stderr' | 'notice';
  text: string;
}
export type SqliteMessage =
  | { id: number; type: 'output'; chunks: SqliteOutput[] }
  | { id: number; type: 'done'; ok: boolean; aborted: boolean; message: string | null; tags: string[]; chunks: SqliteOutput[] };

/** The file a SQLite DSN names: a path, `sqlite:<path>` or `sqlite://<path>`, or `:memory:`. */
export function sqliteFile(dsn: string): string;
/** The offsets just past each `;` that may end a statement, plus the script's end. */
export function statementEnds(script: string): number[];

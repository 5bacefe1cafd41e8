/**
 * What the SQL drivers share: the target they connect to, the driver signature, and how a result
 * set and a statement's outcome are written to the step's output (rows as tab-separated lines, a
 * bounded number per statement, then the command tag and row count, like psql's unaligned mode).
 */
import type { StepContext, StepResult } from '../executor.ts';

export interface SqlTarget {
  /** The connection's DSN (a URL, or a file path for SQLite), without password. */
  dsn: string;
  /** The resolved secret, or null (then the driver's own defaults apply: PGPASSWORD, ~/.pgpass...). */
  password: string | null;
  /** How the step's session shows itself on the server (application_name, connection attributes). */
  label: string;
}

export type SqlDriver = (script: string, target: SqlTarget, context: StepContext) => Promise<StepResult>;

/** Rows of one result set written to the output, at most this many per statement. */
export const maxRowsShown = 100;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** Header and up to maxRowsShown rows, tab-separated, one line each. */
export function formatRows(columns: string[], rows: unknown[][]): string {
  const lines = [columns.join('\t')];
  for (const row of rows.slice(0, maxRowsShown)) lines.push(row.map(cell).join('\t'));
  if (rows.length > maxRowsShown) lines.push(`[... ${rows.length - maxRowsShown} more rows not shown]`);
  return `${lines.join('\n')}\n`;
}

/** One summary per statement ("SELECT 3", "INSERT 2", ...), joined into the step's message. */
export function summarize(tags: string[]): string | null {
  if (tags.length === 0) return null;
  const text = tags.length === 1 ? tags[0] : `${tags.length} statements: ${tags.join(', ')}`;
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

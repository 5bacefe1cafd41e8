/**
 * What the SQL drivers share: the target they connect to, the driver signature, how a result set
 * is written to the step's output (result-text.mjs) and how statement outcomes are summed up.
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

export { formatRows } from './result-text.mjs';

/** One summary per statement ("SELECT 3", "INSERT 2", ...), joined into the step's message. */
export function summarize(tags: string[]): string | null {
  if (tags.length === 0) return null;
  const text = tags.length === 1 ? tags[0] : `${tags.length} statements: ${tags.join(', ')}`;
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

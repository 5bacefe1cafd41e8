/**
 * The history table as CSV (RFC 4180: comma separated, CRLF, fields quoted when needed). A value
 * a spreadsheet would run as a formula (starting with = + - @, tab or CR) is prefixed with ' , so
 * a job named `=cmd|...` opens as text, not as a command (OWASP "CSV injection").
 */
import { durationBetween } from '../../time-format.ts';
import type { RunRow } from '../pga-run-detail/pga-run-detail.ts';

export const CSV_COLUMNS = ['run', 'job', 'state', 'trigger', 'agent', 'scheduled_for', 'started_at', 'finished_at', 'duration_s', 'attempt', 'message'] as const;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Instants stay ISO 8601 with their offset (UTC), the form every tool reads back. */
export function runsToCsv(runs: RunRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of runs) {
    const ms = r.finished_at ? durationBetween(r.started_at, r.finished_at) : null;
    lines.push(
      [r.id, r.job, r.state, r.trigger, r.agent, r.scheduled_for, r.started_at, r.finished_at, ms === null ? null : (ms / 1000).toFixed(3), r.attempt, r.message].map(csvField).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

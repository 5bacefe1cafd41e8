// @ts-check
/**
 * How a result set is written to a SQL step's output: rows as tab-separated lines under a header,
 * at most maxRowsShown per statement (like psql's unaligned mode). Plain JavaScript because the
 * SQLite worker thread (sqlite-worker.mjs) uses it too. Types: result-text.d.mts.
 */

/** Rows of one result set written to the output, at most this many per statement. */
export const maxRowsShown = 100;

/** @param {unknown} value */
function cell(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/**
 * Header and up to maxRowsShown rows, tab-separated, one line each.
 * @param {string[]} columns
 * @param {unknown[][]} rows
 */
export function formatRows(columns, rows) {
  const lines = [columns.join('\t')];
  for (const row of rows.slice(0, maxRowsShown)) lines.push(row.map(cell).join('\t'));
  if (rows.length > maxRowsShown) lines.push(`[... ${rows.length - maxRowsShown} more rows not shown]`);
  return `${lines.join('\n')}\n`;
}

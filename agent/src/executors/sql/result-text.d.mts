// Types of result-text.mjs.

/** Rows of one result set written to the output, at most this many per statement. */
export const maxRowsShown: number;
/** Header and up to maxRowsShown rows, tab-separated, one line each. */
export function formatRows(columns: string[], rows: unknown[][]): string;

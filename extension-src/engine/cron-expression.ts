/**
 * Cron expressions as Vixie cron (and pg_cron) read them, with nothing added and nothing
 * left loose (issue 16, docs/schedule-spec.md):
 *  - five fields separated by blanks (spaces, tabs): minute 0-59, hour 0-23, day of month 1-31,
 *    month 1-12 or jan..dec, day of week 0-7 or sun..sat (0 and 7 are Sunday); names in any case;
 *  - each field a comma list of `*`, `N`, `A-B`, `*\/S`, `A-B/S` (S >= 1, A <= B, values in range);
 *  - the macros @yearly @annually @monthly @weekly @daily @midnight @hourly (lower case, alone);
 *  - days as Vixie: a day field whose text begins with `*` is unrestricted; when both are
 *    restricted a day matches if either does, otherwise both must;
 *  - an expression that can never fire (30 February...) is invalid.
 *
 * The PL/pgSQL mirror (extension-src/sql/engine/_plpgsql_cron_parse.sql) follows this check for
 * check and words its errors identically: the differential test compares them.
 */

import { describe } from './describe-value.ts';

/** A parsed expression as bit sets, which the search tests in constant time. */
export interface CronFields {
  /** Sorted minutes 0-59 and hours 0-23. */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Bit d - 1 for day of month d. */
  readonly monthDays: number;
  /** Bit m - 1 for month m. */
  readonly months: number;
  /** Bit w for the engine's weekday w (0 = Monday ... 6 = Sunday). */
  readonly weekdays: number;
  /** Vixie: true when either day field begins with `*` (a day must match both), false when either may match. */
  readonly bothDaysMustMatch: boolean;
}

export const CRON_MACROS = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
} as const;

export const CRON_FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;

export const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
/** Cron's numbering: sun = 0. */
export const CRON_DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const LOW = [0, 0, 1, 1, 0];
const HIGH = [59, 23, 31, 12, 7];
const ALLOWED = ['0-59', '0-23', '1-31', '1-12 or jan-dec', '0-7 or sun-sat (0 and 7 are Sunday)'];
const MACRO_LIST = Object.keys(CRON_MACROS).join(', ');
export const CRON_RULE = `a cron expression: five fields "minute hour day-of-month month day-of-week" or one of ${MACRO_LIST}`;

/** `*`, `N`, `A-B`, with an optional `/S`; a value is digits or a three-letter name. */
const ITEM = /^(?:(\*)|([0-9]+|[A-Za-z]{3})(?:-([0-9]+|[A-Za-z]{3}))?)(?:\/([0-9]+))?$/;
const BLANKS = /[ \t]+/;

/**
 * The parsed expression, or the text that follows `schedule expression ` in the error
 * message. Never throws.
 */
export function parseCronExpression(expression: unknown): CronFields | string {
  if (typeof expression !== 'string') return `must be ${CRON_RULE} (got ${describe(expression)})`;
  // Validation and the fire search both parse the spec's expression on every call: remember the
  // last answer (a pure function of the text, so this changes no result, only the cost).
  if (expression === lastText && lastResult !== undefined) return lastResult;
  const result = parse(expression);
  lastText = expression;
  lastResult = result;
  return result;
}

let lastText: string | undefined;
let lastResult: CronFields | string | undefined;

function parse(expression: string): CronFields | string {
  let text = trimBlanks(expression);
  if (text.charCodeAt(0) === 64 /* @ */) {
    const fields = (CRON_MACROS as Record<string, string>)[text];
    if (fields === undefined || !Object.prototype.hasOwnProperty.call(CRON_MACROS, text)) {
      return `must be one of ${MACRO_LIST} when it begins with @ (got ${describe(expression)})`;
    }
    text = fields;
  }
  const parts = text === '' ? [] : text.split(BLANKS);
  if (parts.length !== 5) {
    return `must have five fields separated by blanks, "minute hour day-of-month month day-of-week" (got ${parts.length}: ${describe(expression)})`;
  }
  const sets: boolean[][] = [];
  for (let f = 0; f < 5; f++) {
    const on = parseField(parts[f], f);
    if (typeof on === 'string') return on;
    sets.push(on);
  }
  const minutes: number[] = [];
  const hours: number[] = [];
  let monthDays = 0;
  let months = 0;
  let weekdays = 0;
  for (let v = 0; v < 60; v++) {
    if (sets[0][v] === true) minutes.push(v);
    if (sets[1][v] === true) hours.push(v);
    if (sets[2][v] === true) monthDays |= 1 << (v - 1);
    if (sets[3][v] === true) months |= 1 << (v - 1);
    if (sets[4][v] === true) weekdays |= 1 << ((v + 6) % 7); // cron 0/7 = Sunday -> engine 6, 1 = Monday -> 0
  }
  const bothDaysMustMatch = parts[2].charCodeAt(0) === 42 || parts[4].charCodeAt(0) === 42; // '*'
  if (bothDaysMustMatch && !someMonthHasADay(months, monthDays)) {
    return `can never fire: no month it allows has a day of month it allows (got ${describe(expression)})`;
  }
  return { minutes, hours, monthDays, months, weekdays, bothDaysMustMatch };
}

/** The field's values as flags (on[v] true when v is allowed), or an error text. */
function parseField(text: string, f: number): boolean[] | string {
  const on: boolean[] = [];
  const items = text.split(',');
  for (const item of items) {
    const m = ITEM.exec(item);
    // Messages are built only for a bad item: a good expression pays no describing.
    const what = () => `field ${CRON_FIELD_NAMES[f]} has item ${describe(item)}`;
    const syntax = () => `${what()} that is not *, N, A-B, */S or A-B/S with values ${ALLOWED[f]}`;
    if (m === null || (m[4] !== undefined && m[1] === undefined && m[3] === undefined)) return syntax();
    let from = LOW[f];
    let to = HIGH[f];
    if (m[1] === undefined) {
      const a = valueOf(m[2], f);
      const b = m[3] === undefined ? a : valueOf(m[3], f);
      if (a === undefined || b === undefined) return syntax();
      if (a < LOW[f] || a > HIGH[f] || b < LOW[f] || b > HIGH[f]) return `${what()} outside ${ALLOWED[f]}`;
      if (a > b) return `${what()} whose range is reversed (write the smaller value first)`;
      from = a;
      to = b;
    }
    let step = 1;
    if (m[4] !== undefined) {
      step = Number(m[4]);
      if (step < 1) return `${what()} whose step is not at least 1`;
    }
    for (let v = from; v <= to; v += step) on[v] = true;
  }
  return on;
}

/** A number (any count of digits) or, in the month and day-of-week fields, a name. */
function valueOf(token: string, f: number): number | undefined {
  const c = token.charCodeAt(0);
  if (c >= 48 && c <= 57) return Number(token);
  const name = token.toLowerCase(); // ASCII letters only, by the ITEM pattern
  if (f === 3) {
    const i = (MONTH_NAMES as readonly string[]).indexOf(name);
    return i < 0 ? undefined : i + 1;
  }
  if (f === 4) {
    const i = (CRON_DAY_NAMES as readonly string[]).indexOf(name);
    return i < 0 ? undefined : i;
  }
  return undefined;
}

/** The longest each month can be (February 29 in leap years). */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * When a day must match the day-of-month field: does some allowed month have an allowed day?
 * Then it fires, whatever the day-of-week field says, because every date of the calendar (29
 * February included) falls on every weekday within a 400-year cycle. When either field may
 * match, a restricted day-of-week matches every week, so it always fires.
 */
function someMonthHasADay(months: number, monthDays: number): boolean {
  for (let m = 0; m < 12; m++) {
    if ((months & (1 << m)) !== 0 && (monthDays & ((2 ** LONGEST_MONTH[m] - 1) | 0)) !== 0) return true;
  }
  return false;
}

function trimBlanks(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
  return text.slice(a, b);
}

/**
 * Local wall-clock timestamps (no time zone) as a day number plus a second of the day.
 *
 * Input: `YYYY-MM-DD HH:MM:SS[.f]` with 1 to 6 fraction digits (PostgreSQL prints a
 * `timestamp` with trailing fraction zeros trimmed), `T` accepted instead of the space.
 * Fires are whole seconds, so "strictly after HH:MM:SS.f" equals "strictly after HH:MM:SS"
 * for every fraction f: the fraction is checked for shape and then dropped.
 */

import { dayOfParts, digitsAt, formatIsoDate, type DayNumber } from './civil-date.ts';
import { formatClockTime, secondOfParts, type SecondOfDay } from './clock-time.ts';

export interface LocalTimestamp {
  readonly day: DayNumber;
  readonly second: SecondOfDay;
}

const SPACE = 32;
const LETTER_T = 84;
const DASH = 45;
const COLON = 58;
const DOT = 46;

/** Parses a local timestamp; throws a RangeError naming the expected shape otherwise. */
export function parseLocalTimestamp(text: unknown): LocalTimestamp {
  const parsed = typeof text === 'string' ? parse(text) : undefined;
  if (parsed === undefined) {
    throw new RangeError(
      `after must be a local timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]' in years 0001..9999 (got ${JSON.stringify(String(text)).slice(0, 80)})`,
    );
  }
  return parsed;
}

function parse(text: string): LocalTimestamp | undefined {
  const n = text.length;
  const sep = text.charCodeAt(10);
  if (n < 19 || n === 20 || n > 26) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || (sep !== SPACE && sep !== LETTER_T)) return undefined;
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  if (n > 19 && (text.charCodeAt(19) !== DOT || digitsAt(text, 20, n - 20) < 0)) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const dayOfMonth = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || dayOfMonth < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const day = dayOfParts(year, month, dayOfMonth);
  const secondOfDay = secondOfParts(hour, minute, second);
  return day === undefined || secondOfDay === undefined ? undefined : { day, second: secondOfDay };
}

/** `YYYY-MM-DD HH:MM:SS`. */
export function formatLocalTimestamp(day: DayNumber, second: SecondOfDay): string {
  return formatIsoDate(day) + ' ' + formatClockTime(second);
}

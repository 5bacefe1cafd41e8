/**
 * Civil (proleptic Gregorian) dates as integer day numbers: days since 1970-01-01.
 *
 * Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (days_from_civil / civil_from_days). Pure integer arithmetic, valid far beyond the
 * 0001..9999 range the engine accepts, and allocation-free on the hot paths
 * (`monthIndexOfDay`, `firstDayOfMonthIndex`, `daysInMonthIndex`, `weekdayOf`).
 */

/** A date as days since 1970-01-01 (negative before it). */
export type DayNumber = number;

/** A month as `year * 12 + (month - 1)`: consecutive months are consecutive integers. */
export type MonthIndex = number;

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** Day number of a civil date (month 1..12, day 1..31; not range-checked). */
export function daysFromCivil(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = (month + 9) % 12; // March = 0 ... February = 11
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/**
 * Civil date of a day number packed as `year * 10000 + month * 100 + day`, so the hot paths
 * never allocate. Only valid for year >= 0 (the engine's range is 0001..9999).
 */
function packedCivil(z: DayNumber): number {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365]
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11]
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + day;
}

export function civilFromDays(z: DayNumber): CivilDate {
  const p = packedCivil(z);
  const year = Math.floor(p / 10000);
  const month = Math.floor(p / 100) - year * 100;
  return { year, month, day: p - Math.floor(p / 100) * 100 };
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Weekday, Monday-based: 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday (3). */
export function weekdayOf(z: DayNumber): number {
  const r = (z + 3) % 7;
  return r < 0 ? r + 7 : r;
}

export function monthIndexOfDay(z: DayNumber): MonthIndex {
  const p = packedCivil(z);
  const year = Math.floor(p / 10000);
  return year * 12 + Math.floor(p / 100) - year * 100 - 1;
}

export function firstDayOfMonthIndex(m: MonthIndex): DayNumber {
  const year = Math.floor(m / 12);
  return daysFromCivil(year, m - year * 12 + 1, 1);
}

export function daysInMonthIndex(m: MonthIndex): number {
  const year = Math.floor(m / 12);
  return daysInMonth(year, m - year * 12 + 1);
}

/** 0001-01-01 and 9999-12-31: the range of dates a schedule may name. */
export const MIN_DAY: DayNumber = daysFromCivil(1, 1, 1);
export const MAX_DAY: DayNumber = daysFromCivil(9999, 12, 31);
export const MAX_MONTH_INDEX: MonthIndex = 9999 * 12 + 11;

/**
 * Day number of an exact `YYYY-MM-DD` string naming a real date in years 0001..9999,
 * or `undefined` for anything else (wrong shape, 2023-02-29, year 0000, ...).
 * Hand-parsed (no regex, no match array): it runs several times per nextFires call.
 */
export function parseIsoDate(text: unknown): DayNumber | undefined {
  if (typeof text !== 'string' || text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return dayOfParts(year, month, day);
}

const DASH = 45;
const ZERO = 48;

/** The value of `length` ASCII digits at `start`, or -1 if any is not a digit 0-9. */
export function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Day number of year/month/day if they name a real date in 0001..9999, else `undefined`. */
export function dayOfParts(year: number, month: number, day: number): DayNumber | undefined {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** Zero-padded two-digit strings '00'..'99', so formatting concatenates without padding calls. */
export const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

export function formatIsoDate(z: DayNumber): string {
  const p = packedCivil(z);
  const year = Math.floor(p / 10000);
  const md = p - year * 10000;
  const yy = Math.floor(year / 100);
  return TWO_DIGITS[yy] + TWO_DIGITS[year - yy * 100] + '-' + TWO_DIGITS[Math.floor(md / 100)] + '-' + TWO_DIGITS[md % 100];
}

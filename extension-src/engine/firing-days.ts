/**
 * The first firing day on or after a given day, per schedule type, by arithmetic: the
 * search never walks day by day, and it jumps over a whole exception period at once, so
 * its cost grows with the firing days and exception periods it passes, not with time.
 */

import {
  MAX_MONTH_INDEX,
  daysInMonthIndex,
  firstDayOfMonthIndex,
  monthIndexOfDay,
  weekdayOf,
  type DayNumber,
  type MonthIndex,
} from './civil-date.ts';
import { LAST_ORDINAL, RELATIVE_DAY, RELATIVE_WEEKDAY, RELATIVE_WEEKEND_DAY, type CompiledSchedule } from './compiled-schedule.ts';
import type { CronFields } from './cron-expression.ts';
import type { ExceptionCursor } from './exception-periods.ts';

/** "No such day": greater than any day number the engine handles. */
export const NO_DAY: DayNumber = 1e9;

/** First firing day >= `day` that is not excepted, or NO_DAY. */
export function nextActiveDay(c: CompiledSchedule, day: DayNumber, exceptions: ExceptionCursor): DayNumber {
  let d = day;
  for (;;) {
    d = nextFiringDay(c, d);
    if (d === NO_DAY) return NO_DAY;
    const periodEnd = exceptions.periodEndAt(d);
    if (periodEnd === undefined) return d;
    d = periodEnd + 1;
  }
}

/** First firing day >= `day` within [startDay, endDay], ignoring exceptions, or NO_DAY. */
export function nextFiringDay(c: CompiledSchedule, day: DayNumber): DayNumber {
  const d = day < c.startDay ? c.startDay : day;
  if (d > c.endDay) return NO_DAY;
  let found: DayNumber;
  switch (c.type) {
    case 'once':
      found = d; // startDay = endDay = date
      break;
    case 'daily':
      found = c.startDay + Math.ceil((d - c.startDay) / c.every) * c.every;
      break;
    case 'weekly':
      found = nextWeeklyDay(c, d);
      break;
    case 'monthly':
    case 'monthly_relative':
      found = nextMonthlyDay(c, d);
      break;
    case 'cron':
      found = nextCronDay(c, d);
      break;
  }
  return found > c.endDay ? NO_DAY : found;
}

function nextWeeklyDay(c: CompiledSchedule, d: DayNumber): DayNumber {
  const offset = d - c.weekAnchor; // >= 0 because d >= startDay >= weekAnchor
  let week = Math.floor(offset / 7);
  const behind = week % c.every;
  if (behind === 0) {
    const w = firstListedFrom(c.weekdayBits, offset - week * 7);
    if (w < 7) return c.weekAnchor + week * 7 + w;
    week += c.every;
  } else {
    week += c.every - behind;
  }
  return c.weekAnchor + week * 7 + firstListedFrom(c.weekdayBits, 0);
}

/** The first weekday >= w whose bit is set, or 7 (at most 7 steps: a constant, not a walk through time). */
function firstListedFrom(bits: number, w: number): number {
  while (w < 7 && (bits & (1 << w)) === 0) w++;
  return w;
}

function nextMonthlyDay(c: CompiledSchedule, d: DayNumber): DayNumber {
  let month = monthIndexOfDay(d);
  const behind = (month - c.monthAnchor) % c.every; // month >= monthAnchor because d >= startDay
  if (behind === 0) {
    const candidate = dayInMonth(c, month);
    if (candidate >= d) return candidate;
    month += c.every;
  } else {
    month += c.every - behind;
  }
  // Any day of a later month is after d.
  return month > MAX_MONTH_INDEX ? NO_DAY : dayInMonth(c, month);
}

/**
 * cron: month by month (months the expression leaves out are passed in one step each), and
 * within an allowed month day by day (31 steps at most) under Vixie's rule. A valid expression
 * fires at least once in any 28-year run of its months but 29 February, which needs at most 8
 * years (2096 -> 2104), so the walk is bounded by about a hundred months.
 */
function nextCronDay(c: CompiledSchedule, d: DayNumber): DayNumber {
  const f = c.cron as CronFields;
  let month = monthIndexOfDay(d);
  let first = firstDayOfMonthIndex(month);
  let x = d - first + 1; // day of month
  for (;;) {
    if ((f.months & (1 << month % 12)) !== 0) {
      const length = daysInMonthIndex(month);
      let wd = weekdayOf(first + x - 1);
      for (; x <= length; x++) {
        const dayOk = (f.monthDays & (1 << (x - 1))) !== 0;
        const weekdayOk = (f.weekdays & (1 << wd)) !== 0;
        if (f.bothDaysMustMatch ? dayOk && weekdayOk : dayOk || weekdayOk) return first + x - 1;
        wd = wd === 6 ? 0 : wd + 1;
      }
    }
    month++;
    if (month > MAX_MONTH_INDEX) return NO_DAY;
    first = firstDayOfMonthIndex(month);
    if (first > c.endDay) return NO_DAY;
    x = 1;
  }
}

/** The day a monthly or monthly_relative schedule picks in a month. */
function dayInMonth(c: CompiledSchedule, month: MonthIndex): DayNumber {
  const first = firstDayOfMonthIndex(month);
  const length = daysInMonthIndex(month);
  if (c.type === 'monthly') return first + (c.monthDay < length ? c.monthDay : length) - 1;
  return relativeDay(first, first + length - 1, c.ordinal, c.relativeWeekday);
}

/**
 * The `ordinal` (1..4 or LAST_ORDINAL) day of kind `kind` (0..6 a weekday, or RELATIVE_*) in
 * the month first..last. The first..fourth of each kind always exists (a month has >= 28 days).
 */
export function relativeDay(first: DayNumber, last: DayNumber, ordinal: number, kind: number): DayNumber {
  const firstWeekday = weekdayOf(first);
  if (ordinal === LAST_ORDINAL) {
    const lastWeekday = weekdayOf(last);
    switch (kind) {
      case RELATIVE_DAY:
        return last;
      case RELATIVE_WEEKDAY: // Saturday steps back 1, Sunday 2
        return lastWeekday <= 4 ? last : last - (lastWeekday - 4);
      case RELATIVE_WEEKEND_DAY: // Monday steps back 1 to Sunday, ..., Friday 5
        return lastWeekday >= 5 ? last : last - (lastWeekday + 1);
      default:
        return last - ((lastWeekday - kind + 7) % 7);
    }
  }
  const n = ordinal - 1; // 0-based
  switch (kind) {
    case RELATIVE_DAY:
      return first + n;
    case RELATIVE_WEEKDAY: {
      if (firstWeekday >= 5) return first + (7 - firstWeekday) + n; // starts on a weekend: Monday + n
      return n < 5 - firstWeekday ? first + n : first + n + 2; // at most one weekend to cross
    }
    case RELATIVE_WEEKEND_DAY: {
      if (firstWeekday === 6) return n === 0 ? first : first + 6 + WEEKEND_OFFSETS[n - 1]; // Sunday, then Sat/Sun pairs
      return first + (5 - firstWeekday) + WEEKEND_OFFSETS[n]; // from the first Saturday
    }
    default:
      return first + ((kind - firstWeekday + 7) % 7) + 7 * n;
  }
}

/** From a Saturday, the weekend days are Saturday +0, +1, +7, +8. */
const WEEKEND_OFFSETS: readonly number[] = [0, 1, 7, 8];

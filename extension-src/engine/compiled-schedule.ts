/**
 * A checked spec turned into numbers the search works on: day numbers, month indexes, a
 * weekday bit set, the sub-day slot arithmetic and merged exception periods. Compiles the
 * checked input directly (defaults applied here), so nextFires never builds the normalised spec.
 */

import { MAX_DAY, MIN_DAY, monthIndexOfDay, parseIsoDate, weekdayOf, type DayNumber, type MonthIndex } from './civil-date.ts';
import { parseClockTime, type SecondOfDay } from './clock-time.ts';
import { parseCronExpression, type CronFields } from './cron-expression.ts';
import { mergeExceptionPeriods, type ExceptionPeriods } from './exception-periods.ts';
import { ORDINALS, RELATIVE_WEEKDAYS, SUB_DAY_UNIT_SECONDS, WEEKDAY_NAMES, type ScheduleInput, type ScheduleType } from './spec.ts';

/** `monthly_relative.weekday` codes: 0..6 a named weekday (Monday = 0), then the three kinds. */
export const RELATIVE_DAY = 7;
export const RELATIVE_WEEKDAY = 8;
export const RELATIVE_WEEKEND_DAY = 9;
/** `ordinal` codes: 1..4 for first..fourth, LAST_ORDINAL for last. */
export const LAST_ORDINAL = 5;

export interface CompiledSchedule {
  readonly type: ScheduleType;
  /** First and last day that may fire (once: both the date; end defaults to 9999-12-31). */
  readonly startDay: DayNumber;
  readonly endDay: DayNumber;
  readonly every: number;
  /** weekly: the Monday of week 0, i.e. of the week containing start_date. */
  readonly weekAnchor: DayNumber;
  /** weekly: bit w set when weekday w (0 = Monday) is listed. */
  readonly weekdayBits: number;
  /** monthly and monthly_relative: month 0, the month of start_date. */
  readonly monthAnchor: MonthIndex;
  /** monthly: day of month 1..31 (clamped per month). */
  readonly monthDay: number;
  /** monthly_relative: ordinal 1..5 and weekday code 0..9. */
  readonly ordinal: number;
  readonly relativeWeekday: number;
  /** Sub-day slots: firstSlot, firstSlot + slotStep, ... up to and including lastSlot. */
  readonly firstSlot: SecondOfDay;
  readonly slotStep: number;
  readonly lastSlot: SecondOfDay;
  readonly exceptions: ExceptionPeriods;
  /** cron: the parsed expression (its slots are hours x minutes, its days per cron's rule). */
  readonly cron?: CronFields;
}

/** `spec` must have passed `assertValidSchedule` (or come from `normalize`). */
export function compileSchedule(spec: ScheduleInput): CompiledSchedule {
  if (spec.type === 'cron') {
    // Written out, not spread from a constant: a spread costs microseconds per call here.
    return {
      type: 'cron',
      startDay: spec.start_date === undefined ? MIN_DAY : (parseIsoDate(spec.start_date) as DayNumber),
      endDay: spec.end_date === undefined ? MAX_DAY : (parseIsoDate(spec.end_date) as DayNumber),
      every: 1,
      weekAnchor: 0,
      weekdayBits: 0,
      monthAnchor: 0,
      monthDay: 0,
      ordinal: 0,
      relativeWeekday: 0,
      firstSlot: 0,
      slotStep: 1,
      lastSlot: 0,
      exceptions: mergeExceptionPeriods(spec.exceptions),
      cron: parseCronExpression(spec.expression) as CronFields,
    };
  }
  const once = spec.type === 'once';
  const startDay = parseIsoDate(once ? spec.date : spec.start_date) as DayNumber;
  const endDay = once ? startDay : spec.end_date === undefined ? MAX_DAY : (parseIsoDate(spec.end_date) as DayNumber);

  let weekdayBits = 0;
  if (spec.type === 'weekly') for (const w of spec.weekdays) weekdayBits |= 1 << WEEKDAY_NAMES.indexOf(w);

  const sub = spec.sub;
  let firstSlot: SecondOfDay = 0;
  let slotStep = 1;
  let lastSlot: SecondOfDay = 0;
  if (sub !== undefined && sub.type === 'once') {
    firstSlot = lastSlot = parseClockTime(sub.time) as SecondOfDay;
  } else if (sub !== undefined) {
    firstSlot = sub.start_time === undefined ? 0 : (parseClockTime(sub.start_time) as SecondOfDay);
    slotStep = sub.every * SUB_DAY_UNIT_SECONDS[sub.unit];
    const endTime = sub.end_time === undefined ? 86399 : (parseClockTime(sub.end_time) as SecondOfDay);
    lastSlot = firstSlot + Math.floor((endTime - firstSlot) / slotStep) * slotStep;
  }

  return {
    type: spec.type,
    startDay,
    endDay,
    every: once ? 1 : (spec.every ?? 1),
    weekAnchor: startDay - weekdayOf(startDay),
    weekdayBits,
    monthAnchor: monthIndexOfDay(startDay),
    monthDay: spec.type === 'monthly' ? spec.day : 0,
    ordinal: spec.type === 'monthly_relative' ? ORDINALS.indexOf(spec.ordinal) + 1 : 0,
    relativeWeekday: spec.type === 'monthly_relative' ? RELATIVE_WEEKDAYS.indexOf(spec.weekday) : 0,
    firstSlot,
    slotStep,
    lastSlot,
    exceptions: mergeExceptionPeriods(spec.exceptions),
  };
}


/**
 * The engine's core question: the first `count` local fire times strictly after a local time.
 * Fires come out ascending, formatted `YYYY-MM-DD HH:MM:SS`, up to the horizon 9999-12-31 23:59:59
 * (no firing day lies past 9999-12-31 and no slot past 23:59:59, so the horizon needs no test).
 */

import { formatIsoDate, type DayNumber } from './civil-date.ts';
import { formatClockTime, type SecondOfDay } from './clock-time.ts';
import { compileSchedule, type CompiledSchedule } from './compiled-schedule.ts';
import type { CronFields } from './cron-expression.ts';
import { ExceptionCursor } from './exception-periods.ts';
import { NO_DAY, nextActiveDay } from './firing-days.ts';
import { parseLocalTimestamp } from './local-timestamp.ts';
import { assertValidSchedule } from './validate.ts';

/**
 * Validates `spec` (throws ScheduleSpecError), parses `after` (throws RangeError), and returns
 * up to `count` fires strictly after it. `count` is floored; below 1 (or NaN) it gives [].
 */
export function nextFires(spec: unknown, after: string, count: number): string[] {
  assertValidSchedule(spec);
  return compiledNextFires(compileSchedule(spec), after, count);
}

/**
 * As nextFires, for a schedule already validated and compiled (compileSchedule), so a caller that
 * asks about the same spec many times (the plv8 entry points, engine/sql-entry.ts) does both once.
 */
export function compiledNextFires(c: CompiledSchedule, after: string, count: number): string[] {
  const at = parseLocalTimestamp(after);
  const n = Math.floor(count);
  if (!(n > 0)) return [];
  if (n === Infinity) throw new RangeError('count must be a finite number');
  return firesAfter(c, at.day, at.second, n);
}

/** The first fire strictly after `after`, or null when there is none before the horizon. */
export function nextFire(spec: unknown, after: string): string | null {
  const fires = nextFires(spec, after, 1);
  return fires.length === 0 ? null : fires[0];
}

/** Fires of a compiled schedule strictly after (day, second), at most `count` of them. */
export function firesAfter(c: CompiledSchedule, afterDay: DayNumber, afterSecond: SecondOfDay, count: number): string[] {
  const seconds = fireSecondsAfter(c, afterDay, afterSecond, count);
  const fires: string[] = new Array<string>(seconds.length);
  let date = '';
  let dateDay = NO_DAY;
  for (let i = 0; i < seconds.length; i++) {
    const day = Math.floor(seconds[i] / SECONDS_PER_DAY);
    if (day !== dateDay) {
      dateDay = day;
      date = formatIsoDate(day) + ' ';
    }
    fires[i] = date + formatClockTime(seconds[i] - day * SECONDS_PER_DAY);
  }
  return fires;
}

export const SECONDS_PER_DAY = 86_400;

/**
 * As firesAfter, each fire as a number: its local time read as if it were UTC, in seconds since
 * 1970-01-01 00:00:00 (day * 86,400 + second of the day; whole seconds). What the plv8 entry points
 * map to instants (zone-instants.ts) without formatting and parsing text.
 */
export function fireSecondsAfter(c: CompiledSchedule, afterDay: DayNumber, afterSecond: SecondOfDay, count: number): number[] {
  if (c.cron !== undefined) return cronFiresAfter(c, c.cron, afterDay, afterSecond, count);
  const fires: number[] = [];
  const exceptions = new ExceptionCursor(c.exceptions);
  let day = nextActiveDay(c, afterDay, exceptions);
  let slot = day === afterDay ? slotAfter(c, afterSecond) : c.firstSlot;
  while (day !== NO_DAY) {
    if (slot >= 0) {
      const base = day * SECONDS_PER_DAY;
      for (; slot <= c.lastSlot; slot += c.slotStep) {
        fires.push(base + slot);
        if (fires.length === count) return fires;
      }
    }
    day = nextActiveDay(c, day + 1, exceptions);
    slot = c.firstSlot;
  }
  return fires;
}

/** The first slot of a firing day strictly after `second`, or -1. */
function slotAfter(c: CompiledSchedule, second: SecondOfDay): SecondOfDay {
  if (second < c.firstSlot) return c.firstSlot;
  const slot = c.firstSlot + (Math.floor((second - c.firstSlot) / c.slotStep) + 1) * c.slotStep;
  return slot <= c.lastSlot ? slot : -1;
}

/**
 * cron: a firing day's slots are hours x minutes in order, slot i being
 * hours[i / minutes.length] : minutes[i % minutes.length], computed rather than listed.
 */
function cronFiresAfter(c: CompiledSchedule, f: CronFields, afterDay: DayNumber, afterSecond: SecondOfDay, count: number): number[] {
  const fires: number[] = [];
  const perHour = f.minutes.length;
  const slots = f.hours.length * perHour;
  const exceptions = new ExceptionCursor(c.exceptions);
  let day = nextActiveDay(c, afterDay, exceptions);
  let i = day === afterDay ? cronSlotAfter(f, afterSecond) : 0;
  while (day !== NO_DAY) {
    if (i < slots) {
      const base = day * SECONDS_PER_DAY;
      for (; i < slots; i++) {
        const h = Math.floor(i / perHour);
        fires.push(base + f.hours[h] * 3600 + f.minutes[i - h * perHour] * 60);
        if (fires.length === count) return fires;
      }
    }
    day = nextActiveDay(c, day + 1, exceptions);
    i = 0;
  }
  return fires;
}

/** The index of the first cron slot strictly after `second` (the slot count when none is). */
function cronSlotAfter(f: CronFields, second: SecondOfDay): number {
  const perHour = f.minutes.length;
  let lo = 0;
  let hi = f.hours.length * perHour;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const h = Math.floor(mid / perHour);
    if (f.hours[h] * 3600 + f.minutes[mid - h * perHour] * 60 <= second) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * TEST ONLY: a deliberately naive reference for the fire semantics, walking the calendar one
 * day at a time from the schedule's first day. It shares no code with the engine (its own
 * leap-year rule, Sakamoto's weekday formula, string comparisons of ISO dates, per-month
 * scans for relative days), so agreement between the two is real evidence. Slow by design:
 * never import it from engine code.
 */

import type { CronSchedule, ScheduleSpec } from './spec.ts';

/** cron has its own oracle, cron-minute-oracle.ts. */
type DaySpec = Exclude<ScheduleSpec, CronSchedule>;

function notCron(spec: ScheduleSpec): DaySpec {
  if (spec.type === 'cron') throw new Error('day-by-day oracle: cron schedules go to cron-minute-oracle.ts');
  return spec;
}

const NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ORDINAL_NAMES = ['first', 'second', 'third', 'fourth'];

export interface OracleResult {
  /** Fires strictly after `after`, ascending, at most `count`. */
  fires: string[];
  /** Last date the walk looked at: fires up to its end of day are exhaustive. */
  coveredThrough: string;
}

/**
 * Fires of a normalised spec strictly after `after`, walking at most `maxDaysAfter` days past
 * the date of `after` (and never past 9999-12-31).
 */
export function oracleFires(anySpec: ScheduleSpec, after: string, count: number, maxDaysAfter: number): OracleResult {
  const spec = notCron(anySpec);
  const afterText = after.replace('T', ' ');
  const afterDate = afterText.slice(0, 10);
  const slots = slotSeconds(spec);
  const fires: string[] = [];
  const coveredThrough = walkFiringDays(spec, afterDate, maxDaysAfter, (date) => {
    for (const t of slots) {
      const fire = `${date} ${clockText(t)}`;
      if (fire > afterText) {
        fires.push(fire);
        if (fires.length >= count) return true;
      }
    }
    return false;
  });
  return { fires, coveredThrough };
}

/** The firing dates (no times) from `fromDate` through `toDate`, walking from the schedule's first day. */
export function oracleFiringDates(anySpec: ScheduleSpec, fromDate: string, toDate: string): Set<string> {
  const spec = notCron(anySpec);
  const dates = new Set<string>();
  walkFiringDays(spec, fromDate, Number.MAX_SAFE_INTEGER, (date) => {
    if (date > toDate) return true;
    dates.add(date);
    return false;
  });
  return dates;
}

/** The time slots of a firing day, `HH:MM:SS`. */
export function oracleSlots(spec: ScheduleSpec): string[] {
  return slotSeconds(notCron(spec)).map(clockText);
}

/**
 * Walks day by day from the schedule's first day; calls `visit` for each firing date on or
 * after `fromDate` until it returns true, the end_date / 9999-12-31 passes, or `maxDaysAfter`
 * days past fromDate have been looked at. Returns the last date fully looked at.
 */
function walkFiringDays(spec: DaySpec, fromDate: string, maxDaysAfter: number, visit: (date: string) => boolean): string {
  const first = spec.type === 'once' ? spec.date : spec.start_date;
  const last = spec.type === 'once' ? spec.date : (spec.end_date ?? '9999-12-31');
  let [y, m, d] = first.split('-').map(Number);
  let wd = weekdayOf(y, m, d);
  let dayNo = 0;
  let weekNo = 0;
  let monthNo = 0;
  let picked = pickedDayOfMonth(spec, y, m);
  let daysPastFrom = 0;
  let covered = fromDate;
  for (;;) {
    const date = iso(y, m, d);
    if (date > last) return '9999-12-31';
    if (date >= fromDate) {
      if (daysPastFrom > maxDaysAfter) return covered;
      daysPastFrom++;
    }
    covered = date;
    if (date >= fromDate && firesOn(spec, date, dayNo, weekNo, monthNo, wd, d, picked) && visit(date)) return date;
    if (date === '9999-12-31') return date;
    // Step one day.
    d++;
    if (d > monthLength(y, m)) {
      d = 1;
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
      monthNo++;
      picked = pickedDayOfMonth(spec, y, m);
    }
    wd = (wd + 1) % 7;
    if (wd === 0) weekNo++;
    dayNo++;
  }
}

function firesOn(
  spec: DaySpec,
  date: string,
  dayNo: number,
  weekNo: number,
  monthNo: number,
  wd: number,
  d: number,
  picked: number,
): boolean {
  for (const e of spec.exceptions) {
    if (typeof e === 'string' ? e === date : e.from <= date && date <= e.to) return false;
  }
  switch (spec.type) {
    case 'once':
      return date === spec.date;
    case 'daily':
      return dayNo % spec.every === 0;
    case 'weekly':
      return weekNo % spec.every === 0 && (spec.weekdays as string[]).includes(NAMES[wd]);
    case 'monthly':
    case 'monthly_relative':
      return monthNo % spec.every === 0 && d === picked;
  }
}

/** The day of month a monthly / monthly_relative spec picks in year y, month m (0 otherwise). */
function pickedDayOfMonth(spec: DaySpec, y: number, m: number): number {
  const length = monthLength(y, m);
  if (spec.type === 'monthly') return Math.min(spec.day, length);
  if (spec.type !== 'monthly_relative') return 0;
  const matches: number[] = [];
  for (let d = 1; d <= length; d++) {
    const wd = weekdayOf(y, m, d);
    const kind = spec.weekday;
    const ok = kind === 'day' || (kind === 'weekday' ? wd <= 4 : kind === 'weekend_day' ? wd >= 5 : NAMES[wd] === kind);
    if (ok) matches.push(d);
  }
  return spec.ordinal === 'last' ? matches[matches.length - 1] : matches[ORDINAL_NAMES.indexOf(spec.ordinal)];
}

function slotSeconds(spec: DaySpec): number[] {
  const sub = spec.sub;
  if (sub.type === 'once') return [seconds(sub.time)];
  const step = sub.every * (sub.unit === 'second' ? 1 : sub.unit === 'minute' ? 60 : 3600);
  const out: number[] = [];
  for (let t = seconds(sub.start_time); t <= seconds(sub.end_time); t += step) out.push(t);
  return out;
}

function clockText(t: number): string {
  return [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

function seconds(time: string): number {
  const [h, mi, s] = time.split(':').map(Number);
  return h * 3600 + mi * 60 + (s ?? 0);
}

function monthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Sakamoto's method, shifted so 0 = Monday. */
function weekdayOf(y: number, m: number, d: number): number {
  const t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  const yy = m < 3 ? y - 1 : y;
  const sunday0 = (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) + t[m - 1] + d) % 7;
  return (sunday0 + 6) % 7;
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Validation of a schedule spec, in the exact order docs/schedule-spec.md and the PL/pgSQL
 * mirror follow, so both report the same `field` for the same bad spec:
 *
 *  1. `spec` is a plain object; 2. `type`; 3. unknown top-level keys, first in code-unit order;
 *  4. time_zone, date, start_date, end_date, every, weekdays, day, ordinal, weekday, expression;
 *  5. sub (type, unknown keys, then its fields); 6. exceptions, element by element.
 *
 * A key whose value is `undefined` counts as absent (JSON has no undefined); `null` is a
 * value, so `"end_date": null` is an error, not "no end date".
 *
 * It runs on every nextFires call, so the happy path builds no strings and no arrays; fields
 * are read by name once the key check has proved every own key is a known field.
 */

import { parseIsoDate, type DayNumber } from './civil-date.ts';
import { parseClockTime, type SecondOfDay } from './clock-time.ts';
import { CRON_RULE, parseCronExpression } from './cron-expression.ts';
import { describe } from './describe-value.ts';
import { normalize } from './normalize.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import {
  EXCEPTION_PERIOD_KEYS,
  MAX_EVERY,
  MAX_MONTH_DAY,
  MIN_EVERY,
  MIN_MONTH_DAY,
  ORDINALS,
  RELATIVE_WEEKDAYS,
  SCHEDULE_TYPES,
  SPEC_KEYS,
  SUB_DAY_KEYS,
  SUB_DAY_TYPES,
  SUB_DAY_UNITS,
  WEEKDAY_NAMES,
  type ScheduleInput,
  type ScheduleSpec,
} from './spec.ts';

type JsonObject = Record<string, unknown>;

/** The fields of a spec or sub object, before they are checked. */
interface RawFields {
  type?: unknown;
  time_zone?: unknown;
  date?: unknown;
  start_date?: unknown;
  end_date?: unknown;
  every?: unknown;
  weekdays?: unknown;
  day?: unknown;
  ordinal?: unknown;
  weekday?: unknown;
  sub?: unknown;
  exceptions?: unknown;
  time?: unknown;
  unit?: unknown;
  start_time?: unknown;
  end_time?: unknown;
  from?: unknown;
  to?: unknown;
  expression?: unknown;
}

const DATE_RULE = 'a date YYYY-MM-DD in years 0001..9999';
const TIME_RULE = 'a time HH:MM or HH:MM:SS (hours 00-23, minutes and seconds 00-59)';
const EVERY_RULE = `an integer from ${MIN_EVERY} to ${MAX_EVERY}`;
const WEEKDAYS_RULE = `a non-empty array of ${WEEKDAY_NAMES.join(', ')}`;

/** Returns the normalised spec (defaults filled) or throws `ScheduleSpecError`. */
export function validateSchedule(spec: unknown): ScheduleSpec {
  assertValidSchedule(spec);
  return normalize(spec);
}

/**
 * Throws `ScheduleSpecError` unless `spec` is valid; builds nothing (the fire search compiles
 * the checked input directly, so the hot path skips normalisation).
 */
export function assertValidSchedule(spec: unknown): asserts spec is ScheduleInput {
  if (!isPlainObject(spec)) fail('spec', `must be a JSON object (got ${describe(spec)})`);
  const type = ownField(spec, 'type');
  if (type === undefined) fail('type', `is required: one of ${SCHEDULE_TYPES.join(', ')}`);
  if (!isOneOf(SCHEDULE_TYPES, type)) fail('type', `must be one of ${SCHEDULE_TYPES.join(', ')} (got ${describe(type)})`);

  checkKeys(spec, SPEC_KEYS[type], '', type);
  const s = spec as RawFields; // every own key is now a known field

  if (s.time_zone !== undefined && (typeof s.time_zone !== 'string' || s.time_zone === '')) {
    fail('time_zone', `must be a non-empty string naming an IANA time zone (got ${describe(s.time_zone)})`);
  }

  if (type === 'once') {
    requiredDate(s.date, 'date', type);
  } else if (type === 'cron') {
    // start_date is optional for cron: the expression alone may decide.
    const start = s.start_date === undefined ? undefined : dateValue(s.start_date, 'start_date');
    if (s.end_date !== undefined) {
      const end = dateValue(s.end_date, 'end_date');
      if (start !== undefined && end < start) fail('end_date', `(${s.end_date as string}) is before start_date (${s.start_date as string})`);
    }
    if (s.expression === undefined) fail('expression', `is required for a cron schedule: ${CRON_RULE}`);
    const parsed = parseCronExpression(s.expression);
    if (typeof parsed === 'string') fail('expression', parsed);
  } else {
    const start = requiredDate(s.start_date, 'start_date', type);
    if (s.end_date !== undefined) {
      const end = dateValue(s.end_date, 'end_date');
      if (end < start) fail('end_date', `(${s.end_date as string}) is before start_date (${s.start_date as string})`);
    }
    if (s.every !== undefined) integerInRange(s.every, 'every', MIN_EVERY, MAX_EVERY);

    if (type === 'weekly') checkWeekdays(s.weekdays);
    if (type === 'monthly') {
      if (s.day === undefined) fail('day', `is required for a monthly schedule: an integer from ${MIN_MONTH_DAY} to ${MAX_MONTH_DAY}`);
      integerInRange(s.day, 'day', MIN_MONTH_DAY, MAX_MONTH_DAY);
    }
    if (type === 'monthly_relative') {
      oneOf(s.ordinal, 'ordinal', ORDINALS);
      oneOf(s.weekday, 'weekday', RELATIVE_WEEKDAYS);
    }
  }

  if (s.sub !== undefined) checkSubDay(s.sub);
  if (s.exceptions !== undefined) checkExceptions(s.exceptions);
}

function checkWeekdays(weekdays: unknown): void {
  if (weekdays === undefined) fail('weekdays', `is required for a weekly schedule: ${WEEKDAYS_RULE}`);
  if (!Array.isArray(weekdays) || weekdays.length === 0) fail('weekdays', `must be ${WEEKDAYS_RULE} (got ${describe(weekdays)})`);
  for (let i = 0; i < weekdays.length; i++) {
    if (!isOneOf(WEEKDAY_NAMES, weekdays[i])) {
      fail(`weekdays[${i}]`, `must be one of ${WEEKDAY_NAMES.join(', ')} (got ${describe(weekdays[i])})`);
    }
  }
}

function checkSubDay(sub: unknown): void {
  if (!isPlainObject(sub)) {
    fail('sub', `must be an object {"type": "once", "time": T} or {"type": "every", "every": N, "unit": U, "start_time": T, "end_time": T} (got ${describe(sub)})`);
  }
  const type = ownField(sub, 'type');
  if (type === undefined) fail('sub.type', `is required: one of ${SUB_DAY_TYPES.join(', ')}`);
  if (!isOneOf(SUB_DAY_TYPES, type)) fail('sub.type', `must be one of ${SUB_DAY_TYPES.join(', ')} (got ${describe(type)})`);
  checkKeys(sub, SUB_DAY_KEYS[type], 'sub.', type);
  const s = sub as RawFields;

  if (type === 'once') {
    if (s.time === undefined) fail('sub.time', `is required for a sub-day "once": ${TIME_RULE}`);
    timeValue(s.time, 'sub.time');
    return;
  }
  if (s.every === undefined) fail('sub.every', `is required for a sub-day "every": ${EVERY_RULE}`);
  integerInRange(s.every, 'sub.every', MIN_EVERY, MAX_EVERY);
  if (s.unit === undefined) fail('sub.unit', `is required for a sub-day "every": one of ${SUB_DAY_UNITS.join(', ')}`);
  oneOf(s.unit, 'sub.unit', SUB_DAY_UNITS);
  const start = s.start_time === undefined ? 0 : timeValue(s.start_time, 'sub.start_time');
  if (s.end_time !== undefined) {
    const end = timeValue(s.end_time, 'sub.end_time');
    if (end < start) fail('sub.end_time', `(${s.end_time as string}) is before sub.start_time (${(s.start_time as string | undefined) ?? '00:00:00'})`);
  }
}

function checkExceptions(exceptions: unknown): void {
  if (!Array.isArray(exceptions)) {
    fail('exceptions', `must be an array of dates YYYY-MM-DD and {"from": date, "to": date} periods (got ${describe(exceptions)})`);
  }
  for (let i = 0; i < exceptions.length; i++) {
    const e: unknown = exceptions[i];
    if (typeof e === 'string') {
      if (parseIsoDate(e) === undefined) fail(`exceptions[${i}]`, `must be ${DATE_RULE} (got ${describe(e)})`);
    } else if (isPlainObject(e)) {
      checkKeys(e, EXCEPTION_PERIOD_KEYS, `exceptions[${i}].`, '');
      const p = e as RawFields;
      const from = parseIsoDate(p.from);
      if (from === undefined) fail(`exceptions[${i}].from`, dateProblem(p.from, 'in an exception period'));
      const to = parseIsoDate(p.to);
      if (to === undefined) fail(`exceptions[${i}].to`, dateProblem(p.to, 'in an exception period'));
      if (to < from) fail(`exceptions[${i}].to`, `(${p.to as string}) is before exceptions[${i}].from (${p.from as string})`);
    } else {
      fail(`exceptions[${i}]`, `must be ${DATE_RULE} or a {"from": date, "to": date} period (got ${describe(e)})`);
    }
  }
}

function requiredDate(value: unknown, path: string, type: string): DayNumber {
  const day = parseIsoDate(value);
  if (day === undefined) fail(path, dateProblem(value, `for a ${type} schedule`));
  return day;
}

function dateValue(value: unknown, path: string): DayNumber {
  const day = parseIsoDate(value);
  if (day === undefined) fail(path, dateProblem(value, ''));
  return day;
}

function dateProblem(value: unknown, context: string): string {
  if (value === undefined) return `is required ${context}: ${DATE_RULE}`;
  return `must be ${DATE_RULE} (got ${describe(value)})`;
}

function timeValue(value: unknown, path: string): SecondOfDay {
  const second = parseClockTime(value);
  if (second === undefined) fail(path, `must be ${TIME_RULE} (got ${describe(value)})`);
  return second;
}

function integerInRange(value: unknown, path: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
}

function oneOf(value: unknown, path: string, allowed: readonly string[]): void {
  if (value === undefined) fail(path, `is required: one of ${allowed.join(', ')}`);
  if (!isOneOf(allowed, value)) fail(path, `must be one of ${allowed.join(', ')} (got ${describe(value)})`);
}

/**
 * Unknown keys: the first offending key in code-unit order (`Object.keys(o).sort()`) is
 * reported. The common case (no unknown key) is checked without allocating or sorting.
 * `prefix` says whose keys these are ('', 'sub.' or 'exceptions[i].'), `type` the spec or sub type.
 */
function checkKeys(obj: JsonObject, allowed: readonly string[], prefix: string, type: string): void {
  let unknown = false;
  for (const key in obj) {
    if (obj[key] !== undefined && !allowed.includes(key) && hasOwn.call(obj, key)) unknown = true;
  }
  if (!unknown) return;
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] !== undefined && !allowed.includes(key)) {
      const owner = prefix === '' ? `a ${type} schedule` : prefix === 'sub.' ? `a sub-day "${type}"` : 'an exception period';
      fail(prefix + key, `is not allowed in ${owner}; allowed fields: ${allowed.join(', ')}`);
    }
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function ownField(obj: JsonObject, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined;
}

/**
 * A JSON object: not null, not an array, not a Date/Map/class instance. Checked without
 * comparing to this realm's Object.prototype, so objects from another realm (an iframe, a
 * vm context, plv8's parsed jsonb) are accepted.
 */
function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype) return true;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function fail(path: string, rest: string): never {
  throw new ScheduleSpecError(path, `schedule ${path} ${rest}`);
}

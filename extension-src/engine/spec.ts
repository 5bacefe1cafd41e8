/**
 * The schedule spec: vocabularies, the normalised spec types and the looser input types.
 * The contract is docs/schedule-spec.md; field names are the JSON keys.
 */

export const SCHEDULE_TYPES = ['once', 'daily', 'weekly', 'monthly', 'monthly_relative', 'cron'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** Monday first: the index in this list is the engine's weekday number (0 = Monday). */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export const ORDINALS = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type Ordinal = (typeof ORDINALS)[number];

/** `monthly_relative.weekday`: a named weekday, or `day` (any day), `weekday` (Mon-Fri), `weekend_day` (Sat, Sun). */
export const RELATIVE_WEEKDAYS = [...WEEKDAY_NAMES, 'day', 'weekday', 'weekend_day'] as const;
export type RelativeWeekday = (typeof RELATIVE_WEEKDAYS)[number];

export const SUB_DAY_TYPES = ['once', 'every'] as const;
export type SubDayType = (typeof SUB_DAY_TYPES)[number];

export const SUB_DAY_UNITS = ['second', 'minute', 'hour'] as const;
export type SubDayUnit = (typeof SUB_DAY_UNITS)[number];

export const SUB_DAY_UNIT_SECONDS = { second: 1, minute: 60, hour: 3600 } as const satisfies Record<SubDayUnit, number>;

/** Bounds of `every` (top level and in `sub`). */
export const MIN_EVERY = 1;
export const MAX_EVERY = 100000;
export const MIN_MONTH_DAY = 1;
export const MAX_MONTH_DAY = 31;

export const DEFAULT_TIME_ZONE = 'UTC';
export const DEFAULT_START_TIME = '00:00:00';
export const DEFAULT_END_TIME = '23:59:59';

/** Keys every type allows, and the extra keys of each type. */
const COMMON_KEYS = ['type', 'time_zone', 'sub', 'exceptions'] as const;
const RECURRING_KEYS = ['start_date', 'end_date', 'every'] as const;

export const SPEC_KEYS = {
  once: [...COMMON_KEYS, 'date'],
  daily: [...COMMON_KEYS, ...RECURRING_KEYS],
  weekly: [...COMMON_KEYS, ...RECURRING_KEYS, 'weekdays'],
  monthly: [...COMMON_KEYS, ...RECURRING_KEYS, 'day'],
  monthly_relative: [...COMMON_KEYS, ...RECURRING_KEYS, 'ordinal', 'weekday'],
  // No `sub` and no `every`: the expression says the times of day and which days.
  cron: ['type', 'time_zone', 'exceptions', 'start_date', 'end_date', 'expression'],
} as const satisfies Record<ScheduleType, readonly string[]>;

export const SUB_DAY_KEYS = {
  once: ['type', 'time'],
  every: ['type', 'every', 'unit', 'start_time', 'end_time'],
} as const satisfies Record<SubDayType, readonly string[]>;

export const EXCEPTION_PERIOD_KEYS = ['from', 'to'] as const;

/** Dates are `YYYY-MM-DD`, times `HH:MM:SS` once normalised (`HH:MM` accepted on input). */
export type IsoDate = string;
export type ClockTime = string;

export interface SubDayOnce {
  type: 'once';
  time: ClockTime;
}

export interface SubDayEvery {
  type: 'every';
  every: number;
  unit: SubDayUnit;
  start_time: ClockTime;
  end_time: ClockTime;
}

export type SubDay = SubDayOnce | SubDayEvery;

export interface ExceptionPeriod {
  from: IsoDate;
  to: IsoDate;
}

/** A single date, or an inclusive period. */
export type ScheduleException = IsoDate | ExceptionPeriod;

interface CommonFields {
  time_zone: string;
  sub: SubDay;
  exceptions: ScheduleException[];
}

interface RecurringFields extends CommonFields {
  start_date: IsoDate;
  /** Inclusive; absent means no end. */
  end_date?: IsoDate;
  every: number;
}

export interface OnceSchedule extends CommonFields {
  type: 'once';
  date: IsoDate;
}

export interface DailySchedule extends RecurringFields {
  type: 'daily';
}

export interface WeeklySchedule extends RecurringFields {
  type: 'weekly';
  /** Normalised: no duplicates, Monday first. */
  weekdays: WeekdayName[];
}

export interface MonthlySchedule extends RecurringFields {
  type: 'monthly';
  day: number;
}

export interface MonthlyRelativeSchedule extends RecurringFields {
  type: 'monthly_relative';
  ordinal: Ordinal;
  weekday: RelativeWeekday;
}

/**
 * A five-field cron expression or a macro (see cron-expression.ts and docs/schedule-spec.md),
 * read in `time_zone` like every other type. start_date is optional here: without it the
 * expression alone decides.
 */
export interface CronSchedule {
  type: 'cron';
  expression: string;
  time_zone: string;
  start_date?: IsoDate;
  /** Inclusive; absent means no end. */
  end_date?: IsoDate;
  exceptions: ScheduleException[];
}

/** A validated spec with every default filled in (what `validateSchedule` returns). */
export type ScheduleSpec = OnceSchedule | DailySchedule | WeeklySchedule | MonthlySchedule | MonthlyRelativeSchedule | CronSchedule;

/** What a user (or the UI form) may write: defaults may be left out. */
export type SubDayInput = SubDayOnce | (Omit<SubDayEvery, 'start_time' | 'end_time'> & { start_time?: ClockTime; end_time?: ClockTime });

type Input<S> = S extends CronSchedule
  ? Omit<S, 'time_zone' | 'exceptions'> & Partial<Pick<S, 'time_zone' | 'exceptions'>>
  : S extends RecurringFields
  ? Omit<S, keyof CommonFields | 'every'> & Partial<Pick<S, 'time_zone' | 'exceptions' | 'every'>> & { sub?: SubDayInput }
  : Omit<S, keyof CommonFields> & Partial<Pick<CommonFields, 'time_zone' | 'exceptions'>> & { sub?: SubDayInput };

export type ScheduleInput = Input<ScheduleSpec>;

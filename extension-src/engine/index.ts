/**
 * The schedule engine's public face: validation, normalisation and next-fire computation on
 * local wall-clock time. Pure ES2021: no Date, no Intl, no I/O, no dependencies.
 */

export { ScheduleSpecError } from './schedule-spec-error.ts';
export { validateSchedule } from './validate.ts';
export { normalize } from './normalize.ts';
export { nextFire, nextFires } from './next-fires.ts';
export { checkSchedule, nextFiresLocal } from './sql-entry.ts';
// For the schedule editor's cron mode: the parser (bit sets or the error text) and its vocabularies.
export { CRON_DAY_NAMES, CRON_FIELD_NAMES, CRON_MACROS, MONTH_NAMES, parseCronExpression } from './cron-expression.ts';
export type { CronFields } from './cron-expression.ts';
export {
  DEFAULT_END_TIME,
  DEFAULT_START_TIME,
  DEFAULT_TIME_ZONE,
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
} from './spec.ts';
export type {
  ClockTime,
  CronSchedule,
  DailySchedule,
  ExceptionPeriod,
  IsoDate,
  MonthlyRelativeSchedule,
  MonthlySchedule,
  OnceSchedule,
  Ordinal,
  RelativeWeekday,
  ScheduleException,
  ScheduleInput,
  ScheduleSpec,
  ScheduleType,
  SubDay,
  SubDayEvery,
  SubDayInput,
  SubDayOnce,
  SubDayType,
  SubDayUnit,
  WeekdayName,
  WeeklySchedule,
} from './spec.ts';

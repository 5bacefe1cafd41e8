/**
 * Fills the defaults of a spec and puts it in canonical form: times as `HH:MM:SS`, weekdays
 * deduplicated Monday first, keys in a fixed order. It does not validate: `validateSchedule`
 * checks first and then calls this; the UI may call it on a spec its form built.
 */

import {
  DEFAULT_END_TIME,
  DEFAULT_START_TIME,
  DEFAULT_TIME_ZONE,
  WEEKDAY_NAMES,
  type ClockTime,
  type ScheduleException,
  type ScheduleInput,
  type ScheduleSpec,
  type SubDay,
  type SubDayInput,
} from './spec.ts';

const DEFAULT_SUB: SubDay = { type: 'once', time: DEFAULT_START_TIME };

export function normalize(input: ScheduleInput): ScheduleSpec {
  const common = {
    time_zone: input.time_zone ?? DEFAULT_TIME_ZONE,
    sub: input.type === 'cron' || input.sub === undefined ? { ...DEFAULT_SUB } : normalizeSubDay(input.sub),
    exceptions: (input.exceptions ?? []).map(copyException),
  };
  if (input.type === 'cron') {
    return {
      type: 'cron',
      expression: input.expression,
      time_zone: common.time_zone,
      ...(input.start_date === undefined ? {} : { start_date: input.start_date }),
      ...(input.end_date === undefined ? {} : { end_date: input.end_date }),
      exceptions: common.exceptions,
    };
  }
  if (input.type === 'once') return { type: 'once', date: input.date, ...common };
  const recurring = {
    start_date: input.start_date,
    ...(input.end_date === undefined ? {} : { end_date: input.end_date }),
    every: input.every ?? 1,
    ...common,
  };
  switch (input.type) {
    case 'daily':
      return { type: 'daily', ...recurring };
    case 'weekly':
      return { type: 'weekly', weekdays: WEEKDAY_NAMES.filter((w) => input.weekdays.includes(w)), ...recurring };
    case 'monthly':
      return { type: 'monthly', day: input.day, ...recurring };
    case 'monthly_relative':
      return { type: 'monthly_relative', ordinal: input.ordinal, weekday: input.weekday, ...recurring };
  }
}

function normalizeSubDay(sub: SubDayInput): SubDay {
  if (sub.type === 'once') return { type: 'once', time: withSeconds(sub.time) };
  return {
    type: 'every',
    every: sub.every,
    unit: sub.unit,
    start_time: withSeconds(sub.start_time ?? DEFAULT_START_TIME),
    end_time: withSeconds(sub.end_time ?? DEFAULT_END_TIME),
  };
}

function withSeconds(time: ClockTime): ClockTime {
  return time.length === 5 ? time + ':00' : time;
}

function copyException(e: ScheduleException): ScheduleException {
  return typeof e === 'string' ? e : { from: e.from, to: e.to };
}

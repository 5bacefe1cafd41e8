/**
 * Valid once, daily and weekly schedules with hand-computed next fires (see fixtures.ts).
 * 2026-01-01 is a Thursday; weeks are Monday-based.
 */

import type { ScheduleCase } from './fixtures.ts';

const once: ScheduleCase[] = [
  {
    name: 'once: default sub fires at midnight of the date',
    spec: { type: 'once', date: '2026-03-15' },
    after: '2026-01-01 00:00:00',
    count: 3,
    expect: ['2026-03-15 00:00:00'],
  },
  {
    name: 'once: after exactly on the fire gives nothing (strictly after)',
    spec: { type: 'once', date: '2026-03-15', sub: { type: 'once', time: '14:30' } },
    after: '2026-03-15 14:30:00',
    count: 1,
    expect: [],
  },
  {
    name: 'once: after a microsecond before the fire',
    spec: { type: 'once', date: '2026-03-15', sub: { type: 'once', time: '14:30' } },
    after: '2026-03-15 14:29:59.999999',
    count: 1,
    expect: ['2026-03-15 14:30:00'],
  },
  {
    name: 'once: date in the past gives nothing',
    spec: { type: 'once', date: '2020-01-01', time_zone: 'Europe/Berlin' },
    after: '2026-01-01 00:00:00',
    count: 5,
    expect: [],
  },
  {
    name: 'once: sub every 4 hours 06:00-20:00, after mid-window',
    spec: { type: 'once', date: '2026-06-01', sub: { type: 'every', every: 4, unit: 'hour', start_time: '06:00', end_time: '20:00' } },
    after: '2026-06-01 09:00:00',
    count: 10,
    expect: ['2026-06-01 10:00:00', '2026-06-01 14:00:00', '2026-06-01 18:00:00'],
  },
  {
    name: 'once: the last second of the horizon',
    spec: { type: 'once', date: '9999-12-31', sub: { type: 'once', time: '23:59:59' } },
    after: '9999-12-31 23:59:58',
    count: 2,
    expect: ['9999-12-31 23:59:59'],
  },
  {
    name: 'once: after with T separator',
    spec: { type: 'once', date: '2026-03-15', sub: { type: 'once', time: '08:00:00' } },
    after: '2026-03-15T07:59:59',
    count: 1,
    expect: ['2026-03-15 08:00:00'],
  },
];

const daily: ScheduleCase[] = [
  {
    name: 'daily: every day from start_date',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '09:00' } },
    after: '2025-12-31 12:00:00',
    count: 3,
    expect: ['2026-01-01 09:00:00', '2026-01-02 09:00:00', '2026-01-03 09:00:00'],
  },
  {
    name: 'daily: after exactly on a fire moves to the next day',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '09:00' } },
    after: '2026-01-10 09:00:00',
    count: 2,
    expect: ['2026-01-11 09:00:00', '2026-01-12 09:00:00'],
  },
  {
    name: 'daily: every 3 days anchored at start_date (Jan 1, 4, 7, ...)',
    spec: { type: 'daily', start_date: '2026-01-01', every: 3 },
    after: '2026-01-05 00:00:00',
    count: 3,
    expect: ['2026-01-07 00:00:00', '2026-01-10 00:00:00', '2026-01-13 00:00:00'],
  },
  {
    // 2000-01-01 .. 2026-01-01 is 26*365 + 7 leap days = 9497 days; next multiple of 10 is 9500.
    name: 'daily: every 10 days anchored 26 years back',
    spec: { type: 'daily', start_date: '2000-01-01', every: 10 },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-01-04 00:00:00', '2026-01-14 00:00:00'],
  },
  {
    name: 'daily: every 7 days, after before start_date',
    spec: { type: 'daily', start_date: '2026-02-10', every: 7, sub: { type: 'once', time: '06:30' } },
    after: '2026-01-01 00:00:00',
    count: 3,
    expect: ['2026-02-10 06:30:00', '2026-02-17 06:30:00', '2026-02-24 06:30:00'],
  },
  {
    name: 'daily: end_date is inclusive',
    spec: { type: 'daily', start_date: '2026-01-01', end_date: '2026-01-03', sub: { type: 'once', time: '12:00' } },
    after: '2026-01-01 12:00:00',
    count: 5,
    expect: ['2026-01-02 12:00:00', '2026-01-03 12:00:00'],
  },
  {
    name: 'daily: after the last fire before end_date gives nothing',
    spec: { type: 'daily', start_date: '2026-01-01', end_date: '2026-01-03', sub: { type: 'once', time: '12:00' } },
    after: '2026-01-03 12:00:00',
    count: 5,
    expect: [],
  },
  {
    name: 'daily: every 2 days, end_date not itself a firing day',
    spec: { type: 'daily', start_date: '2026-01-01', end_date: '2026-01-06', every: 2 },
    after: '2025-12-31 23:59:59',
    count: 10,
    expect: ['2026-01-01 00:00:00', '2026-01-03 00:00:00', '2026-01-05 00:00:00'],
  },
  {
    // 2026-01-01 + 100000 days: 273 years (66 leap days) = 99711 days to 2299-01-01, then day 289 of 2299 = Oct 17.
    name: 'daily: every 100000 days, next fire 273 years later',
    spec: { type: 'daily', start_date: '2026-01-01', every: 100000 },
    after: '2026-01-01 00:00:00',
    count: 1,
    expect: ['2299-10-17 00:00:00'],
  },
  {
    name: 'daily: every 100000 days from 9800 has no fire before the horizon',
    spec: { type: 'daily', start_date: '9800-01-01', every: 100000 },
    after: '9800-01-01 00:00:00',
    count: 3,
    expect: [],
  },
  {
    name: 'daily: stops at the horizon 9999-12-31',
    spec: { type: 'daily', start_date: '9999-12-30', sub: { type: 'once', time: '23:59:59' } },
    after: '9999-12-29 00:00:00',
    count: 5,
    expect: ['9999-12-30 23:59:59', '9999-12-31 23:59:59'],
  },
  {
    name: 'daily: every 3 days across 1970-01-01 (negative day numbers)',
    spec: { type: 'daily', start_date: '1969-12-30', every: 3 },
    after: '1969-12-30 00:00:00',
    count: 2,
    expect: ['1970-01-02 00:00:00', '1970-01-05 00:00:00'],
  },
  {
    name: 'daily: from year 0001, after with a fraction',
    spec: { type: 'daily', start_date: '0001-01-01' },
    after: '0001-01-01 00:00:00.5',
    count: 2,
    expect: ['0001-01-02 00:00:00', '0001-01-03 00:00:00'],
  },
  {
    name: 'daily: through the leap day 2024-02-29',
    spec: { type: 'daily', start_date: '2024-02-27' },
    after: '2024-02-27 00:00:00',
    count: 3,
    expect: ['2024-02-28 00:00:00', '2024-02-29 00:00:00', '2024-03-01 00:00:00'],
  },
  {
    name: 'daily: 1900 is not a leap year',
    spec: { type: 'daily', start_date: '1900-02-27' },
    after: '1900-02-27 00:00:00',
    count: 2,
    expect: ['1900-02-28 00:00:00', '1900-03-01 00:00:00'],
  },
  {
    name: 'daily: after on a leap day',
    spec: { type: 'daily', start_date: '2024-01-01', sub: { type: 'once', time: '06:00' } },
    after: '2024-02-29 12:00:00',
    count: 2,
    expect: ['2024-03-01 06:00:00', '2024-03-02 06:00:00'],
  },
];

const weekly: ScheduleCase[] = [
  {
    name: 'weekly: mon, wed, fri',
    spec: { type: 'weekly', weekdays: ['mon', 'wed', 'fri'], start_date: '2026-01-05', sub: { type: 'once', time: '09:00' } },
    after: '2026-01-05 09:00:00',
    count: 4,
    expect: ['2026-01-07 09:00:00', '2026-01-09 09:00:00', '2026-01-12 09:00:00', '2026-01-14 09:00:00'],
  },
  {
    // Week 0 is Mon 2026-01-05..Sun 01-11; Mon 01-05 is before start_date.
    name: 'weekly: every 2 weeks, start mid-week, days of week 0 before start_date skipped',
    spec: { type: 'weekly', weekdays: ['mon', 'fri'], start_date: '2026-01-07', every: 2 },
    after: '2026-01-01 00:00:00',
    count: 4,
    expect: ['2026-01-09 00:00:00', '2026-01-19 00:00:00', '2026-01-23 00:00:00', '2026-02-02 00:00:00'],
  },
  {
    // Week 0 starts Mon 2024-12-30; Mon 2025-12-29 is week 52; next multiple of 3 is week 54 (Mon 2026-01-12).
    name: 'weekly: every 3 weeks anchored a year back',
    spec: { type: 'weekly', weekdays: ['tue'], start_date: '2025-01-01', every: 3 },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-01-13 00:00:00', '2026-02-03 00:00:00'],
  },
  {
    name: 'weekly: a Sunday belongs to the week of the Monday before it',
    spec: { type: 'weekly', weekdays: ['sun'], start_date: '2026-01-05', every: 2 },
    after: '2026-01-01 00:00:00',
    count: 3,
    expect: ['2026-01-11 00:00:00', '2026-01-25 00:00:00', '2026-02-08 00:00:00'],
  },
  {
    // start_date is Sunday 2026-01-11, so week 0 is Mon 01-05..Sun 01-11.
    name: 'weekly: start_date on a Sunday, every 2 weeks',
    spec: { type: 'weekly', weekdays: ['mon', 'sun'], start_date: '2026-01-11', every: 2 },
    after: '2026-01-01 00:00:00',
    count: 4,
    expect: ['2026-01-11 00:00:00', '2026-01-19 00:00:00', '2026-01-25 00:00:00', '2026-02-02 00:00:00'],
  },
  {
    name: 'weekly: duplicate and unordered weekdays',
    spec: { type: 'weekly', weekdays: ['fri', 'mon', 'fri', 'mon'], start_date: '2026-01-01' },
    after: '2026-01-01 00:00:00',
    count: 3,
    expect: ['2026-01-02 00:00:00', '2026-01-05 00:00:00', '2026-01-09 00:00:00'],
  },
  {
    name: 'weekly: all seven days every 2 weeks',
    spec: { type: 'weekly', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start_date: '2026-01-08', every: 2 },
    after: '2026-01-10 12:00:00',
    count: 5,
    expect: ['2026-01-11 00:00:00', '2026-01-19 00:00:00', '2026-01-20 00:00:00', '2026-01-21 00:00:00', '2026-01-22 00:00:00'],
  },
  {
    name: 'weekly: end_date inclusive, fire at after excluded',
    spec: { type: 'weekly', weekdays: ['tue', 'thu'], start_date: '2026-01-01', end_date: '2026-01-13' },
    after: '2026-01-08 00:00:00',
    count: 5,
    expect: ['2026-01-13 00:00:00'],
  },
  {
    // 1969-12-01 is a Monday: weeks 0, 4, 8 start Dec 1, Dec 29 and 1970-01-26.
    name: 'weekly: every 4 weeks across 1970-01-01',
    spec: { type: 'weekly', weekdays: ['wed'], start_date: '1969-12-01', every: 4 },
    after: '1969-12-01 00:00:00',
    count: 3,
    expect: ['1969-12-03 00:00:00', '1969-12-31 00:00:00', '1970-01-28 00:00:00'],
  },
];

export const dayWeekCases: ScheduleCase[] = [...once, ...daily, ...weekly];

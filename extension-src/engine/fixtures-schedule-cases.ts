/**
 * Valid schedules and their hand-computed next fires (see fixtures.ts). Calendar facts used
 * are noted beside the cases; 2026-01-01 is a Thursday, weeks are Monday-based.
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

const monthly: ScheduleCase[] = [
  {
    name: 'monthly: day 15',
    spec: { type: 'monthly', day: 15, start_date: '2026-01-01', sub: { type: 'once', time: '08:00' } },
    after: '2026-01-15 08:00:00',
    count: 3,
    expect: ['2026-02-15 08:00:00', '2026-03-15 08:00:00', '2026-04-15 08:00:00'],
  },
  {
    name: 'monthly: day 31 clamps to Feb 28 and Apr 30',
    spec: { type: 'monthly', day: 31, start_date: '2026-01-01' },
    after: '2026-01-01 00:00:00',
    count: 5,
    expect: ['2026-01-31 00:00:00', '2026-02-28 00:00:00', '2026-03-31 00:00:00', '2026-04-30 00:00:00', '2026-05-31 00:00:00'],
  },
  {
    name: 'monthly: day 31 clamps to Feb 29 in leap 2024',
    spec: { type: 'monthly', day: 31, start_date: '2024-01-15' },
    after: '2024-01-15 00:00:00',
    count: 3,
    expect: ['2024-01-31 00:00:00', '2024-02-29 00:00:00', '2024-03-31 00:00:00'],
  },
  {
    name: 'monthly: day 29 every 12 months, 2023 vs leap 2024',
    spec: { type: 'monthly', day: 29, start_date: '2023-02-01', every: 12 },
    after: '2023-01-01 00:00:00',
    count: 3,
    expect: ['2023-02-28 00:00:00', '2024-02-29 00:00:00', '2025-02-28 00:00:00'],
  },
  {
    name: 'monthly: day 30 in February 2023, fire at after excluded',
    spec: { type: 'monthly', day: 30, start_date: '2023-01-30' },
    after: '2023-01-30 00:00:00',
    count: 3,
    expect: ['2023-02-28 00:00:00', '2023-03-30 00:00:00', '2023-04-30 00:00:00'],
  },
  {
    name: 'monthly: day before start_date in month 0 waits for month 1',
    spec: { type: 'monthly', day: 10, start_date: '2026-01-20' },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-02-10 00:00:00', '2026-03-10 00:00:00'],
  },
  {
    name: 'monthly: day before start_date in month 0, every 2 waits for month 2',
    spec: { type: 'monthly', day: 10, start_date: '2026-01-20', every: 2 },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-03-10 00:00:00', '2026-05-10 00:00:00'],
  },
  {
    // Month 0 is 2020-02; 2026-01 is month 71; next multiple of 3 is month 72 = 2026-02.
    name: 'monthly: every 3 months anchored six years back',
    spec: { type: 'monthly', day: 5, start_date: '2020-02-05', every: 3 },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-02-05 00:00:00', '2026-05-05 00:00:00'],
  },
  {
    name: 'monthly: day 29 every 1200 months, Gregorian century rule (1600, 2000 leap)',
    spec: { type: 'monthly', day: 29, start_date: '1600-02-01', every: 1200 },
    after: '1600-01-01 00:00:00',
    count: 5,
    expect: ['1600-02-29 00:00:00', '1700-02-28 00:00:00', '1800-02-28 00:00:00', '1900-02-28 00:00:00', '2000-02-29 00:00:00'],
  },
  {
    name: 'monthly: day 31 stops at the horizon',
    spec: { type: 'monthly', day: 31, start_date: '9999-10-01' },
    after: '9999-10-01 00:00:00',
    count: 5,
    expect: ['9999-10-31 00:00:00', '9999-11-30 00:00:00', '9999-12-31 00:00:00'],
  },
  {
    name: 'monthly: end_date before the clamped day of its month',
    spec: { type: 'monthly', day: 31, start_date: '2026-01-01', end_date: '2026-04-29' },
    after: '2026-01-31 00:00:00',
    count: 5,
    expect: ['2026-02-28 00:00:00', '2026-03-31 00:00:00'],
  },
  {
    name: 'monthly: every 100000 months fires once before the horizon',
    spec: { type: 'monthly', day: 15, start_date: '2026-03-15', every: 100000 },
    after: '2026-01-01 00:00:00',
    count: 3,
    expect: ['2026-03-15 00:00:00'],
  },
  {
    name: 'monthly: year 0001 is not a leap year',
    spec: { type: 'monthly', day: 31, start_date: '0001-01-01' },
    after: '0001-01-31 00:00:00',
    count: 2,
    expect: ['0001-02-28 00:00:00', '0001-03-31 00:00:00'],
  },
];

type RelativeRow = [ordinal: string, weekday: string, days: [string, string, string]];

/**
 * All ordinals x weekday kinds, three months each. Month layouts (weekday of the 1st):
 * 2026-08 Sat, 09 Tue, 10 Thu; 2026-02 Sun, 04 Wed, 06 Mon; 2026-05 Fri, 06 Mon, 07 Wed;
 * 2026-11 Sun, 12 Tue, 2027-01 Fri. Last days: 2026-01-31 Sat, 05-31 Sun, 09-30 Wed.
 */
const relativeGroups: Array<{ start: string; every: number; after: string; rows: RelativeRow[] }> = [
  {
    start: '2026-08-01', // months Aug, Sep, Oct 2026
    every: 1,
    after: '2026-07-31 00:00:00',
    rows: [
      ['first', 'mon', ['2026-08-03', '2026-09-07', '2026-10-05']],
      ['first', 'tue', ['2026-08-04', '2026-09-01', '2026-10-06']],
      ['first', 'wed', ['2026-08-05', '2026-09-02', '2026-10-07']],
      ['first', 'thu', ['2026-08-06', '2026-09-03', '2026-10-01']],
      ['first', 'fri', ['2026-08-07', '2026-09-04', '2026-10-02']],
      ['first', 'sat', ['2026-08-01', '2026-09-05', '2026-10-03']],
      ['first', 'sun', ['2026-08-02', '2026-09-06', '2026-10-04']],
      ['first', 'day', ['2026-08-01', '2026-09-01', '2026-10-01']],
      ['first', 'weekday', ['2026-08-03', '2026-09-01', '2026-10-01']],
      ['first', 'weekend_day', ['2026-08-01', '2026-09-05', '2026-10-03']],
    ],
  },
  {
    start: '2026-02-01', // every 2: months Feb, Apr, Jun 2026
    every: 2,
    after: '2026-01-31 23:59:59',
    rows: [
      ['second', 'mon', ['2026-02-09', '2026-04-13', '2026-06-08']],
      ['second', 'tue', ['2026-02-10', '2026-04-14', '2026-06-09']],
      ['second', 'wed', ['2026-02-11', '2026-04-08', '2026-06-10']],
      ['second', 'thu', ['2026-02-12', '2026-04-09', '2026-06-11']],
      ['second', 'fri', ['2026-02-13', '2026-04-10', '2026-06-12']],
      ['second', 'sat', ['2026-02-14', '2026-04-11', '2026-06-13']],
      ['second', 'sun', ['2026-02-08', '2026-04-12', '2026-06-14']],
      ['second', 'day', ['2026-02-02', '2026-04-02', '2026-06-02']],
      ['second', 'weekday', ['2026-02-03', '2026-04-02', '2026-06-02']],
      ['second', 'weekend_day', ['2026-02-07', '2026-04-05', '2026-06-07']],
    ],
  },
  {
    start: '2026-05-01', // months May, Jun, Jul 2026
    every: 1,
    after: '2026-04-30 12:00:00',
    rows: [
      ['third', 'mon', ['2026-05-18', '2026-06-15', '2026-07-20']],
      ['third', 'tue', ['2026-05-19', '2026-06-16', '2026-07-21']],
      ['third', 'wed', ['2026-05-20', '2026-06-17', '2026-07-15']],
      ['third', 'thu', ['2026-05-21', '2026-06-18', '2026-07-16']],
      ['third', 'fri', ['2026-05-15', '2026-06-19', '2026-07-17']],
      ['third', 'sat', ['2026-05-16', '2026-06-20', '2026-07-18']],
      ['third', 'sun', ['2026-05-17', '2026-06-21', '2026-07-19']],
      ['third', 'day', ['2026-05-03', '2026-06-03', '2026-07-03']],
      ['third', 'weekday', ['2026-05-05', '2026-06-03', '2026-07-03']],
      ['third', 'weekend_day', ['2026-05-09', '2026-06-13', '2026-07-11']],
    ],
  },
  {
    start: '2026-11-01', // months Nov, Dec 2026, Jan 2027
    every: 1,
    after: '2026-10-31 00:00:00',
    rows: [
      ['fourth', 'mon', ['2026-11-23', '2026-12-28', '2027-01-25']],
      ['fourth', 'tue', ['2026-11-24', '2026-12-22', '2027-01-26']],
      ['fourth', 'wed', ['2026-11-25', '2026-12-23', '2027-01-27']],
      ['fourth', 'thu', ['2026-11-26', '2026-12-24', '2027-01-28']],
      ['fourth', 'fri', ['2026-11-27', '2026-12-25', '2027-01-22']],
      ['fourth', 'sat', ['2026-11-28', '2026-12-26', '2027-01-23']],
      ['fourth', 'sun', ['2026-11-22', '2026-12-27', '2027-01-24']],
      ['fourth', 'day', ['2026-11-04', '2026-12-04', '2027-01-04']],
      ['fourth', 'weekday', ['2026-11-05', '2026-12-04', '2027-01-06']],
      ['fourth', 'weekend_day', ['2026-11-14', '2026-12-13', '2027-01-10']],
    ],
  },
  {
    start: '2026-01-01', // every 4: months Jan, May, Sep 2026
    every: 4,
    after: '2025-12-31 00:00:00',
    rows: [
      ['last', 'mon', ['2026-01-26', '2026-05-25', '2026-09-28']],
      ['last', 'tue', ['2026-01-27', '2026-05-26', '2026-09-29']],
      ['last', 'wed', ['2026-01-28', '2026-05-27', '2026-09-30']],
      ['last', 'thu', ['2026-01-29', '2026-05-28', '2026-09-24']],
      ['last', 'fri', ['2026-01-30', '2026-05-29', '2026-09-25']],
      ['last', 'sat', ['2026-01-31', '2026-05-30', '2026-09-26']],
      ['last', 'sun', ['2026-01-25', '2026-05-31', '2026-09-27']],
      ['last', 'day', ['2026-01-31', '2026-05-31', '2026-09-30']],
      ['last', 'weekday', ['2026-01-30', '2026-05-29', '2026-09-30']],
      ['last', 'weekend_day', ['2026-01-31', '2026-05-31', '2026-09-27']],
    ],
  },
];

const monthlyRelativeGrid: ScheduleCase[] = relativeGroups.flatMap((g) =>
  g.rows.map(([ordinal, weekday, days]) => ({
    name: `monthly_relative: ${ordinal} ${weekday}${g.every > 1 ? `, every ${g.every} months` : ''} from ${g.start}`,
    spec: { type: 'monthly_relative', ordinal, weekday, start_date: g.start, ...(g.every > 1 ? { every: g.every } : {}) },
    after: g.after,
    count: 3,
    expect: days.map((d) => `${d} 00:00:00`),
  })),
);

const monthlyRelative: ScheduleCase[] = [
  {
    name: 'monthly_relative: last day of February in leap 2024',
    spec: { type: 'monthly_relative', ordinal: 'last', weekday: 'day', start_date: '2024-01-01' },
    after: '2024-01-31 00:00:00',
    count: 2,
    expect: ['2024-02-29 00:00:00', '2024-03-31 00:00:00'],
  },
  {
    // 2026-06-01 (first Monday of June) is before start_date.
    name: 'monthly_relative: picked day before start_date in month 0',
    spec: { type: 'monthly_relative', ordinal: 'first', weekday: 'mon', start_date: '2026-06-10' },
    after: '2026-06-01 00:00:00',
    count: 2,
    expect: ['2026-07-06 00:00:00', '2026-08-03 00:00:00'],
  },
  {
    name: 'monthly_relative: fourth thursday of November, every 12 months',
    spec: { type: 'monthly_relative', ordinal: 'fourth', weekday: 'thu', start_date: '2026-11-01', every: 12, sub: { type: 'once', time: '18:00' } },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-11-26 18:00:00', '2027-11-25 18:00:00'],
  },
];

const exceptions: ScheduleCase[] = [
  {
    name: 'exceptions: a single date is skipped',
    spec: { type: 'daily', start_date: '2026-01-01', exceptions: ['2026-01-02'] },
    after: '2025-12-31 00:00:00',
    count: 3,
    expect: ['2026-01-01 00:00:00', '2026-01-03 00:00:00', '2026-01-04 00:00:00'],
  },
  {
    name: 'exceptions: a period is skipped whole, both ends inclusive',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '10:00' }, exceptions: [{ from: '2026-01-02', to: '2026-01-05' }] },
    after: '2026-01-01 10:00:00',
    count: 2,
    expect: ['2026-01-06 10:00:00', '2026-01-07 10:00:00'],
  },
  {
    name: 'exceptions: a period covering the first fires',
    spec: { type: 'weekly', weekdays: ['mon'], start_date: '2026-01-05', exceptions: [{ from: '2026-01-01', to: '2026-01-12' }] },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-01-19 00:00:00', '2026-01-26 00:00:00'],
  },
  {
    name: 'exceptions: a clamped monthly fire',
    spec: { type: 'monthly', day: 31, start_date: '2026-01-01', exceptions: ['2026-02-28'] },
    after: '2026-01-31 00:00:00',
    count: 2,
    expect: ['2026-03-31 00:00:00', '2026-04-30 00:00:00'],
  },
  {
    name: 'exceptions: overlapping, touching and unsorted entries',
    spec: {
      type: 'daily',
      start_date: '2026-01-01',
      exceptions: ['2026-01-09', { from: '2026-01-05', to: '2026-01-07' }, { from: '2026-01-02', to: '2026-01-06' }, '2026-01-08'],
    },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['2026-01-10 00:00:00', '2026-01-11 00:00:00'],
  },
  {
    name: 'exceptions: a 3000-year period is jumped at once',
    spec: { type: 'daily', start_date: '2026-01-01', exceptions: [{ from: '2026-01-01', to: '5026-06-30' }] },
    after: '2026-01-01 00:00:00',
    count: 2,
    expect: ['5026-07-01 00:00:00', '5026-07-02 00:00:00'],
  },
  {
    name: 'exceptions: a period to the horizon leaves one fire',
    spec: { type: 'daily', start_date: '2026-01-01', exceptions: [{ from: '2026-03-01', to: '9999-12-31' }] },
    after: '2026-02-27 12:00:00',
    count: 3,
    expect: ['2026-02-28 00:00:00'],
  },
  {
    name: 'exceptions: a period past end_date leaves nothing',
    spec: { type: 'daily', start_date: '2026-01-01', end_date: '2026-01-10', exceptions: [{ from: '2026-01-05', to: '2026-01-20' }] },
    after: '2026-01-04 00:00:00',
    count: 3,
    expect: [],
  },
  {
    name: 'exceptions: an excepted day loses all its sub-day slots',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 6, unit: 'hour' }, exceptions: ['2026-01-02'] },
    after: '2026-01-01 13:00:00',
    count: 3,
    expect: ['2026-01-01 18:00:00', '2026-01-03 00:00:00', '2026-01-03 06:00:00'],
  },
  {
    name: 'exceptions: weekly every 2 weeks moves to the next valid week',
    spec: { type: 'weekly', weekdays: ['wed'], start_date: '2026-01-05', every: 2, exceptions: ['2026-01-21'] },
    after: '2026-01-08 00:00:00',
    count: 2,
    expect: ['2026-02-04 00:00:00', '2026-02-18 00:00:00'],
  },
  {
    name: 'exceptions: the date of a once schedule',
    spec: { type: 'once', date: '2026-03-15', exceptions: ['2026-03-15'] },
    after: '2026-01-01 00:00:00',
    count: 1,
    expect: [],
  },
  {
    name: 'exceptions: entries before after do not matter',
    spec: { type: 'daily', start_date: '2026-01-01', exceptions: ['2026-01-02', { from: '2026-01-03', to: '2026-01-04' }, '2026-02-01'] },
    after: '2026-01-20 00:00:00',
    count: 2,
    expect: ['2026-01-21 00:00:00', '2026-01-22 00:00:00'],
  },
];

const subDay: ScheduleCase[] = [
  {
    name: 'sub every 15 minutes: start and end_time both fire',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '09:00' } },
    after: '2026-01-01 00:00:00',
    count: 6,
    expect: ['2026-01-01 08:00:00', '2026-01-01 08:15:00', '2026-01-01 08:30:00', '2026-01-01 08:45:00', '2026-01-01 09:00:00', '2026-01-02 08:00:00'],
  },
  {
    name: 'sub every 7 minutes: end_time not a multiple of the step',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 7, unit: 'minute', start_time: '10:00', end_time: '10:30' } },
    after: '2026-01-01 10:20:00',
    count: 3,
    expect: ['2026-01-01 10:21:00', '2026-01-01 10:28:00', '2026-01-02 10:00:00'],
  },
  {
    name: 'sub every 30 seconds',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 30, unit: 'second', start_time: '12:00:00', end_time: '12:01:30' } },
    after: '2026-01-01 12:00:30',
    count: 4,
    expect: ['2026-01-01 12:01:00', '2026-01-01 12:01:30', '2026-01-02 12:00:00', '2026-01-02 12:00:30'],
  },
  {
    name: 'sub every 5 hours with default start and end times',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 5, unit: 'hour' } },
    after: '2026-01-01 16:00:00',
    count: 3,
    expect: ['2026-01-01 20:00:00', '2026-01-02 00:00:00', '2026-01-02 05:00:00'],
  },
  {
    name: 'sub every: start_time equal to end_time gives one slot',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour', start_time: '12:00', end_time: '12:00' } },
    after: '2026-01-01 12:00:00',
    count: 2,
    expect: ['2026-01-02 12:00:00', '2026-01-03 12:00:00'],
  },
  {
    name: 'sub every second across midnight',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'second' } },
    after: '2026-01-01 23:59:58',
    count: 3,
    expect: ['2026-01-01 23:59:59', '2026-01-02 00:00:00', '2026-01-02 00:00:01'],
  },
  {
    name: 'sub every: after a microsecond past a slot',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '09:00' } },
    after: '2026-01-01 08:15:00.000001',
    count: 1,
    expect: ['2026-01-01 08:30:00'],
  },
  {
    name: 'sub every: after a microsecond before a slot',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '09:00' } },
    after: '2026-01-01 08:14:59.999999',
    count: 1,
    expect: ['2026-01-01 08:15:00'],
  },
  {
    name: 'sub every: after before start_time on a firing day',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '09:00' } },
    after: '2026-01-01 07:59:59',
    count: 1,
    expect: ['2026-01-01 08:00:00'],
  },
  {
    name: 'sub every: after on end_time moves to the next firing day',
    spec: { type: 'weekly', weekdays: ['mon'], start_date: '2026-01-05', sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '09:00' } },
    after: '2026-01-05 09:00:00',
    count: 2,
    expect: ['2026-01-12 08:00:00', '2026-01-12 08:15:00'],
  },
  {
    name: 'sub every hour from 22:30 to the default end 23:59:59',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 1, unit: 'hour', start_time: '22:30' } },
    after: '2026-01-01 23:00:00',
    count: 3,
    expect: ['2026-01-01 23:30:00', '2026-01-02 22:30:00', '2026-01-02 23:30:00'],
  },
  {
    name: 'sub every 100000 seconds: only start_time fits in a day',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 100000, unit: 'second', start_time: '01:00' } },
    after: '2026-01-01 01:00:00',
    count: 2,
    expect: ['2026-01-02 01:00:00', '2026-01-03 01:00:00'],
  },
  {
    name: 'sub every 90 minutes from a start_time with seconds',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'every', every: 90, unit: 'minute', start_time: '00:00:30', end_time: '04:00:00' } },
    after: '2026-01-01 00:00:30',
    count: 3,
    expect: ['2026-01-01 01:30:30', '2026-01-01 03:00:30', '2026-01-02 00:00:30'],
  },
  {
    name: 'sub every second stops at the horizon',
    spec: { type: 'daily', start_date: '9999-12-31', sub: { type: 'every', every: 1, unit: 'second', start_time: '23:59:57' } },
    after: '9999-12-31 23:59:57',
    count: 5,
    expect: ['9999-12-31 23:59:58', '9999-12-31 23:59:59'],
  },
  {
    name: 'horizon: after the very last second gives nothing',
    spec: { type: 'daily', start_date: '9999-12-01', sub: { type: 'once', time: '23:59:59' } },
    after: '9999-12-31 23:59:59.999999',
    count: 1,
    expect: [],
  },
  {
    name: 'sub once at 23:59:59',
    spec: { type: 'daily', start_date: '2026-01-01', sub: { type: 'once', time: '23:59:59' } },
    after: '2026-01-01 23:59:59',
    count: 1,
    expect: ['2026-01-02 23:59:59'],
  },
];

const counts: ScheduleCase[] = [
  {
    name: 'count 0 gives nothing',
    spec: { type: 'daily', start_date: '2026-01-01' },
    after: '2026-01-01 00:00:00',
    count: 0,
    expect: [],
  },
  {
    name: 'negative count gives nothing',
    spec: { type: 'daily', start_date: '2026-01-01' },
    after: '2026-01-01 00:00:00',
    count: -5,
    expect: [],
  },
];

export const scheduleCases: ScheduleCase[] = [
  ...once,
  ...daily,
  ...weekly,
  ...monthly,
  ...monthlyRelativeGrid,
  ...monthlyRelative,
  ...exceptions,
  ...subDay,
  ...counts,
];

/**
 * Valid monthly and monthly_relative schedules with hand-computed next fires (see fixtures.ts).
 */

import type { ScheduleCase } from './fixtures.ts';

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

export const monthCases: ScheduleCase[] = [...monthly, ...monthlyRelativeGrid, ...monthlyRelative];

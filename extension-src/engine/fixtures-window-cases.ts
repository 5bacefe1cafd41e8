/**
 * Exceptions, sub-day slots, the horizon and count edges, with hand-computed next fires
 * (see fixtures.ts). 2026-01-01 is a Thursday; 2026-01-05 a Monday.
 */

import type { ScheduleCase } from './fixtures.ts';

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

export const windowCases: ScheduleCase[] = [...exceptions, ...subDay, ...counts];

/**
 * The schedule editor's form state (every field as the user typed it) and its conversion to and
 * from a spec of docs/schedule-spec.md. Pure: the element and its test share it.
 */

import type { ScheduleType } from '../../../../extension-src/engine/index.ts';

export type ExceptionDraft = { from: string; to: string };

export interface ScheduleDraft {
  type: ScheduleType;
  time_zone: string;
  /** cron only: the expression as typed. */
  expression: string;
  date: string;
  start_date: string;
  end_date: string;
  every: string;
  weekdays: string[];
  day: string;
  ordinal: string;
  weekday: string;
  sub_type: 'once' | 'every';
  sub_time: string;
  sub_every: string;
  sub_unit: 'second' | 'minute' | 'hour';
  sub_start_time: string;
  sub_end_time: string;
  exceptions: ExceptionDraft[];
}

export function emptyDraft(today: string): ScheduleDraft {
  return {
    type: 'daily',
    time_zone: 'UTC',
    expression: '0 9 * * mon-fri',
    date: today,
    start_date: today,
    end_date: '',
    every: '1',
    weekdays: ['mon'],
    day: '1',
    ordinal: 'first',
    weekday: 'mon',
    sub_type: 'once',
    sub_time: '09:00',
    sub_every: '15',
    sub_unit: 'minute',
    sub_start_time: '08:00',
    sub_end_time: '18:00',
    exceptions: [],
  };
}

/** A number typed in a field: the number when it reads as one, else the text (so validation names it). */
const numberOrText = (text: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text);

/** The spec the draft describes (fields of other types left out; empty optional fields omitted). */
export function draftToSpec(d: ScheduleDraft): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: d.type };
  if (d.time_zone !== '') spec.time_zone = d.time_zone;
  if (d.type === 'once') {
    spec.date = d.date;
  } else if (d.type === 'cron') {
    // The expression says the days and the times: no every, no sub; the start date is optional.
    spec.expression = d.expression;
    if (d.start_date !== '') spec.start_date = d.start_date;
    if (d.end_date !== '') spec.end_date = d.end_date;
  } else {
    spec.start_date = d.start_date;
    if (d.end_date !== '') spec.end_date = d.end_date;
    if (d.every !== '' && d.every !== '1') spec.every = numberOrText(d.every);
    if (d.type === 'weekly') spec.weekdays = [...d.weekdays];
    if (d.type === 'monthly') spec.day = numberOrText(d.day);
    if (d.type === 'monthly_relative') {
      spec.ordinal = d.ordinal;
      spec.weekday = d.weekday;
    }
  }
  if (d.type !== 'cron') {
    spec.sub =
      d.sub_type === 'once'
        ? { type: 'once', time: d.sub_time }
        : {
            type: 'every',
            every: numberOrText(d.sub_every),
            unit: d.sub_unit,
            ...(d.sub_start_time !== '' ? { start_time: d.sub_start_time } : {}),
            ...(d.sub_end_time !== '' ? { end_time: d.sub_end_time } : {}),
          };
  }
  if (d.exceptions.length > 0) spec.exceptions = d.exceptions.map((e) => (e.to === '' || e.to === e.from ? e.from : { from: e.from, to: e.to }));
  return spec;
}

const text = (value: unknown, fallback: string) => (value === undefined || value === null ? fallback : String(value));

/** The draft of a stored spec (unknown fields are dropped; defaults fill the rest). */
export function specToDraft(spec: Record<string, unknown>, today: string): ScheduleDraft {
  const d = emptyDraft(today);
  d.type = (spec.type as ScheduleDraft['type']) ?? 'daily';
  // No zone stays no zone (the field shows UTC as its placeholder): save gives back the spec loaded.
  d.time_zone = text(spec.time_zone, '');
  d.date = text(spec.date, today);
  // A cron spec without a start date has none (a default here would be saved back as one).
  d.start_date = text(spec.start_date, d.type === 'cron' ? '' : today);
  d.expression = text(spec.expression, d.expression);
  d.end_date = text(spec.end_date, '');
  d.every = text(spec.every, '1');
  if (Array.isArray(spec.weekdays)) d.weekdays = spec.weekdays.map(String);
  d.day = text(spec.day, '1');
  d.ordinal = text(spec.ordinal, 'first');
  d.weekday = text(spec.weekday, 'mon');
  const sub = (spec.sub ?? { type: 'once', time: '00:00:00' }) as Record<string, unknown>;
  d.sub_type = sub.type === 'every' ? 'every' : 'once';
  if (d.sub_type === 'once') d.sub_time = text(sub.time, '00:00:00').slice(0, 8);
  else {
    d.sub_every = text(sub.every, '1');
    d.sub_unit = (sub.unit as ScheduleDraft['sub_unit']) ?? 'minute';
    d.sub_start_time = text(sub.start_time, '00:00:00');
    d.sub_end_time = text(sub.end_time, '23:59:59');
  }
  d.exceptions = Array.isArray(spec.exceptions)
    ? spec.exceptions.map((e) => (typeof e === 'string' ? { from: e, to: '' } : { from: text((e as ExceptionDraft).from, ''), to: text((e as ExceptionDraft).to, '') }))
    : [];
  return d;
}

/**
 * The form control a validation field path belongs to: `weekdays[1]` -> `weekdays`,
 * `exceptions[0].to` -> `exceptions[0]`, `sub.end_time` -> `sub_end_time`, `every` -> `every`.
 */
export function controlOfField(field: string): string {
  const exception = /^exceptions\[(\d+)\]/.exec(field);
  if (exception) return `exceptions[${exception[1]}]`;
  if (field.startsWith('weekdays')) return 'weekdays';
  if (field === 'sub' || field === 'sub.type') return 'sub_type';
  if (field.startsWith('sub.')) return `sub_${field.slice(4)}`;
  if (field === 'spec') return 'type';
  return field;
}

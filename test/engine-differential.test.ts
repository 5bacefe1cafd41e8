/**
 * Differential test of the schedule engines (DESIGN.md section 2): the same randomly generated
 * specs, valid and invalid, go to
 *  - the TypeScript engine (`validateSchedule`, `nextFires`), the source of truth;
 *  - the PL/pgSQL engine in a fresh database (`_plpgsql_validate_schedule`, `_plpgsql_next_fires`);
 *  - the generated plv8 functions run in Node as plv8 would (scripts/build/plv8-sandbox.ts);
 *  - the plv8 engine in the database, where the plv8 extension exists (reported skipped otherwise);
 * and every engine must give identical answers, compared exactly:
 *  - the engine's own answer: the same `{field, message}` word for word (or none) and the same
 *    local fires strictly after a local `after`;
 *  - what a user sees through the SQL API, for every spec the engine refuses and every spec that
 *    names a time_zone: the error pgautomator.validate_schedule raises (SQLSTATE, MESSAGE and
 *    DETAIL `field: <field>`) equals the TypeScript engine's ScheduleSpecError (`code`, `message`,
 *    `field`), or, for a zone this server does not list, the server's own time_zone error;
 *  - the fires as instants: pgautomator._next_fires(spec, after read in the zone, count), the SQL
 *    wrapper over the engine in use, against the TypeScript engine's local fires mapped by the
 *    wall-clock rule of docs/schedule-spec.md (pgautomator._local_to_instant, AT TIME ZONE),
 *    in a spread of IANA zones (ZONES) and night-time schedules that cross DST transitions;
 *  - the bulk path, pgautomator._next_fire_each (one engine call for a batch's specs, as the
 *    scheduler fires and refreshes them), against the first of those instants.
 *
 *   npx tsx test/engine-differential.test.ts
 *   PGAUTOMATOR_DIFF_SEED=123 PGAUTOMATOR_DIFF_CASES=50000 npx tsx test/engine-differential.test.ts
 *
 * The seed is printed; a failure prints each mismatching spec (as jsonb text), `after`, `count`
 * and both answers, and replays with the same seed (on a server with the same tz database).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type pg from 'pg';
import { nextFires } from '../extension-src/engine/next-fires.ts';
import { ScheduleSpecError } from '../extension-src/engine/schedule-spec-error.ts';
import { validateSchedule } from '../extension-src/engine/validate.ts';
import { JsonbText, loadGeneratedPlv8Functions, Plv8Session, readPlv8Source } from '../scripts/build/plv8-sandbox.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { skip } from './support/skip.ts';

const seed = Number(process.env.PGAUTOMATOR_DIFF_SEED ?? 20261128);
const caseCount = Number(process.env.PGAUTOMATOR_DIFF_CASES ?? 20_000);
const batchSize = 1_000;

// ---------------------------------------------------------------------------------------------
// Seeded randomness (sfc32): the same seed gives the same cases on every machine.

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seedValue: number) {
    this.next = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, seedValue >>> 0);
    for (let i = 0; i < 16; i++) this.next();
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers for the generator (day numbers since 1970-01-01, proleptic Gregorian).

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const MIN_DAY = daysFromCivil(1, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const clampDay = (day: number) => Math.min(MAX_DAY, Math.max(MIN_DAY, day));
function isoDate(day: number): string {
  const [y, m, d] = civilFromDays(clampDay(day));
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}
const clock = (second: number, withSeconds = true) =>
  `${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}${withSeconds ? `:${pad(second % 60)}` : ''}`;

// ---------------------------------------------------------------------------------------------
// Spec generator. `Raw` values are written into the JSON text verbatim (`2.0`, `1e400`, `-0`),
// which jsonb keeps as numerics that JavaScript reads back differently.

class Raw {
  constructor(readonly text: string) {}
}

function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

type Spec = Record<string, unknown>;
const TYPES = ['once', 'daily', 'weekly', 'monthly', 'monthly_relative', 'cron'] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'last'];
const RELATIVE = [...WEEKDAYS, 'day', 'weekday', 'weekend_day'];
/**
 * Time zones: next fires are compared as instants, converted by the SQL wrapper
 * (pgautomator._next_fires), wherever the server knows the zone. A spread of rules: DST in both
 * hemispheres (some switching at midnight, so a day starts at 01:00), half-hour and 45-minute
 * offsets (Lord Howe's DST shifts by 30 minutes, Troll's by two hours), zones whose rules changed
 * (DST abolished, offsets moved, whole days skipped: Apia 2011-12-30, Kiritimati 1994-12-31), and
 * negative DST (Dublin, Casablanca). LMT offsets with seconds come with the years before 1900.
 */
const ZONES = [
  'UTC',
  'Europe/Berlin', 'America/New_York', 'Europe/London', 'America/Havana', 'Asia/Beirut',
  'Australia/Sydney', 'Pacific/Auckland', 'America/Santiago', 'America/Sao_Paulo',
  'Asia/Kolkata', 'America/St_Johns', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Asia/Tehran', 'Australia/Darwin',
  'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Eucla',
  'America/Mexico_City', 'Europe/Moscow', 'Pacific/Apia', 'Pacific/Kiritimati', 'America/Caracas', 'Asia/Pyongyang',
  'Africa/Casablanca', 'Europe/Dublin', 'Antarctica/Troll', 'America/Nuuk', 'Europe/Kyiv',
];
/** Zones with DST now or in the past 30 years: night-time schedules there cross gaps and overlaps. */
const DST_ZONES = [
  'Europe/Berlin', 'America/New_York', 'Europe/London', 'America/Havana', 'Asia/Beirut', 'Australia/Sydney', 'Pacific/Auckland',
  'America/Santiago', 'America/Sao_Paulo', 'America/St_Johns', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Asia/Tehran',
  'Pacific/Chatham', 'America/Mexico_City', 'Europe/Moscow', 'Pacific/Apia', 'Africa/Casablanca', 'Europe/Dublin',
  'Antarctica/Troll', 'America/Nuuk',
];
/** Strings that are no zone this server lists (pg_timezone_names): validate_schedule rejects them. */
const UNKNOWN_ZONES = ['Not/A_Zone', 'Mars/Olympus_Mons', 'Europe/Berlin '];
/**
 * Names AT TIME ZONE accepts that are not Area/Location: a legacy link (listed, so valid) and an
 * abbreviation, a POSIX rule and a miscased UTC (not listed). pgautomator._time_zone_exists scans
 * pg_timezone_names for each (about 50 ms), so they are rare here.
 */
const SLOW_ZONE_NAMES = ['US/Eastern', 'utc', 'PST', 'UTC+3'];

function anchorDay(r: Random): number {
  const roll = r.float();
  if (roll < 0.8) return r.int(daysFromCivil(2000, 1, 1), daysFromCivil(2040, 12, 31));
  if (roll < 0.9) return r.int(MIN_DAY, MIN_DAY + 1100);
  return r.int(MAX_DAY - 1100, MAX_DAY);
}

function randomEvery(r: Random): number {
  const roll = r.float();
  if (roll < 0.6) return r.int(1, 4);
  if (roll < 0.9) return r.int(5, 60);
  return r.int(1000, 100000);
}

function randomSub(r: Random): Spec | undefined {
  const roll = r.float();
  if (roll < 0.25) return undefined;
  if (roll < 0.6) return { type: 'once', time: clock(r.int(0, 86399), r.chance(0.5)) };
  const unit = r.pick(['second', 'second', 'minute', 'minute', 'hour']);
  const every = r.chance(0.5) ? r.int(1, 10) : r.chance(0.6) ? r.int(11, 100) : r.int(101, 100000);
  const sub: Spec = { type: 'every', every, unit };
  const start = r.int(0, 86399);
  if (r.chance(0.7)) sub.start_time = clock(start, r.chance(0.7));
  if (r.chance(0.7)) {
    const startSecond = sub.start_time === undefined ? 0 : parseClock(sub.start_time as string);
    sub.end_time = clock(r.chance(0.1) ? startSecond : r.int(startSecond, 86399), true);
  }
  return sub;
}

function parseClock(text: string): number {
  const [h, m, s = '0'] = text.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

function randomExceptions(r: Random, around: number): unknown[] | undefined {
  const roll = r.float();
  if (roll < 0.6) return undefined;
  if (roll < 0.67) return [];
  const list: unknown[] = [];
  const n = r.int(1, 8);
  for (let i = 0; i < n; i++) {
    const from = around + r.int(-20, 500);
    if (r.chance(0.5)) list.push(isoDate(from));
    else list.push({ from: isoDate(from), to: isoDate(from + (r.chance(0.8) ? r.int(0, 40) : r.int(0, 3000))) });
  }
  return list;
}

// cron: expressions built from every kind of item, names in any case, odd blanks, the macros,
// and (mostly) invalid ones aimed at each rule.
const CRON_BOUNDS: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const CRON_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CRON_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function cronValue(r: Random, f: number, v: number): string {
  const name = f === 3 ? CRON_MONTHS[v - 1] : f === 4 && v < 7 ? CRON_DAYS[v] : undefined;
  if (name === undefined || r.chance(0.6)) return r.chance(0.05) ? `0${v}` : String(v);
  return r.pick([name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1)]);
}

function cronField(r: Random, f: number): string {
  const [lo, hi] = CRON_BOUNDS[f];
  if (r.chance(f >= 2 ? 0.45 : 0.2)) return '*';
  const items: string[] = [];
  for (let n = r.chance(0.7) ? 1 : r.int(2, 4); n > 0; n--) {
    const a = r.int(lo, hi);
    const b = r.int(a, hi);
    switch (r.int(0, 4)) {
      case 0: items.push(`*/${r.int(1, hi + 3)}`); break;
      case 1: items.push(`${cronValue(r, f, a)}-${cronValue(r, f, b)}`); break;
      case 2: items.push(`${a}-${b}/${r.int(1, 30)}`); break;
      default: items.push(cronValue(r, f, a));
    }
  }
  return items.join(',');
}

function cronExpression(r: Random): string {
  if (r.chance(0.08)) return r.pick(CRON_MACROS);
  const fields = [0, 1, 2, 3, 4].map((f) => cronField(r, f));
  // Day-heavy expressions now and then: the short months' missing days, where "never fires" lives.
  if (r.chance(0.1)) {
    fields[2] = r.pick(['29', '30', '31', '30-31', '29-31/2']);
    fields[3] = r.pick(['2', 'feb', '4,6', '2,4', '*/2', '9-11/2']);
  }
  const sep = () => (r.chance(0.9) ? ' ' : r.pick(['  ', '\t', ' \t ']));
  return (r.chance(0.05) ? ' ' : '') + fields.join(sep()) + (r.chance(0.05) ? '\t' : '');
}

const BAD_CRON: unknown[] = [
  '', ' ', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * 32 * *', '* * * 0 *', '* * * 13 *', '* * * * 8',
  '5/10 * * * *', '* * L * *', '* * 15W * *', '* * * * 1#2', '0 0 ? * *', '1,,2 * * * *', '1, * * * *', ',1 * * * *', '10-5 * * * *',
  '* * * * mon-sun', '* * * dec-jan *', '*/0 * * * *', '0-5/0 * * * *', '-1 * * * *', 'jan * * * *', '* * * foo *', '* * * * sunday',
  '* * * * MONDAY', '99999999999999999999 * * * *', '1-99999999999999999999 * * * *', '*/99999999999999999999 * * * *', '@reboot',
  '@DAILY', '@daily 5', '@', '@ daily', '0 0 30 2 *', '0 0 31 4,6,9,11 *', '0 0 30-31 feb */2', '0 0 31 2 */7', '0 0 * * *\n',
  '0 0 * *\n*', '\u00a00 0 * * *', '0 0 * * 1-7/0', '* * * * */8', '*/1/2 * * * *', '1-2-3 * * * *', '* * * * \uff11', '** * * * *',
  '0 0 1 jan-', 'a * * * *', 5, null, true, [], {}, ['* * * * *'], 1.5,
];

function cronSpec(r: Random, spec: Spec, start: number): Spec {
  spec.expression = r.chance(0.9) ? cronExpression(r) : r.pick(BAD_CRON);
  if (r.chance(0.4)) spec.start_date = isoDate(start);
  if (r.chance(0.3)) spec.end_date = isoDate(start + (r.chance(0.2) ? r.int(0, 20) : r.int(100, 4000)));
  const exceptions = randomExceptions(r, start);
  if (exceptions) spec.exceptions = exceptions;
  return Object.fromEntries(r.shuffle(Object.entries(spec)));
}

function validSpec(r: Random): Spec {
  const type = r.pick(TYPES);
  const start = anchorDay(r);
  const spec: Spec = { type };
  const zoneRoll = r.float();
  if (zoneRoll < 0.6) spec.time_zone = r.pick(ZONES);
  else if (zoneRoll < 0.62) spec.time_zone = r.pick(UNKNOWN_ZONES);
  else if (zoneRoll < 0.621) spec.time_zone = r.pick(SLOW_ZONE_NAMES);
  if (type === 'cron') return cronSpec(r, spec, start);
  if (type === 'once') {
    spec.date = isoDate(start);
  } else {
    spec.start_date = isoDate(start);
    if (r.chance(0.5)) {
      const roll = r.float();
      spec.end_date = isoDate(roll < 0.05 ? start : roll < 0.2 ? start + r.int(0, 20) : start + r.int(100, 4000));
    }
    if (r.chance(0.6)) spec.every = randomEvery(r);
    if (type === 'weekly') {
      const days = r.shuffle([...WEEKDAYS]).slice(0, r.int(1, 7));
      if (r.chance(0.1)) days.push(days[0]);
      spec.weekdays = days;
    }
    if (type === 'monthly') spec.day = r.chance(0.3) ? r.int(28, 31) : r.int(1, 31);
    if (type === 'monthly_relative') {
      spec.ordinal = r.pick(ORDINALS);
      spec.weekday = r.pick(RELATIVE);
    }
  }
  const sub = randomSub(r);
  if (sub) spec.sub = sub;
  const exceptions = randomExceptions(r, start);
  if (exceptions) spec.exceptions = exceptions;
  // Shuffle key order: the engines must not depend on it (jsonb reorders keys anyway).
  return Object.fromEntries(r.shuffle(Object.entries(spec)));
}

/**
 * A schedule that fires at night in a zone with DST, over enough days that its fires often cross
 * a transition (most switch between 00:00 and 04:00 local; Chatham at 02:45, Troll at 01:00 UTC).
 */
function nightSpec(r: Random): { spec: Spec; count: number; after: string } {
  // Mostly in the months most zones switch in (both hemispheres), from 1995 to 2030.
  const start = r.chance(0.85) ? daysFromCivil(r.int(1995, 2030), r.pick([3, 3, 4, 9, 10, 10, 11]), r.int(1, 28)) : anchorDay(r);
  const after = `${isoDate(start + r.int(-3, 30))} ${clock(r.int(0, 86399))}`;
  if (r.chance(0.25)) {
    // cron at night: every minute or quarter of the small hours, so fires meet gaps and overlaps.
    const expression = r.pick(['* 0-4 * * *', '*/15 1-3 * * *', '30 2 * * *', '0,30 0-3 * * sun', '*/5 2 * 3,4,9,10,11 *', '59 1 * * *']);
    const spec: Spec = { type: 'cron', expression, time_zone: r.pick(DST_ZONES), ...(r.chance(0.3) ? { start_date: isoDate(start) } : {}) };
    return { spec: Object.fromEntries(r.shuffle(Object.entries(spec))), count: r.int(5, 60), after };
  }
  const spec: Spec = { type: r.chance(0.7) ? 'daily' : 'weekly', start_date: isoDate(start), time_zone: r.pick(DST_ZONES) };
  if (spec.type === 'weekly') spec.weekdays = r.chance(0.6) ? ['sun'] : r.shuffle([...WEEKDAYS]).slice(0, r.int(1, 7));
  const from = r.int(0, 4 * 3600 - 1);
  if (r.chance(0.5)) {
    spec.sub = { type: 'once', time: clock(r.chance(0.5) ? from - (from % 900) : from, r.chance(0.5)) };
    return { spec: Object.fromEntries(r.shuffle(Object.entries(spec))), count: r.int(5, 30), after };
  }
  const unit = r.pick(['minute', 'minute', 'minute', 'second', 'hour']);
  const every = unit === 'hour' ? 1 : unit === 'minute' ? r.pick([1, 5, 15, 30, 45]) : r.pick([1, 7, 60, 900]);
  spec.sub = { type: 'every', every, unit, start_time: clock(from - (from % 900)), end_time: clock(Math.min(86399, from - (from % 900) + r.int(1, 3) * 3600)) };
  return { spec: Object.fromEntries(r.shuffle(Object.entries(spec))), count: unit === 'second' ? r.int(10, 60) : r.int(5, 30), after };
}

// ---------------------------------------------------------------------------------------------
// Mutations that (mostly) make a spec invalid, aimed at each rule and at the order of the checks.

const ODD_VALUES: unknown[] = [
  null, true, false, 0, 1, -1, 1.5, 2147483648, 1e20, '', ' ', 'x', [], {}, ['mon'], { from: '2026-01-01' },
  new Raw('2.0'), new Raw('1e2'), new Raw('1E+1'), new Raw('1e400'), new Raw('-0'), new Raw('0.0'), new Raw('100000.0'),
  '2026-02-30', '12:00', '2026-01-01', 'mon', 'every', 'once', 'daily',
  // Long values whose 60-unit cut in a message may fall inside a character beyond U+FFFF.
  '\u{1F600}'.repeat(40), `x${'\u{1D49C}'.repeat(35)}`, ['\u{1F600}'.repeat(30)], { '\u{1D49C}': 'a'.repeat(60) },
];
const NUMBERS: unknown[] = [
  0, -1, 1, 31, 32, 100000, 100001, 1.5, 2147483647, 2147483648, 1e20, -0.5,
  new Raw('2.0'), new Raw('1e2'), new Raw('1E+1'), new Raw('100000.0'), new Raw('100000.5'), new Raw('1e400'), new Raw('-0'),
  new Raw('0.0'), new Raw('31.0'), new Raw('1.0000000000000000001'), new Raw('3e0'), '3', null,
];
const DATES = [
  '2026-02-29', '2024-02-29', '2000-02-29', '1900-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00',
  '0000-01-01', '0001-01-01', '9999-12-31', '10000-01-01', '2026-1-01', ' 2026-01-01', '2026-01-01 ', '2026-01-01T00:00',
  '2026/01/01', '\uff12\uff10\uff12\uff16-01-01', '2026-01-01\n', '-2026-01-01', '+2026-01-01', '20260101', '2026-01-32',
];
const TIMES = [
  '24:00', '23:59', '23:59:59', '00:00', '00:00:00', '12:60', '12:00:60', '7:00', '07:0', '12:00:00.5', '12', '12:00:00:00',
  ' 12:00', '\uff11\uff12:00', '-1:00', '+1:00', '12:00 ', '1200', '12h00', '23:59:59\n',
];
const KEYS = [
  'a', 'zz', 'Type', 'TYPE', 'end_dat', '', ' ', '\u00e9', '\u00df', 'Z', '_', '0', 'date', 'day', 'weekdays', 'every',
  'start_date', 'end_date', 'ordinal', 'weekday', 'time', 'from', 'to', 'unit', 'sub', 'exceptions', 'time_zone',
  '\ud835\udc9c', '\uff5a', 'start_time', 'end_time', 'types',
];

function mutate(r: Random, spec: Spec): unknown {
  const copy = clone(spec) as Spec;
  if (copy.type === 'cron' && r.chance(0.4)) {
    const roll = r.float();
    if (roll < 0.5) copy.expression = r.pick(BAD_CRON);
    else if (roll < 0.7) copy[r.pick(['sub', 'every', 'date', 'weekdays', 'day'])] = r.pick(ODD_VALUES);
    else if (roll < 0.8) delete copy.expression;
    else copy.type = r.pick(['daily', 'weekly', 'once', 'Cron', 'CRON', 'crontab']);
    return copy;
  }
  const sub = (copy.sub !== null && typeof copy.sub === 'object' && !Array.isArray(copy.sub) ? copy.sub : undefined) as Spec | undefined;
  const exceptions = Array.isArray(copy.exceptions) ? (copy.exceptions as unknown[]) : undefined;
  const objects: Spec[] = [copy, ...(sub ? [sub] : []), ...((exceptions?.filter((e) => e !== null && typeof e === 'object') ?? []) as Spec[])];
  const target = r.pick(objects);
  const keys = Object.keys(target);
  switch (r.int(0, 12)) {
    case 0:
      return r.pick([null, [], [copy], 'daily', 42, true, toJsonText(copy)]);
    case 1: // a required field missing
      if (keys.length > 0) delete target[r.pick(keys)];
      return copy;
    case 2: // a value of the wrong kind
      if (keys.length > 0) target[r.pick(keys)] = r.pick(ODD_VALUES);
      return copy;
    case 3: // numbers at and past the bounds
      (copy.type === 'once' || r.chance(0.3) ? (sub ?? copy) : copy)[r.pick(['every', 'day', 'every'])] = r.pick(NUMBERS);
      return copy;
    case 4: // odd dates
      copy[r.pick(['date', 'start_date', 'end_date', 'start_date'])] = r.pick(DATES);
      return copy;
    case 5: // odd times
      if (sub) sub[r.pick(['time', 'start_time', 'end_time'])] = r.pick(TIMES);
      else copy.sub = { type: 'once', time: r.pick(TIMES) };
      return copy;
    case 6: // ends before starts
      if (typeof copy.start_date === 'string' && /^\d{4}-\d\d-\d\d$/.test(copy.start_date)) {
        const [y, m, d] = copy.start_date.split('-').map(Number);
        copy.end_date = isoDate(daysFromCivil(y, m, d) - r.int(1, 400));
      } else if (sub && sub.type === 'every') {
        sub.start_time = '12:00:00';
        sub.end_time = r.pick(['11:59:59', '00:00', '11:59']);
      } else {
        copy.exceptions = [{ from: '2026-03-02', to: '2026-03-01' }];
      }
      return copy;
    case 7: { // unknown or foreign keys, one or two
      const n = r.chance(0.3) ? 2 : 1;
      for (let i = 0; i < n; i++) target[r.pick(KEYS)] = r.pick(ODD_VALUES);
      return copy;
    }
    case 8:
      copy.weekdays = r.pick([[], ['Mon'], ['monday'], [1], ['mon', null], 'mon', ['mon', 'mon'], ['sun', 'sat'], [['mon']], ['mon', 'xyz']]);
      return copy;
    case 9:
      copy.type = r.pick(['Weekly', '', 5, null, ' daily', 'daily ', 'monthly-relative', 'MONTHLY', ['daily'], 'weekly']);
      return copy;
    case 10:
      copy.sub = r.pick<unknown>([
        [], 'once', null, {}, { type: 'every' }, { type: 'every', every: 5 }, { type: 'once' }, { type: 'Once', time: '12:00' },
        { type: 'every', every: 5, unit: 'minutes' }, { type: 'every', every: 5, unit: 'Second' }, { type: 'every', every: 0, unit: 'hour' },
        { type: 'every', every: 5, unit: 'hour', end_time: '00:00' }, { type: 'once', time: '12:00', every: 5 },
        { type: 'every', every: 1, unit: 'second', start_time: '23:59:59' }, { time: '12:00' },
      ]);
      return copy;
    case 11:
      copy.exceptions = r.pick<unknown>([
        {}, '2026-01-01', [1], [null], [{}], [{ from: '2026-01-01' }], [{ to: '2026-01-01' }], [{ from: '2026-01-02', to: '2026-01-01' }],
        [{ from: 'x', to: 'y' }], [['2026-01-01']], [{ from: '2026-01-01', to: '2026-01-01', x: 1 }], ['2026-01-01', '2026-02-30'],
        [{ to: '2026-01-01', from: '2026-01-05', a: 1 }], [{ from: '2026-01-01', to: '2026-01-01' }, 'nope'],
      ]);
      return copy;
    default:
      copy.time_zone = r.pick<unknown>(['', 5, null, [], ' ', 'Not/A_Zone', 'Mars/Olympus_Mons', {}, 1.5, ['UTC'], { name: 'UTC' }]);
      return copy;
  }
}

/** Deep copy that keeps `Raw` values. */
function clone(value: unknown): unknown {
  if (value instanceof Raw || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
}

interface Case {
  i: number;
  /** The spec as JSON text, exactly as sent to the database. */
  specText: string;
  after: string;
  count: number;
}

function randomAfter(r: Random, spec: unknown): string {
  let day = anchorDay(r);
  const s = spec as Spec | null;
  const startText = s && typeof s === 'object' ? (s.start_date ?? s.date) : undefined;
  if (typeof startText === 'string' && /^\d{4}-\d\d-\d\d$/.test(startText)) {
    const [y, m, d] = startText.split('-').map(Number);
    const start = daysFromCivil(y, m, d);
    const end = typeof s?.end_date === 'string' && /^\d{4}-\d\d-\d\d$/.test(s.end_date) ? s.end_date.split('-').map(Number) : undefined;
    const endDay = end ? daysFromCivil(end[0], end[1], end[2]) : undefined;
    const roll = r.float();
    if (s?.type === 'once') day = roll < 0.8 ? start + r.int(-3, 0) : start + r.int(-400, 400);
    else if (endDay !== undefined && roll < 0.6) day = r.int(start - 30, Math.max(start, endDay));
    else if (endDay !== undefined && roll < 0.7) day = endDay + r.int(-3, 3);
    else if (roll < 0.6) day = start + r.int(-10, 60);
    else if (roll < 0.9) day = start + r.int(-400, 4000);
  }
  day = clampDay(day);
  // Often exactly on a slot (strictly-after boundaries), otherwise anywhere in the day.
  const sub = s && typeof s === 'object' ? (s.sub as Spec | undefined) : undefined;
  const slotText = sub && typeof sub === 'object' ? (sub.time ?? sub.start_time) : undefined;
  let second = r.int(0, 86399);
  if (typeof slotText === 'string' && /^\d\d:\d\d(:\d\d)?$/.test(slotText) && r.chance(0.3)) {
    second = Math.min(86399, parseClock(slotText) + r.pick([0, 0, -1, 1]) + (sub?.type === 'every' && typeof sub.every === 'number' ? r.int(0, 3) * sub.every * (sub.unit === 'hour' ? 3600 : sub.unit === 'minute' ? 60 : 1) : 0));
    second = Math.max(0, Math.min(86399, second));
  }
  const digits = r.chance(0.4) ? 0 : r.int(1, 6);
  const fraction = digits === 0 ? '' : `.${String(r.int(0, 10 ** digits - 1)).padStart(digits, '0')}`;
  return `${isoDate(day)}${r.chance(0.95) ? ' ' : 'T'}${clock(second)}${fraction}`;
}

function generateCases(r: Random, n: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    if (r.chance(0.1)) {
      const night = nightSpec(r);
      cases.push({ i, specText: toJsonText(night.spec), after: night.after, count: night.count });
      continue;
    }
    let spec: unknown = validSpec(r);
    if (r.chance(0.25)) {
      spec = mutate(r, spec as Spec);
      if (r.chance(0.2) && spec !== null && typeof spec === 'object' && !Array.isArray(spec)) spec = mutate(r, spec as Spec);
    }
    const count = r.chance(0.03) ? r.pick([0, -1]) : r.chance(0.03) ? r.int(20, 60) : r.pick([1, 1, 1, 2, 3, 5, 10]);
    cases.push({ i, specText: toJsonText(spec), after: randomAfter(r, spec), count });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Answers

interface Answer {
  /** null when valid, else the field and message. */
  error: { field: string; message: string } | null;
  /** Local fires when valid. */
  fires: string[] | null;
}

/**
 * The error a user sees from the SQL API (pgautomator.validate_schedule, which create_schedule,
 * update_schedule and schedule_preview run): SQLSTATE, message and DETAIL.
 */
interface Raised {
  sqlstate: string;
  message: string;
  detail: string;
}

/** The TypeScript engine's answer for a spec (as JSON.parse reads it): its error, or its local fires. */
function tsAnswer(spec: unknown, after: string, count: number): Answer {
  try {
    validateSchedule(spec);
  } catch (e) {
    if (e instanceof ScheduleSpecError) return { error: { field: e.field, message: e.message }, fires: null };
    throw e;
  }
  return { error: null, fires: nextFires(spec, after, count) };
}

/**
 * What the SQL API must raise for a spec, from the TypeScript engine: its ScheduleSpecError as
 * PA001 with its message and `field: <field>` in DETAIL; for a valid spec whose time_zone this
 * server does not list, the server's own check (the engine only checks that it is a non-empty
 * string, docs/schedule-spec.md); else nothing.
 */
function expectedRaised(spec: unknown, knownZones: ReadonlySet<string>): Raised | null {
  try {
    validateSchedule(spec);
  } catch (e) {
    if (!(e instanceof ScheduleSpecError)) throw e;
    return { sqlstate: e.code, message: e.message, detail: `field: ${e.field}` };
  }
  const zone = (spec as Spec).time_zone;
  if (typeof zone === 'string' && !knownZones.has(zone)) {
    return { sqlstate: 'PA001', message: `schedule time_zone ${JSON.stringify(zone)} is not a time zone known to this server`, detail: 'field: time_zone' };
  }
  return null;
}

interface DbRow {
  i: number;
  spec: string | null;
  err: { field: string; message: string } | null;
  raised: Raised | null;
  fires: string[] | null;
  /** For a spec the API accepts: the time zone, `after` read in it as an instant, that instant's local reading, and the fires as instants. */
  tz: string | null;
  after_at: string | null;
  local_after: string | null;
  instants: string[] | null;
}

/**
 * Run by each in-database engine (pgautomator.setting picks it): the error the API raises, and the
 * fires as instants from the SQL wrapper, `after` being the case's local time in the spec's zone.
 */
const apiColumns = `
       a.raised, z.tz, z.at::text AS after_at, to_char(z.at AT TIME ZONE z.tz, 'YYYY-MM-DD HH24:MI:SS.US') AS local_after,
       CASE WHEN z.tz IS NOT NULL THEN
         ARRAY(SELECT f::text FROM unnest(pgautomator._next_fires(x.w -> 's', z.at, x.count)) WITH ORDINALITY AS u(f, n) ORDER BY u.n)
       END AS instants`;
// Through the API: every spec the engine refuses, and every spec naming a time_zone (one without is
// validate_schedule's plain engine check, and its instants are its local fires read as UTC). The zone
// and `after` as an instant only for a spec the API accepts (AT TIME ZONE would raise for an unknown zone).
const apiJoins = `
 CROSS JOIN LATERAL (SELECT x.w -> 's' ? 'time_zone' AND jsonb_typeof(x.w -> 's') = 'object' AS zoned) AS h
 CROSS JOIN LATERAL (SELECT CASE WHEN v.err IS NOT NULL OR h.zoned THEN public.diff_raised(x.w -> 's') END AS raised OFFSET 0) AS a  -- OFFSET 0: evaluated once
 CROSS JOIN LATERAL (SELECT CASE WHEN h.zoned AND v.err IS NULL AND a.raised IS NULL THEN x.w -> 's' ->> 'time_zone' END AS tz) AS t
 CROSS JOIN LATERAL (SELECT t.tz, CASE WHEN t.tz IS NOT NULL THEN x.after::timestamp AT TIME ZONE t.tz END AS at) AS z`;

const plpgsqlBatchSql = `
SELECT x.i, (x.w -> 's')::text AS spec, v.err,
       CASE WHEN v.err IS NULL THEN
         ARRAY(SELECT f::text FROM unnest(pgautomator._plpgsql_next_fires(x.w -> 's', x.after::timestamp, x.count)) WITH ORDINALITY AS u(f, n) ORDER BY u.n)
       END AS fires, ${apiColumns}
  FROM jsonb_to_recordset($1::jsonb) AS x(i int, w jsonb, after text, count int)
 CROSS JOIN LATERAL (SELECT pgautomator._plpgsql_validate_schedule(x.w -> 's') AS err OFFSET 0) AS v ${apiJoins}
 ORDER BY x.i`;

const plv8BatchSql = `
SELECT x.i, v.err,
       CASE WHEN v.err IS NULL THEN
         pgautomator._plv8_next_fires((x.w -> 's')::text, x.after, x.count)
       END AS fires, ${apiColumns}
  FROM jsonb_to_recordset($1::jsonb) AS x(i int, w jsonb, after text, count int)
 CROSS JOIN LATERAL (SELECT pgautomator._plv8_validate_schedule((x.w -> 's')::text) AS err OFFSET 0) AS v ${apiJoins}
 ORDER BY x.i`;

/**
 * The TypeScript engine's local fires turned into instants by the rule of docs/schedule-spec.md,
 * with the wrapper's own conversion (pgautomator._local_to_instant, built on AT TIME ZONE): the
 * first `count` distinct instants strictly after `after`. A slot maps to an instant no earlier
 * than the slot before it, so the smallest distinct instants of a prefix of the local fires are
 * the answer once there are `count` of them (or the prefix is all there is). `gapOrOverlap`
 * counts the fires whose instant does not read as their slot (a slot in a gap) or that a second
 * pass leaves out.
 */
const toInstantsSql = `
SELECT x.i,
       ARRAY(SELECT d.t::text FROM (SELECT DISTINCT t FROM unnest(x.locals::timestamp[]) AS l, pgautomator._local_to_instant(l, x.tz) AS t
                                     WHERE t > x.at::timestamptz) AS d ORDER BY d.t LIMIT greatest(x.count, 0)) AS instants,
       (SELECT count(*) FROM unnest(x.locals::timestamp[]) AS l, pgautomator._local_to_instant(l, x.tz) AS t
         WHERE (t AT TIME ZONE x.tz) <> l OR t <= x.at::timestamptz)::int AS odd
  FROM jsonb_to_recordset($1::jsonb) AS x(i int, tz text, at text, locals text[], count int)
 ORDER BY x.i`;

/**
 * The bulk path (_next_fire_each: one engine call for many schedules, as _fire_due and
 * _refresh_next_fires use it) on every spec that went through the API with a zone, at the same
 * instant: its answer must be the first instant of that spec's fire list (NULL when none).
 */
const bulkSql = `SELECT pgautomator._next_fire_each($1::jsonb[], $2::timestamptz[])::text[] AS follows`;

async function bulkFollows(client: pg.PoolClient, rows: DbRow[], specTexts: string[]): Promise<Map<number, string | null>> {
  const picked = rows.map((row, k) => ({ row, spec: specTexts[k] })).filter((p) => p.row.tz !== null && p.row.after_at !== null);
  if (picked.length === 0) return new Map();
  const { rows: out } = await client.query(bulkSql, [picked.map((p) => p.spec), picked.map((p) => p.row.after_at)]);
  const follows = out[0].follows as (string | null)[];
  assert.is(follows.length, picked.length, '_next_fire_each answers once per schedule');
  return new Map(picked.map((p, k) => [p.row.i, follows[k]]));
}

/** Installed once in the test database: the error validate_schedule raises for a spec, as JSON. */
const raisedFunctionSql = `
CREATE FUNCTION public.diff_raised(spec jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    st text; msg text; det text;
BEGIN
    PERFORM pgautomator.validate_schedule(spec);
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN jsonb_build_object('sqlstate', st, 'message', msg, 'detail', det);
END $$`;

function batchJson(cases: Case[]): string {
  return `[${cases.map((c) => `{"i":${c.i},"w":{"s":${c.specText}},"after":${JSON.stringify(c.after)},"count":${c.count}}`).join(',')}]`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Mismatch {
  engine: string;
  c: Case;
  spec: string;
  expected: unknown;
  actual: unknown;
}

function describeMismatch(m: Mismatch): string {
  return [
    `  [${m.engine}] case ${m.c.i}`,
    `    spec:   ${m.spec}`,
    `    after:  ${m.c.after}   count: ${m.c.count}`,
    `    ts:     ${JSON.stringify(m.expected)}`,
    `    ${m.engine.padEnd(7)} ${JSON.stringify(m.actual)}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

let db: TestDatabase | undefined;

test.before(async () => {
  db = await createTestDatabase('engine-differential');
  await db.pool.query(raisedFunctionSql);
  // The committed engine is PL/pgSQL; the plv8 pass switches inside a transaction it rolls back.
  await db.pool.query("SELECT pgautomator.set_engine('plpgsql')");
});

test.after(async () => {
  await db?.drop();
});

test('the database holds the plv8 source that the Node run of plv8 uses (same build)', async () => {
  const { rows } = await db!.pool.query('SELECT pgautomator._plv8_source() AS source');
  assert.ok(rows[0].source === readPlv8Source(), 'pgautomator._plv8_source() differs from extension-build/: rebuild (npm run build) and reinstall');
});

/** Whether the in-database plv8 engine took part in the comparison (reported as its own test). */
let inDatabasePlv8: 'compared' | 'absent' | 'not run' = 'not run';

test(`TypeScript, PL/pgSQL, plv8 (in Node) and plv8 (in the database, if present) agree on ${caseCount} random specs: errors and fires`, async () => {
  const started = Date.now();
  console.log(`engine-differential: seed=${seed} cases=${caseCount} (replay: PGAUTOMATOR_DIFF_SEED=${seed} PGAUTOMATOR_DIFF_CASES=${caseCount})`);
  const cases = generateCases(new Random(seed), caseCount);
  const pool = db!.pool;

  const probe = await pool.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'plv8') AS plv8,
            to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NOT NULL AS plv8_engine`);
  const inDbPlv8 = probe.rows[0].plv8 && probe.rows[0].plv8_engine;
  inDatabasePlv8 = inDbPlv8 ? 'compared' : 'absent';
  // The zones this server lists: a spec naming another one is refused by validate_schedule.
  const zoneNames = [...ZONES, ...UNKNOWN_ZONES, ...SLOW_ZONE_NAMES];
  const knownZones = new Set<string>(
    (await pool.query('SELECT name FROM pg_timezone_names WHERE name = ANY($1)', [zoneNames])).rows.map((row: { name: string }) => row.name),
  );
  const missing = ZONES.filter((z) => !knownZones.has(z));
  if (missing.length > 0) console.log(`engine-differential: note: this server's tz database lacks ${missing.join(', ')}: specs naming them are compared as refused`);

  const plv8 = new Plv8Session(loadGeneratedPlv8Functions());
  const mismatches: Mismatch[] = [];
  let valid = 0;
  let invalid = 0;
  let fires = 0;
  let raisedCompared = 0;
  let zoned = 0;
  let instantsCompared = 0;
  let bulkCompared = 0;
  let gapOrOverlap = 0;
  const fieldCounts = new Map<string, number>();
  const zoneCounts = new Map<string, number>();

  const batches: Case[][] = [];
  for (let i = 0; i < cases.length; i += batchSize) batches.push(cases.slice(i, i + batchSize));

  /** The TypeScript engine's fires as instants (toInstantsSql), fetching more local fires while needed. */
  async function tsInstants(client: pg.PoolClient, items: { c: Case; spec: unknown; tz: string; at: string; localAfter: string }[]): Promise<Map<number, string[]>> {
    const result = new Map<number, string[]>();
    let pending = items.map((item) => ({ ...item, want: Math.max(item.c.count, 0) }));
    while (pending.length > 0) {
      const locals = pending.map((p) => nextFires(p.spec, p.localAfter, p.want));
      const payload = JSON.stringify(pending.map((p, k) => ({ i: p.c.i, tz: p.tz, at: p.at, locals: locals[k], count: p.c.count })));
      const rows = (await client.query(toInstantsSql, [payload])).rows as { i: number; instants: string[]; odd: number }[];
      const again: typeof pending = [];
      rows.forEach((row, k) => {
        const p = pending[k];
        assert.is(row.i, p.c.i);
        if (row.instants.length < p.c.count && locals[k].length === p.want) again.push({ ...p, want: p.want * 8 });
        else {
          result.set(p.c.i, row.instants);
          gapOrOverlap += row.odd;
        }
      });
      pending = again;
    }
    return result;
  }

  /** Compares one in-database engine's rows with the TypeScript answers. */
  async function compareApi(client: pg.PoolClient, engine: string, batch: Case[], rows: DbRow[], specs: unknown[], bulk: Map<number, string | null>): Promise<void> {
    const items: { c: Case; spec: unknown; tz: string; at: string; localAfter: string }[] = [];
    const actual = new Map<number, string[]>();
    rows.forEach((row, k) => {
      const c = batch[k];
      const spec = specs[k];
      const zoned = spec !== null && typeof spec === 'object' && !Array.isArray(spec) && (spec as Spec).time_zone !== undefined;
      if (row.err === null && !zoned) return; // not sent through the API (apiJoins)
      const expected = expectedRaised(spec, knownZones);
      const raised = row.raised && { sqlstate: row.raised.sqlstate, message: row.raised.message, detail: row.raised.detail };
      raisedCompared++;
      if (!same(raised, expected)) mismatches.push({ engine: `${engine}-api`, c, spec: row.spec ?? 'null', expected, actual: row.raised });
      if (expected === null && row.tz !== null) {
        items.push({ c, spec: specs[k], tz: row.tz, at: row.after_at!, localAfter: row.local_after! });
        actual.set(c.i, row.instants!);
      }
    });
    const expectedInstants = await tsInstants(client, items);
    for (const item of items) {
      instantsCompared++;
      const want = expectedInstants.get(item.c.i);
      const got = actual.get(item.c.i);
      if (!same(got, want)) {
        mismatches.push({ engine: `${engine}-tz`, c: item.c, spec: JSON.stringify(item.spec), expected: { tz: item.tz, after: item.at, instants: want }, actual: got });
      }
      if (item.c.count >= 1) {
        bulkCompared++;
        const follow = bulk.get(item.c.i);
        if (follow !== (want?.[0] ?? null)) {
          mismatches.push({ engine: `${engine}-bulk`, c: item.c, spec: JSON.stringify(item.spec), expected: { tz: item.tz, after: item.at, next: want?.[0] ?? null }, actual: follow });
        }
      }
    }
  }

  async function runBatch(batch: Case[]): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query("SET datestyle TO 'ISO, YMD'; SET timezone TO 'UTC'");
      const json = batchJson(batch);
      const rows = (await client.query(plpgsqlBatchSql, [json])).rows as DbRow[];
      const specTexts = rows.map((row) => row.spec ?? 'null');
      const bulk = await bulkFollows(client, rows, specTexts);
      let plv8Rows: DbRow[] | undefined;
      let plv8Bulk = new Map<number, string | null>();
      if (inDbPlv8) {
        await client.query('BEGIN');
        try {
          await client.query(`UPDATE pgautomator.setting SET value = '"plv8"' WHERE name = 'engine'`);
          plv8Rows = (await client.query(plv8BatchSql, [json])).rows as DbRow[];
          plv8Bulk = await bulkFollows(client, plv8Rows, specTexts);
        } finally {
          await client.query('ROLLBACK');
        }
      }
      const specs: unknown[] = [];
      rows.forEach((row, k) => {
        const c = batch[k];
        assert.is(row.i, c.i);
        // What every engine sees: jsonb's value (2.0 and 1e2 as jsonb keeps them), read as plv8 reads it.
        const specText = row.spec ?? 'null';
        const spec: unknown = JSON.parse(specText);
        specs.push(spec);
        const ts = tsAnswer(spec, c.after, c.count);
        if (ts.error) {
          invalid++;
          const field = ts.error.field.replace(/\[\d+\]/g, '[]');
          fieldCounts.set(field, (fieldCounts.get(field) ?? 0) + 1);
        } else {
          valid++;
          fires += ts.fires!.length;
          const zone = (spec as Spec).time_zone as string | undefined;
          if (zone !== undefined) {
            zoned++;
            zoneCounts.set(zone, (zoneCounts.get(zone) ?? 0) + 1);
          }
        }

        // The engine's own answer: the same error (field and message, word for word) or the same local fires.
        const plpgsql = { error: row.err, fires: row.fires };
        if (!same(plpgsql, ts)) mismatches.push({ engine: 'plpgsql', c, spec: specText, expected: ts, actual: plpgsql });

        let inNode: unknown;
        try {
          const error = plv8.call('_plv8_validate_schedule', new JsonbText(specText)) as Answer['error'];
          inNode = { error, fires: error ? null : plv8.call('_plv8_next_fires', new JsonbText(specText), c.after, c.count) };
        } catch (e) {
          inNode = { thrown: (e as Error).message };
        }
        if (!same(inNode, ts)) mismatches.push({ engine: 'plv8-js', c, spec: specText, expected: ts, actual: inNode });

        if (plv8Rows) {
          const r8 = plv8Rows[k];
          const actual = { error: r8.err, fires: r8.fires };
          if (!same(actual, ts)) mismatches.push({ engine: 'plv8-db', c, spec: specText, expected: ts, actual });
        }
      });
      // What a user sees through the SQL API: the error raised, and the fires as instants in the spec's zone.
      await compareApi(client, 'plpgsql', batch, rows, specs, bulk);
      if (plv8Rows) await compareApi(client, 'plv8-db', batch, plv8Rows, specs, plv8Bulk);
    } finally {
      client.release();
    }
  }

  // Two batches at a time: the machine has two cores.
  const queue = [...batches];
  await Promise.all(
    [0, 1].map(async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await runBatch(batch);
    }),
  );

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `engine-differential: ${cases.length} specs (${valid} valid with ${fires} local fires, ${invalid} invalid) compared across ` +
      `TypeScript, PL/pgSQL, plv8-in-Node${inDbPlv8 ? ', plv8-in-database' : ''} in ${seconds} s; ${raisedCompared} API errors (SQLSTATE, message, DETAIL) ` +
      `and ${instantsCompared} fire lists as instants (${bulkCompared} next fires from the bulk path, _next_fire_each) (${zoned} valid specs with a time_zone; ${gapOrOverlap} local fires in a DST gap or already passed); ` +
      `${mismatches.length} mismatches`,
  );
  console.log(`engine-differential: invalid fields hit: ${[...fieldCounts].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f}=${n}`).join(' ')}`);
  console.log(`engine-differential: specs the engine accepts, per time_zone: ${[...zoneCounts].sort((a, b) => b[1] - a[1]).map(([z, n]) => `${z}=${n}`).join(' ')}`);
  if (mismatches.length > 0) {
    console.log(`engine-differential: first mismatches (of ${mismatches.length}):\n${mismatches.slice(0, 15).map(describeMismatch).join('\n')}`);
  }
  assert.is(mismatches.length, 0, `${mismatches.length} answers differ between engines (seed ${seed}); see the printed cases`);
  assert.ok(valid > caseCount * 0.5 && invalid > caseCount * 0.1, `a useful mix of valid (${valid}) and invalid (${invalid}) specs`);
  assert.ok(bulkCompared > caseCount * 0.1, `the bulk path answered for many specs (${bulkCompared})`);
  assert.ok(gapOrOverlap > 0, 'some local fires fell in a DST gap (the night-time specs are meant to cross transitions)');
});

test('plv8 in the database took part in the comparison above', () => {
  // The comparison runs in the test above; this one makes its absence a reported skip, not a pass.
  if (inDatabasePlv8 === 'absent') return skip('plv8 is not installed on this server: the in-database plv8 engine was not compared (its generated code still ran in Node)');
  assert.is(inDatabasePlv8, 'compared', 'the comparison above did not run');
});

test.run();

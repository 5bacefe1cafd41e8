/**
 * TEST ONLY: a naive reference for `cron` schedules that shares no code with the engine: its
 * own field expansion (text substitution, then ranges), its own calendar (Sakamoto's weekday,
 * string dates) and a scan day by day and minute by minute. Assumes a valid expression (the
 * engine decides validity; the property test checks that decision separately). Never import it
 * from engine code.
 */

import type { CronSchedule } from './spec.ts';

export interface CronMatcher {
  /** Does a local date `YYYY-MM-DD` pass the day fields (not the window or exceptions)? */
  day(date: string): boolean;
  /** Does a minute of the day (0..1439) pass the minute and hour fields? */
  minute(minuteOfDay: number): boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');
const DAYS = 'sun mon tue wed thu fri sat'.split(' ');
const BOUNDS: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

export function cronMatcher(expression: string): CronMatcher {
  const text = expression.trim();
  const fields = (MACROS[text] ?? text).split(/\s+/);
  const sets = fields.map((field, i) => expand(field, i));
  const [minutes, hours, doms, months, dows] = sets;
  // Day of week 7 is Sunday as 0 is.
  if (dows.has(7)) dows.add(0);
  const either = !fields[2].startsWith('*') && !fields[4].startsWith('*');
  return {
    day(date) {
      const [y, m, d] = date.split('-').map(Number);
      if (!months.has(m)) return false;
      const domOk = doms.has(d);
      const dowOk = dows.has(sundayFirstWeekday(y, m, d));
      return either ? domOk || dowOk : domOk && dowOk;
    },
    minute(minuteOfDay) {
      return hours.has(Math.floor(minuteOfDay / 60)) && minutes.has(minuteOfDay % 60);
    },
  };
}

function expand(field: string, index: number): Set<number> {
  const [lo, hi] = BOUNDS[index];
  let text = field.toLowerCase();
  const names = index === 3 ? MONTHS : index === 4 ? DAYS : [];
  names.forEach((name, i) => {
    text = text.split(name).join(String(index === 3 ? i + 1 : i));
  });
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [a, b] = range === '*' ? [lo, hi] : range.includes('-') ? range.split('-').map(Number) : [Number(range), Number(range)];
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return out;
}

/** 0 = Sunday. */
function sundayFirstWeekday(y: number, m: number, d: number): number {
  const t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  const yy = m < 3 ? y - 1 : y;
  return (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) + t[m - 1] + d) % 7;
}

/**
 * Fires of a normalised cron spec strictly after `after`, scanning at most `maxDays` days from
 * the date of `after` (never past 9999-12-31). `exhaustive` tells whether the scan ended by
 * itself (count reached, end_date or the horizon passed) rather than by maxDays.
 */
export function cronOracleFires(spec: CronSchedule, after: string, count: number, maxDays: number): { fires: string[]; exhaustive: boolean } {
  const match = cronMatcher(spec.expression);
  const afterText = after.replace('T', ' ');
  const fires: string[] = [];
  let date = afterText.slice(0, 10);
  for (let n = 0; n <= maxDays; n++) {
    if (spec.end_date !== undefined && date > spec.end_date) return { fires, exhaustive: true };
    const excepted = spec.exceptions.some((e) => (typeof e === 'string' ? e === date : e.from <= date && date <= e.to));
    if ((spec.start_date === undefined || date >= spec.start_date) && !excepted && match.day(date)) {
      for (let minute = 0; minute < 1440; minute++) {
        if (!match.minute(minute)) continue;
        const fire = `${date} ${pad(Math.floor(minute / 60))}:${pad(minute % 60)}:00`;
        if (fire > afterText) {
          fires.push(fire);
          if (fires.length >= count) return { fires, exhaustive: true };
        }
      }
    }
    if (date === '9999-12-31') return { fires, exhaustive: true };
    date = nextDate(date);
  }
  return { fires, exhaustive: false };
}

export function nextDate(date: string): string {
  let [y, m, d] = date.split('-').map(Number);
  const length = m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  d++;
  if (d > length) {
    d = 1;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

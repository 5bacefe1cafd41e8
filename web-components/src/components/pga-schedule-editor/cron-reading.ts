/**
 * A cron expression in plain words, for the schedule editor's cron mode (issue 16): "At minute 0
 * past hour 9 on Monday through Friday". Built from the engine's own parse (parseCronExpression),
 * so the words describe exactly the minutes, hours and days the engine fires on, never a second
 * reading of the text that could drift from it. Pure: the element and its test share it.
 */
import { CRON_MACROS, parseCronExpression, type CronFields } from '../../../../extension-src/engine/index.ts';

/** The engine's weekday order (0 = Monday ... 6 = Sunday), as CronFields.weekdays numbers them. */
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** What each macro means, in words, before the five fields it stands for. */
const MACRO_MEANINGS: Record<keyof typeof CRON_MACROS, string> = {
  '@yearly': 'Once a year, at midnight on 1 January',
  '@annually': 'Once a year, at midnight on 1 January',
  '@monthly': 'Once a month, at midnight on day 1',
  '@weekly': 'Once a week, at midnight on Sunday',
  '@daily': 'Once a day, at midnight',
  '@midnight': 'Once a day, at midnight',
  '@hourly': 'Once an hour, at minute 0',
};

/** The reading of `expression`, or null when the engine refuses it (the editor shows its error instead). */
export function readCronExpression(expression: string): string | null {
  const fields = parseCronExpression(expression);
  if (typeof fields === 'string') return null;
  const text = expression.trim();
  if (Object.prototype.hasOwnProperty.call(MACRO_MEANINGS, text)) {
    const macro = text as keyof typeof CRON_MACROS;
    return `${MACRO_MEANINGS[macro]} (${macro} is “${CRON_MACROS[macro]}”)`;
  }
  return readFields(fields);
}

/** The reading of parsed fields: minutes, hours, days, months. */
export function readFields(f: CronFields): string {
  const minutes = valuesIn(f.minutes, 0, 59, String, 'minute');
  const hours = valuesIn(f.hours, 0, 23, String, 'hour');
  let out = minutes === null ? 'At every minute' : `At ${minutes}`;
  if (hours !== null) out += ` past ${hours}`;
  const days = readDays(f);
  if (days) out += ` ${days}`;
  const months = valuesIn(bits(f.months, 12).map((m) => m + 1), 1, 12, (m) => MONTHS[m - 1], '');
  if (months !== null) out += months.startsWith('every ') ? ` ${months}` : ` in ${months}`;
  return out;
}

/**
 * The day part, by Vixie's rule. When both day fields are restricted (neither begins with `*`) a
 * day fires if either matches: "on day-of-month X or on Y", and a field allowing every value makes
 * every day fire. When one begins with `*` both must match: a field allowing every value says
 * nothing, and a stepped `*` one ("*\/2") narrows the other ("if it is").
 */
function readDays(f: CronFields): string {
  const monthDays = valuesIn(bits(f.monthDays, 31).map((d) => d + 1), 1, 31, String, 'day-of-month');
  const weekdays = weekdayWords(f.weekdays);
  if (!f.bothDaysMustMatch) return monthDays === null || weekdays === null ? '' : `on ${monthDays} or on ${weekdays}`;
  if (monthDays === null) return weekdays === null ? '' : `on ${weekdays}`;
  return weekdays === null ? `on ${monthDays}` : `on ${monthDays} if it is ${weekdays}`;
}

/** Weekdays in Monday-first order, runs of three or more as "A through B"; null for all seven. */
function weekdayWords(mask: number): string | null {
  const days = bits(mask, 7);
  if (days.length === 7) return null;
  return list(runWords(days, (d) => WEEKDAYS[d]));
}

/**
 * "minute 0", "minute 0 through 5 and 30", "every 15th minute", "every 2nd hour from 8 through 18";
 * null when the set is the whole range (the field says nothing).
 */
function valuesIn(values: readonly number[], low: number, high: number, name: (v: number) => string, unit: string): string | null {
  if (values.length === high - low + 1) return null;
  const prefix = unit ? `${unit} ` : '';
  const step = values.length >= 3 ? values[1] - values[0] : 0;
  if (step > 1 && values.every((v, i) => i === 0 || v - values[i - 1] === step)) {
    const first = values[0];
    const last = values[values.length - 1];
    const whole = first === low && last + step > high;
    const every = `every ${ordinal(step)}${unit ? ` ${unit}` : ' month'}`;
    return whole ? every : `${every} from ${name(first)} through ${name(last)}`;
  }
  return prefix + list(runWords(values, name));
}

/** Runs of three or more as "A through B"; shorter ones as their values. */
function runWords(values: readonly number[], name: (v: number) => string): string[] {
  return runs(values).flatMap(([a, b]) => (b - a >= 2 ? [`${name(a)} through ${name(b)}`] : b === a ? [name(a)] : [name(a), name(b)]));
}

/** Sorted values as [first, last] runs of consecutive numbers. */
function runs(values: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else out.push([v, v]);
  }
  return out;
}

/** The set bits of a mask of `size` bits, ascending. */
function bits(mask: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) if ((mask & (1 << i)) !== 0) out.push(i);
  return out;
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** 2nd, 3rd, 11th, 21st. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

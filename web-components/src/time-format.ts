/** Display of instants (always with their zone), durations and intervals in the elements. */

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

const two = (n: number) => String(n).padStart(2, '0');

const DISPLAY_ZONE_KEY = 'pgautomator.display-zone';
/** Event on window when the person picks another zone to show times in (elements re-render). */
export const DISPLAY_ZONE_EVENT = 'pga-display-zone-change';

/** The browser's own IANA zone. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** 'browser' (the default) or 'UTC': the zone instants are shown in, chosen in the console header. */
export function displayZoneChoice(): 'browser' | 'UTC' {
  try {
    return globalThis.localStorage?.getItem(DISPLAY_ZONE_KEY) === 'UTC' ? 'UTC' : 'browser';
  } catch {
    return 'browser';
  }
}

export function setDisplayZoneChoice(choice: 'browser' | 'UTC'): void {
  try {
    globalThis.localStorage?.setItem(DISPLAY_ZONE_KEY, choice);
  } catch {
    /* storage off: the choice lasts until the page reloads */
  }
  globalThis.dispatchEvent?.(new CustomEvent(DISPLAY_ZONE_EVENT, { detail: { choice } }));
}

/** The IANA zone instants are shown in now. */
export function displayZone(): string {
  return displayZoneChoice() === 'UTC' ? 'UTC' : browserZone();
}

/**
 * `2026-11-28 21:05:03 Europe/Berlin`: an instant as wall-clock time in `zone` (default: the
 * chosen display zone), always followed by the zone, so no time on screen is ambiguous.
 */
export function formatInstant(value: unknown, zone = displayZone(), options: { zoneInHeader?: boolean } = {}): string {
  const d = toDate(value);
  if (!d) return '—';
  const safeZone = isValidTimeZone(zone) ? zone : 'UTC';
  // A table whose column header names the zone (`Started (UTC)`) leaves it out of each cell.
  return options.zoneInHeader ? wallClockIn(safeZone, d) : `${wallClockIn(safeZone, d)} ${safeZone}`;
}

const INTERVAL_UNITS: Array<[RegExp, string]> = [
  [/(-?\d+) years?/, 'year'],
  [/(-?\d+) mons?/, 'month'],
  [/(-?\d+) days?/, 'day'],
];

/**
 * A PostgreSQL interval as the database prints it (`00:01:00`, `1 day 02:00:00`, `00:00:05`) in
 * words (`1 minute`, `1 day 2 hours`, `5 seconds`) that the database also accepts back as input.
 */
export function intervalWords(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value).trim();
  if (text === '') return '';
  const parts: string[] = [];
  const plural = (n: number, unit: string) => `${n} ${unit}${Math.abs(n) === 1 ? '' : 's'}`;
  for (const [re, unit] of INTERVAL_UNITS) {
    const m = re.exec(text);
    if (m) parts.push(plural(Number(m[1]), unit));
  }
  const clock = /(-)?(\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(text);
  if (clock) {
    const sign = clock[1] ? -1 : 1;
    const [h, m, s] = [Number(clock[2]), Number(clock[3]), Number(clock[4])];
    if (h) parts.push(plural(sign * h, 'hour'));
    if (m) parts.push(plural(sign * m, 'minute'));
    if (s) parts.push(plural(sign * s, 'second'));
  }
  if (parts.length === 0) return /^[-\d:. ]+$/.test(text) || /^0/.test(text) ? '0 seconds' : text;
  return parts.join(' ');
}

/**
 * A PostgreSQL interval as the database prints it (`00:00:12.5`, `1 day 02:00:00`) in milliseconds,
 * or null; months and years (never a run's duration) are not counted.
 */
export function intervalMs(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  const days = /(-?\d+) days?/.exec(text);
  const clock = /(-)?(\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(text);
  if (!days && !clock) return null;
  let ms = days ? Number(days[1]) * 86_400_000 : 0;
  if (clock) ms += (clock[1] ? -1 : 1) * ((Number(clock[2]) * 60 + Number(clock[3])) * 60 + Number(clock[4])) * 1000;
  return ms;
}

/** `1 h 02 min`, `3.2 s`, `45 ms`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${two(Math.round(s % 60))} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${two(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function durationBetween(start: unknown, end: unknown, now = Date.now()): number | null {
  const s = toDate(start);
  if (!s) return null;
  const e = toDate(end);
  return (e ? e.getTime() : now) - s.getTime();
}

/** `12 s ago`, `in 5 min`. */
export function formatRelative(value: unknown, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const diff = d.getTime() - now;
  const text = formatDuration(Math.abs(diff)).replace(/ \d+ (s|min)$/, '');
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** Local wall-clock now in an IANA zone, `YYYY-MM-DD HH:MM:SS` (the schedule engine's input). */
export function wallClockIn(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

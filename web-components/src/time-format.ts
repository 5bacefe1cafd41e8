/** Display of instants and durations in the elements (the browser's locale and zone). */

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-28 21:05:03` in the browser's zone. */
export function formatInstant(value: unknown): string {
  const d = toDate(value);
  if (!d) return '—';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
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

/**
 * One line per event, carrying the ids that say what it is about (agent, job, run, step,
 * attempt). `text`: `<time> <LEVEL> <message> key=value ...`; `json`: one object per line.
 * Secrets never reach a logger: callers pass references (env:NAME), never resolved values, and
 * database URLs go through redactUrl().
 */

export const logFormats = ['text', 'json'] as const;
export type LogFormat = (typeof logFormats)[number];
export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` too. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  now?: () => Date;
}

function fieldValue(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function textValue(value: unknown): string {
  const v = fieldValue(value);
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const minimum = logLevels.indexOf(options.level);
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (logLevels.indexOf(level) < minimum) return;
    const all: LogFields = { ...bound, ...fields };
    for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
    if (options.format === 'json') {
      const entry: LogFields = { time: now().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries(all)) entry[key] = fieldValue(value);
      write(`${JSON.stringify(entry)}\n`);
    } else {
      const pairs = Object.entries(all).map(([key, value]) => `${key}=${textValue(value)}`);
      write(`${now().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${pairs.length ? ` ${pairs.join(' ')}` : ''}\n`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A connection URL without its password, fit for a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

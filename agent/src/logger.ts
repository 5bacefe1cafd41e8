/**
 * One line per event, carrying the ids that say what it is about (agent, job, run, step,
 * attempt). `text`: `<time> <LEVEL> <message> key=value ...`; `json`: one object per line.
 * Secrets never reach a logger: callers pass references (env:NAME), never resolved values, and
 * database URLs go through redactUrl().
 */
import { redactConnectionString } from '../../client/multi-host-connection.ts';

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
  return new LineLogger(
    {
      format: options.format,
      minimum: logLevels.indexOf(options.level),
      write: options.write ?? ((line: string) => process.stdout.write(line)),
      now: options.now ?? (() => new Date()),
    },
    bound,
  );
}

interface Sink {
  format: LogFormat;
  minimum: number;
  write: (line: string) => void;
  now: () => Date;
}

// A class, not closures: an agent makes a child logger per run and per step attempt, and a burst
// of short runs made thousands a second.
class LineLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly bound: LogFields,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.emit(0, 'debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit(1, 'info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit(2, 'warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit(3, 'error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new LineLogger(this.sink, { ...this.bound, ...fields });
  }

  private emit(rank: number, level: LogLevel, message: string, fields: LogFields = {}): void {
    const { sink } = this;
    if (rank < sink.minimum) return;
    const all: LogFields = { ...this.bound, ...fields };
    for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
    if (sink.format === 'json') {
      const entry: LogFields = { time: sink.now().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries(all)) entry[key] = fieldValue(value);
      sink.write(`${JSON.stringify(entry)}\n`);
    } else {
      const pairs = Object.entries(all).map(([key, value]) => `${key}=${textValue(value)}`);
      sink.write(`${sink.now().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${pairs.length ? ` ${pairs.join(' ')}` : ''}\n`);
    }
  }
}

/** A connection string (URL with any number of hosts, or key=value) without its password, fit for a log line. */
export function redactUrl(url: string): string {
  return redactConnectionString(url, '***');
}

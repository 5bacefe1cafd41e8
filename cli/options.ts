/**
 * Command-line parsing on node:util parseArgs (no dependency, as pg-boss does): strict options,
 * mistakes reported as UsageError naming the command, and the shared `--database-url` option.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--database-url URL` (falling back to DATABASE_URL / PGAUTOMATOR_DATABASE_URL in the environment). */
export const databaseUrlOption = { 'database-url': { type: 'string' } } as const satisfies Options;
export const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const satisfies Options;

/** Parses a command's options; `allowPositionals` for commands that take a name (script-job NAME). */
export function parseCommand<const O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(e.message.replace(/\. To specify a positional.*$/s, ''), command);
    throw error;
  }
}

/** The database URL from the option or the environment, or a UsageError saying how to give it. */
export function requireDatabaseUrl(command: string, value: string | undefined): string {
  const url = value ?? process.env.PGAUTOMATOR_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new UsageError(
      '--database-url is required (or set DATABASE_URL), e.g. --database-url postgres://postgres@127.0.0.1:5432/mydb',
      command,
    );
  }
  return url;
}

/** A TCP port from an option value: 1..65535 (0 too when `allowZero`). */
export function parsePort(command: string, name: string, value: string, allowZero = false): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new UsageError(`--${name} must be a port number ${allowZero ? '0' : '1'}..65535 (got ${JSON.stringify(value)})`, command);
  }
  return port;
}

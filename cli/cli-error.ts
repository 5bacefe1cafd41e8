/**
 * Errors the CLI reports to a person: what went wrong, then what to do next (STYLE: errors say
 * what to do next). main.ts prints them without a stack trace and exits with `exitCode`.
 */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

export class CliError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? exitCodes.failure;
  }
}

/** A mistake in how the command was called: exit code 2, and a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(message: string, command: string) {
    super(message, { hint: `see: pgautomator ${command} --help`.replace('  ', ' '), exitCode: exitCodes.usage });
    this.name = 'UsageError';
  }
}

/** The text main.ts prints for an error: the message and its hint, for a CliError; more for others. */
export function describeError(error: unknown, verbose: boolean): string {
  if (error instanceof CliError) {
    const lines = [`error: ${error.message}`];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (verbose && error.cause) lines.push(`cause: ${String((error.cause as Error)?.stack ?? error.cause)}`);
    return lines.join('\n');
  }
  const e = error as { message?: string; code?: string; detail?: string; hint?: string; stack?: string };
  const lines = [`error: ${e?.message ?? String(error)}${e?.code ? ` (${e.code})` : ''}`];
  if (e?.detail) lines.push(`detail: ${e.detail}`);
  if (e?.hint) lines.push(`hint: ${e.hint}`);
  if (verbose && e?.stack) lines.push(e.stack);
  else lines.push('(run with PGAUTOMATOR_DEBUG=1 for the stack trace)');
  return lines.join('\n');
}

/**
 * Typed errors for the SQLSTATEs of extension-src/sql/README.md. Callers branch on the class (or
 * `code`), never on the message. `field` comes from the DETAIL line `field: <name>`.
 */
export const errorCodes = {
  PA001: 'invalid_schedule',
  PA002: 'invalid_argument',
  PA010: 'not_found',
  PA020: 'already_exists',
  PA021: 'in_use',
  PA030: 'invalid_state',
  PA040: 'permission_denied',
  PA050: 'trigger_cycle',
} as const;
export type ErrorCode = keyof typeof errorCodes;
export type ErrorName = (typeof errorCodes)[ErrorCode];

export class PgAutomatorError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  constructor(code: string, message: string, detail?: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.detail = detail || undefined;
    this.hint = hint || undefined;
    this.field = /(?:^|\n)field: ([^\n]+)/.exec(detail ?? '')?.[1];
  }
}
export class InvalidScheduleError extends PgAutomatorError {}
export class InvalidArgumentError extends PgAutomatorError {}
export class NotFoundError extends PgAutomatorError {}
export class AlreadyExistsError extends PgAutomatorError {}
export class InUseError extends PgAutomatorError {}
export class InvalidStateError extends PgAutomatorError {}
export class PermissionDeniedError extends PgAutomatorError {}
/** A job trigger that would close a cycle of dependencies (add_job_trigger); DETAIL names the chain. */
export class TriggerCycleError extends PgAutomatorError {}

const classes: Record<string, typeof PgAutomatorError> = {
  PA001: InvalidScheduleError,
  PA002: InvalidArgumentError,
  PA010: NotFoundError,
  PA020: AlreadyExistsError,
  PA021: InUseError,
  PA030: InvalidStateError,
  PA040: PermissionDeniedError,
  PA050: TriggerCycleError,
  '42501': PermissionDeniedError, // EXECUTE not granted: the database's own permission error
};

/** Our typed error for a database error of one of our codes (or 42501); other errors unchanged. */
export function toTypedError(error: unknown): unknown {
  const e = error as { code?: string; message?: string; detail?: string; hint?: string };
  const Class = e && typeof e.code === 'string' ? classes[e.code] : undefined;
  if (!Class) return error;
  const typed = new Class(e.code!, e.message ?? '', e.detail, e.hint);
  (typed as { cause?: unknown }).cause = error;
  return typed;
}

/** HTTP status of an error, for the gateway: bad input 400, permission 403, not found 404, conflict 409. */
export function httpStatusOf(error: unknown): number {
  if (error instanceof InvalidScheduleError || error instanceof InvalidArgumentError) return 400;
  if (error instanceof PermissionDeniedError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof AlreadyExistsError || error instanceof InUseError || error instanceof InvalidStateError || error instanceof TriggerCycleError) return 409;
  const code = (error as { code?: string })?.code ?? '';
  if (code.startsWith('22') || code.startsWith('23')) return 400; // data exceptions, constraint violations
  return 500;
}

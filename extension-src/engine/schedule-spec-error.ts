/**
 * The error an invalid spec raises. `field` is the path of the offending field
 * (`end_date`, `weekdays[1]`, `sub.end_time`, `exceptions[0].to`, ...), identical to what the
 * PL/pgSQL mirror reports in DETAIL; the message starts with `schedule <field> ` and says
 * what is allowed. In SQL this is SQLSTATE PA001 (invalid_schedule).
 */
export class ScheduleSpecError extends Error {
  readonly field: string;
  readonly code = 'PA001';

  constructor(field: string, message: string) {
    super(message);
    this.name = 'ScheduleSpecError';
    this.field = field;
  }
}

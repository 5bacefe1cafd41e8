/**
 * The functions extension-src/plv8.ts turns into plv8 SQL functions. Keep them tiny: the
 * SQL wrappers do the timestamptz <-> local time conversion and raise PA001 from `field`.
 */

import { nextFires } from './next-fires.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import { validateSchedule } from './validate.ts';

/** null when the spec is valid, else the offending field and message. Never throws for a bad spec. */
export function checkSchedule(spec: unknown): { field: string; message: string } | null {
  try {
    validateSchedule(spec);
    return null;
  } catch (e) {
    if (e instanceof ScheduleSpecError) return { field: e.field, message: e.message };
    throw e;
  }
}

/** Local fire times strictly after the local time `after`: exactly `nextFires`. */
export function nextFiresLocal(spec: unknown, after: string, count: number): string[] {
  return nextFires(spec, after, count);
}

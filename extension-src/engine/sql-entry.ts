/**
 * The functions extension-src/plv8.ts turns into plv8 SQL functions. Keep them tiny: the
 * SQL wrappers do the timestamptz <-> local time conversion and raise PA001 from `field`.
 *
 * The spec crosses as `text` (the SQL wrappers pass `spec::text`), not `jsonb`: measured on a real
 * plv8 3.1.10, a jsonb argument costs about twice a text one to cross, and plv8's direct jsonb
 * conversion fails with "out of range for type double precision" (SQLSTATE 22003) on a number past
 * the double range, where the other engines answer PA001 naming the field. Parsed here with
 * JSON.parse, the spec is exactly what the TypeScript engine sees in Node and the browser.
 */

import { nextFires } from './next-fires.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import { validateSchedule } from './validate.ts';

/**
 * Parsed specs by their text. The scheduler asks about the same few specs over and over within a
 * backend; the engine never mutates a spec, so one parsed copy serves every call. Bounded: past
 * the limit the map starts again (a backend seeing more distinct specs than that gains nothing).
 */
const parsedSpecs = new Map<string, unknown>();
const PARSED_SPECS_LIMIT = 1024;

function parseSpec(specText: string | null): unknown {
  if (specText === null) return null;
  let spec = parsedSpecs.get(specText);
  if (spec === undefined) {
    spec = JSON.parse(specText) as unknown;
    if (parsedSpecs.size >= PARSED_SPECS_LIMIT) parsedSpecs.clear();
    parsedSpecs.set(specText, spec);
  }
  return spec;
}

/** null when the spec (JSON text) is valid, else the offending field and message. Never throws for a bad spec. */
export function checkSchedule(spec: string | null): { field: string; message: string } | null {
  try {
    validateSchedule(parseSpec(spec));
    return null;
  } catch (e) {
    if (e instanceof ScheduleSpecError) return { field: e.field, message: e.message };
    throw e;
  }
}

/** Local fire times strictly after the local time `after`: exactly `nextFires` of the spec (JSON text). */
export function nextFiresLocal(spec: string, after: string, count: number): string[] {
  return nextFires(parseSpec(spec), after, count);
}

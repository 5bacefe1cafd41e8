/**
 * The functions extension-src/plv8.ts turns into plv8 SQL functions. Keep them tiny: the
 * SQL wrappers do the timestamptz <-> local time conversion and raise PA001 from `field`.
 *
 * The spec crosses as `text` (the SQL wrappers pass `spec::text`), not `jsonb`: measured on a real
 * plv8 3.1.10, a jsonb argument costs about twice a text one to cross, and plv8's direct jsonb
 * conversion fails with "out of range for type double precision" (SQLSTATE 22003) on a number past
 * the double range, where the other engines answer PA001 naming the field. Parsed here with
 * JSON.parse, the spec is exactly what the TypeScript engine sees in Node and the browser.
 *
 * Specs are checked and compiled once per backend and kept by their text: the scheduler asks about
 * the same few specs over and over (every fire of every schedule), and a spec's meaning depends on
 * nothing but its text. The engine is pure, so a cached answer is the answer.
 */

import { compileSchedule, type CompiledSchedule } from './compiled-schedule.ts';
import { compiledNextFires } from './next-fires.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import { assertValidSchedule } from './validate.ts';

type Checked = { problem: { field: string; message: string } } | { compiled: CompiledSchedule };

/** Bounded: past the limit the map starts again (a backend seeing more distinct specs gains nothing). */
const checkedSpecs = new Map<string | null, Checked>();
const CHECKED_SPECS_LIMIT = 1024;

function checked(specText: string | null): Checked {
  let answer = checkedSpecs.get(specText);
  if (answer === undefined) {
    const spec = specText === null ? null : (JSON.parse(specText) as unknown);
    try {
      assertValidSchedule(spec);
      answer = { compiled: compileSchedule(spec) };
    } catch (e) {
      if (!(e instanceof ScheduleSpecError)) throw e;
      answer = { problem: { field: e.field, message: e.message } };
    }
    if (checkedSpecs.size >= CHECKED_SPECS_LIMIT) checkedSpecs.clear();
    checkedSpecs.set(specText, answer);
  }
  return answer;
}

/** null when the spec (JSON text) is valid, else the offending field and message. Never throws for a bad spec. */
export function checkSchedule(spec: string | null): { field: string; message: string } | null {
  const answer = checked(spec);
  // A copy: plv8 converts the returned object, and callers in Node must not edit the cached one.
  return 'problem' in answer ? { ...answer.problem } : null;
}

/** Local fire times strictly after the local time `after`: exactly `nextFires` of the spec (JSON text). */
export function nextFiresLocal(spec: string, after: string, count: number): string[] {
  const answer = checked(spec);
  if ('problem' in answer) throw new ScheduleSpecError(answer.problem.field, answer.problem.message);
  return compiledNextFires(answer.compiled, after, count);
}

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
 *
 * The scheduler's bulk paths (firing due schedules, recomputing next fires after a change) ask
 * about many schedules at once: `nextFireLocalEach` answers all of them in one call, because on a
 * real plv8 the crossing itself (about 10 us of CPU per call) costs more than the engine's answer
 * (about 1 us) and more than the whole PL/pgSQL engine for a simple spec.
 */

import { compileSchedule, type CompiledSchedule } from './compiled-schedule.ts';
import { compiledNextFires } from './next-fires.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import { assertValidSchedule } from './validate.ts';

type Checked = { problem: { field: string; message: string } } | { compiled: CompiledSchedule };

/**
 * Bounded: past the limit the map starts again. Large enough for every schedule of a big
 * installation: a bulk call (nextFireLocalEach) over more distinct specs than the limit finds none
 * of them cached, every time (measured on a real plv8 with 10,000 distinct specs and a limit of
 * 1,024: refreshing them all cost more than with the PL/pgSQL engine). About 0.6 KB per entry
 * (Node, weekly specs with exceptions): some 10 MB of plv8 heap at the limit.
 */
const checkedSpecs = new Map<string | null, Checked>();
export const CHECKED_SPECS_LIMIT = 16_384;

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

/**
 * The first local fire strictly after `afters[i]` of the spec (JSON text) `specs[i]`, for every i:
 * `nextFiresLocal(specs[i], afters[i], 1)[0]`, or null when it never fires again, or when either
 * is null (as the STRICT single call would answer). Throws for an invalid spec, as nextFiresLocal.
 */
export function nextFireLocalEach(specs: readonly (string | null)[], afters: readonly (string | null)[]): (string | null)[] {
  const out: (string | null)[] = new Array<string | null>(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const after = afters[i] ?? null;
    if (spec === null || after === null) {
      out[i] = null;
      continue;
    }
    const answer = checked(spec);
    if ('problem' in answer) throw new ScheduleSpecError(answer.problem.field, answer.problem.message);
    out[i] = compiledNextFires(answer.compiled, after, 1)[0] ?? null;
  }
  return out;
}

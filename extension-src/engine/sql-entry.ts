/**
 * The functions extension-src/plv8.ts turns into plv8 SQL functions. Keep them tiny: the
 * SQL wrappers raise PA001 from `field` and decide what these leave to them.
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
 * The scheduler's questions are about instants (`timestamptz`), and they cross as numbers: `after`
 * as float8 seconds since 1970 (date_part('epoch', after)) and the answers as float8 seconds
 * (to_timestamp), NaN where the SQL wrapper must decide. The local time <-> instant mapping is done
 * here (zone-instants.ts) with the zone's offsets read from PostgreSQL's own tz database through
 * plv8's SPI and kept per backend (spiZoneRules): on a real plv8 the text conversions, `to_char`,
 * the timestamp casts and the SQL mapping around one engine call cost more than the engine itself.
 * The bulk paths (firing due schedules, recomputing next fires after a change) ask about many
 * schedules in one call (`nextFireEach`), previews about many fires (`nextFiresAt`).
 */

import { compileSchedule, type CompiledSchedule } from './compiled-schedule.ts';
import { compiledNextFires } from './next-fires.ts';
import { ScheduleSpecError } from './schedule-spec-error.ts';
import { assertValidSchedule } from './validate.ts';
import { nextInstants, nextInstantsAfter, type InstantQuestion, type ZoneRules } from './zone-instants.ts';

/** A valid spec compiled, with its time zone (the SQL wrappers' coalesce(spec ->> 'time_zone', 'UTC')). */
type Checked = { problem: { field: string; message: string } } | { compiled: CompiledSchedule; zone: string };

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
      answer = { compiled: compileSchedule(spec), zone: spec.time_zone ?? 'UTC' };
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

function compiled(spec: string): { compiled: CompiledSchedule; zone: string } {
  const answer = checked(spec);
  if ('problem' in answer) throw new ScheduleSpecError(answer.problem.field, answer.problem.message);
  return answer;
}

/**
 * For every i, the first instant strictly after `afters[i]` (float8 seconds since 1970) at which
 * the spec (JSON text) `specs[i]` fires, as float8 seconds: null when it never fires again or
 * either is null (as the STRICT single call would answer), NaN when the SQL wrapper must decide
 * (zone-instants.ts nextInstants). Throws for an invalid spec, as nextFiresLocal.
 */
export function nextFireEach(specs: readonly (string | null)[], afters: readonly (number | null)[], zoneRules: ZoneRules): (number | null)[] {
  const questions: (InstantQuestion | null)[] = new Array<InstantQuestion | null>(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const after = afters[i] ?? null;
    if (spec === null || after === null) {
      questions[i] = null;
      continue;
    }
    const c = compiled(spec);
    questions[i] = { compiled: c.compiled, zone: c.zone, after };
  }
  return nextInstants(questions, zoneRules);
}

/** nextFireEach of one schedule: the scheduler's single next fire (_next_fire). */
export function nextFireAt(spec: string, after: number, zoneRules: ZoneRules): number | null {
  const c = compiled(spec);
  return nextInstants([{ compiled: c.compiled, zone: c.zone, after }], zoneRules)[0];
}

/**
 * The first `count` distinct instants strictly after `after` at which the spec (JSON text) fires
 * (float8 seconds both), as _next_fires answers (previews); null when the SQL wrapper must decide
 * (zone-instants.ts nextInstantsAfter). Throws for an invalid spec, as nextFiresLocal.
 */
export function nextFiresAt(spec: string, after: number, count: number, zoneRules: ZoneRules): number[] | null {
  const c = compiled(spec);
  return nextInstantsAfter(c.compiled, c.zone, after, count, zoneRules);
}

/** What the entry points need of plv8's `plv8` object: `plv8.execute(sql, params)` returns rows. */
export interface Plv8Spi {
  execute(sql: string, params: readonly unknown[]): Record<string, unknown>[];
}

/**
 * ZoneRules read from PostgreSQL's tz database through plv8's SPI, each one statement for all the
 * times of a call (functions of sql/engine/, granted like the plv8 functions themselves: to the
 * extension's owner, whom the SECURITY DEFINER callers run as). Only the generated plv8 bodies
 * call this, handing it their `plv8`; the engine itself runs no SQL.
 */
export function spiZoneRules(spi: Plv8Spi): ZoneRules {
  return {
    midnightOffsets: (zones, firstDays, days) =>
      spi.execute('SELECT pgautomator._zone_midnight_offsets($1::text[], $2::int[], $3::int) AS o', [zones, firstDays, days])[0].o as number[],
    readings: (zones, instants) =>
      spi.execute('SELECT pgautomator._zone_readings($1::text[], $2::float8[]) AS r', [zones, instants])[0].r as number[],
    instants: (zones, locals) =>
      spi.execute('SELECT pgautomator._zone_instants($1::text[], $2::float8[]) AS i', [zones, locals])[0].i as number[],
  };
}

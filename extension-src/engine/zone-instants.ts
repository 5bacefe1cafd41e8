/**
 * From local fire times to instants, for the plv8 entry points (sql-entry.ts): the wall-clock rule
 * of docs/schedule-spec.md, as pgautomator._local_to_instant applies it, without a time-zone
 * database of our own. The zone's rules stay PostgreSQL's (plv8 may lack Intl's zone data, and the
 * answers must be the PL/pgSQL engine's): the caller supplies them as `ZoneRules`, which in plv8
 * asks PostgreSQL (sql-entry.ts spiZoneRules).
 *
 * Times are numbers of seconds since 1970-01-01 00:00:00: an instant in UTC, a local time read as
 * if it were UTC (fires are whole seconds; the engine reads local times as day * 86,400 + second).
 *
 * The common case costs no question to PostgreSQL: a zone's UTC offsets at the UTC midnights of
 * whole blocks of days are fetched once per backend and kept (a zone's rules do not change while
 * a backend runs: PostgreSQL loads each zone once per backend too). Where the offset is the same
 * at three midnights in a row, nothing changes between them (at most one transition a day: the
 * assumption pgautomator._local_to_instant makes), so local = instant + offset there. Elsewhere
 * (a day or two around a transition) the exact answer comes from PostgreSQL, in one question for
 * all the times of a call.
 */

import { MAX_DAY, MIN_DAY } from './civil-date.ts';
import type { CompiledSchedule } from './compiled-schedule.ts';
import { fireSecondsAfter, SECONDS_PER_DAY } from './next-fires.ts';

/** A zone's rules, as PostgreSQL's tz database has them. Zones are names `AT TIME ZONE` accepts. */
export interface ZoneRules {
  /**
   * UTC offsets (seconds east: local - instant) of zones[i] at the UTC midnights of days
   * firstDays[i] .. firstDays[i] + days - 1 (days since 1970-01-01), all blocks concatenated.
   */
  midnightOffsets(zones: readonly string[], firstDays: readonly number[], days: number): number[];
  /** The local time (as seconds) zones[i]'s clock reads at instants[i]: `instant AT TIME ZONE zone`. */
  readings(zones: readonly string[], instants: readonly number[]): number[];
  /** The instant locals[i] fires at in zones[i]: pgautomator._local_to_instant. */
  instants(zones: readonly string[], locals: readonly number[]): number[];
}

/** Offsets are fetched and kept by blocks of this many days (about 8.4 months). */
export const OFFSET_BLOCK_DAYS = 256;
/** Bounded: past this many blocks (1 KB each) the cache starts again. */
export const OFFSET_BLOCKS_LIMIT = 4_096;

/** Local times the TypeScript engine reads: 0001-01-01 00:00:00 up to, not including, 9999-12-31 23:59:59. */
const FIRST_LOCAL = MIN_DAY * SECONDS_PER_DAY;
const LAST_LOCAL = MAX_DAY * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;
/**
 * `after` arrives as float8 seconds (date_part('epoch', ...)). Up to 2^33 s from 1970 (years
 * 1698..2242) a float8 holds the microseconds exactly enough that flooring it gives the right
 * second; beyond, the SQL wrapper decides (it is asked by NaN).
 */
const EXACT_AFTER = 2 ** 33;

/** Per zone, per block index: offsets at the block's midnights. */
const offsetBlocks = new Map<string, Map<number, Int32Array>>();
let offsetBlockCount = 0;

/** What a call needs fetched before it can go on: blocks of offsets not yet kept. */
class MissingBlocks {
  zones: string[] = [];
  firstDays: number[] = [];
  private readonly seen = new Set<string>();

  /** Records the block of `day` in `zone` when it is not kept; true when it is. */
  have(zone: string, day: number): boolean {
    const block = Math.floor(day / OFFSET_BLOCK_DAYS);
    if (offsetBlocks.get(zone)?.has(block)) return true;
    const key = `${block} ${zone}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.zones.push(zone);
      this.firstDays.push(block * OFFSET_BLOCK_DAYS);
    }
    return false;
  }

  fetch(rules: ZoneRules): void {
    if (this.zones.length === 0) return;
    const offsets = rules.midnightOffsets(this.zones, this.firstDays, OFFSET_BLOCK_DAYS);
    if (offsets.length !== this.zones.length * OFFSET_BLOCK_DAYS) {
      throw new Error(`zone offsets: expected ${this.zones.length * OFFSET_BLOCK_DAYS} values, got ${offsets.length}`);
    }
    if (offsetBlockCount + this.zones.length > OFFSET_BLOCKS_LIMIT) {
      offsetBlocks.clear();
      offsetBlockCount = 0;
    }
    for (let k = 0; k < this.zones.length; k++) {
      let blocks = offsetBlocks.get(this.zones[k]);
      if (blocks === undefined) {
        blocks = new Map();
        offsetBlocks.set(this.zones[k], blocks);
      }
      const start = k * OFFSET_BLOCK_DAYS;
      blocks.set(this.firstDays[k] / OFFSET_BLOCK_DAYS, Int32Array.from(offsets.slice(start, start + OFFSET_BLOCK_DAYS)));
      offsetBlockCount++;
    }
    this.zones = [];
    this.firstDays = [];
    this.seen.clear();
  }
}

/** The offset of `zone` at the UTC midnight of `day`; its block must be kept. */
function offsetAt(zone: string, day: number): number {
  const block = Math.floor(day / OFFSET_BLOCK_DAYS);
  return (offsetBlocks.get(zone)!.get(block) as Int32Array)[day - block * OFFSET_BLOCK_DAYS];
}

/** UTC has no transitions: nothing to fetch. */
const isUtc = (zone: string) => zone === 'UTC';

/**
 * The local time `zone` reads at the whole-second instant `at`, or NaN when it takes PostgreSQL
 * (a transition within a day of it). Needs the blocks of its day and the next (MissingBlocks).
 */
function readingFast(zone: string, at: number, missing: MissingBlocks): number {
  if (isUtc(zone)) return at;
  const day = Math.floor(at / SECONDS_PER_DAY);
  if (!(missing.have(zone, day) && missing.have(zone, day + 1))) return NaN;
  const offset = offsetAt(zone, day);
  return offsetAt(zone, day + 1) === offset ? at + offset : NaN;
}

/** Records the blocks instantFast(zone, local) needs. */
function wantInstant(zone: string, local: number, missing: MissingBlocks): void {
  if (isUtc(zone)) return;
  const day = Math.floor(local / SECONDS_PER_DAY);
  // The instant is within a day of the local time (offsets are under 24 hours): its day and the
  // days either side of it lie in day - 2 .. day + 2.
  missing.have(zone, day - 2);
  missing.have(zone, day + 2);
}

/**
 * The instant the local time fires at, or NaN when it takes PostgreSQL: when the offset is the
 * same at the midnights before, of and after the candidate instant, the zone had no transition
 * from a day before it to after it, so the candidate is the one instant that reads `local`, and no
 * earlier instant read as much (no overlap, no gap). Blocks from wantInstant.
 */
function instantFast(zone: string, local: number): number {
  if (isUtc(zone)) return local;
  const offset = offsetAt(zone, Math.floor(local / SECONDS_PER_DAY));
  const candidate = local - offset;
  const day = Math.floor(candidate / SECONDS_PER_DAY);
  return offsetAt(zone, day - 1) === offset && offsetAt(zone, day) === offset && offsetAt(zone, day + 1) === offset ? candidate : NaN;
}

/** One schedule of a call: its compiled spec, zone and `after` (UTC seconds, a float8). */
export interface InstantQuestion {
  readonly compiled: CompiledSchedule;
  readonly zone: string;
  readonly after: number;
}

/**
 * For each question, the first instant strictly after `after` at which the schedule fires, as
 * _next_fire answers: a number, null when it never fires again, or NaN when the SQL wrapper must
 * decide (an `after` outside the years this reads exactly or the engine reads, or a first local
 * fire that maps to `after` or earlier: `after` in the second pass of a fall-back overlap).
 * At most three questions to PostgreSQL per call, none once the zones' blocks are kept.
 */
export function nextInstants(questions: readonly (InstantQuestion | null)[], rules: ZoneRules): (number | null)[] {
  const n = questions.length;
  const out: (number | null)[] = new Array<number | null>(n).fill(null);
  const afters = new Float64Array(n);
  const locals = new Float64Array(n).fill(NaN);
  const missing = new MissingBlocks();
  // 1. `after` in each zone: whole seconds (fires are whole seconds, so "strictly after" the
  //    floor is the same question), then the blocks to read it.
  for (let i = 0; i < n; i++) {
    const q = questions[i];
    if (q === null) continue;
    afters[i] = Math.floor(q.after);
    if (!(Math.abs(q.after) < EXACT_AFTER)) {
      out[i] = NaN;
      continue;
    }
    readingFast(q.zone, afters[i], missing);
  }
  missing.fetch(rules);
  const exactAt: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = questions[i];
    if (q === null || out[i] !== null) continue;
    locals[i] = readingFast(q.zone, afters[i], missing);
    if (Number.isNaN(locals[i])) exactAt.push(i);
  }
  if (exactAt.length > 0) {
    const readings = rules.readings(exactAt.map((i) => questions[i]!.zone), exactAt.map((i) => afters[i]));
    exactAt.forEach((i, k) => (locals[i] = readings[k]));
  }
  // 2. The first local fire of each, and the blocks to map it.
  const fires = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const q = questions[i];
    if (q === null || out[i] !== null) continue;
    const local = locals[i];
    if (!(local >= FIRST_LOCAL && local < LAST_LOCAL)) {
      out[i] = NaN;
      continue;
    }
    const day = Math.floor(local / SECONDS_PER_DAY);
    const fire = fireSecondsAfter(q.compiled, day, local - day * SECONDS_PER_DAY, 1);
    if (fire.length === 0) continue; // never fires again: null
    fires[i] = fire[0];
    wantInstant(q.zone, fire[0], missing);
  }
  missing.fetch(rules);
  // 3. The instants; near a transition, PostgreSQL's.
  const exactFire: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(fires[i])) continue;
    const instant = instantFast(questions[i]!.zone, fires[i]);
    if (Number.isNaN(instant)) exactFire.push(i);
    else out[i] = instant;
  }
  if (exactFire.length > 0) {
    const instants = rules.instants(exactFire.map((i) => questions[i]!.zone), exactFire.map((i) => fires[i]));
    exactFire.forEach((i, k) => (out[i] = instants[k]));
  }
  for (let i = 0; i < n; i++) {
    const instant = out[i];
    if (instant !== null && !Number.isNaN(instant) && !(instant > afters[i])) out[i] = NaN;
  }
  return out;
}

/**
 * The first `count` distinct instants strictly after `after` at which the schedule fires, as
 * _next_fires answers (local fires mapped by the wall-clock rule, a fire mapping to the last
 * instant kept or earlier dropped: the slots of a gap fire once, those of a second pass already
 * fired), or null when the SQL wrapper must decide: an `after` this cannot read, or a second pass
 * long enough that dropping its slots one by one takes more than a few rounds (the wrapper's
 * _local_reached jumps over it).
 */
export function nextInstantsAfter(compiled: CompiledSchedule, zone: string, after: number, count: number, rules: ZoneRules): number[] | null {
  const n = Math.floor(count);
  if (!(n > 0)) return [];
  if (!(Math.abs(after) < EXACT_AFTER)) return null;
  const afterSecond = Math.floor(after);
  const missing = new MissingBlocks();
  readingFast(zone, afterSecond, missing);
  missing.fetch(rules);
  let cursor = readingFast(zone, afterSecond, missing);
  if (Number.isNaN(cursor)) cursor = rules.readings([zone], [afterSecond])[0];
  const out: number[] = [];
  let last = afterSecond;
  for (let round = 0; round < 4; round++) {
    if (!(cursor >= FIRST_LOCAL && cursor < LAST_LOCAL)) return round === 0 ? null : out;
    const day = Math.floor(cursor / SECONDS_PER_DAY);
    const want = n - out.length;
    const fires = fireSecondsAfter(compiled, day, cursor - day * SECONDS_PER_DAY, want);
    for (const fire of fires) wantInstant(zone, fire, missing);
    missing.fetch(rules);
    const instants = fires.map((fire) => instantFast(zone, fire));
    const exact: number[] = [];
    instants.forEach((instant, k) => Number.isNaN(instant) && exact.push(k));
    if (exact.length > 0) {
      const answers = rules.instants(exact.map(() => zone), exact.map((k) => fires[k]));
      exact.forEach((k, j) => (instants[k] = answers[j]));
    }
    for (const instant of instants) {
      if (instant > last) {
        out.push(instant);
        last = instant;
      }
    }
    if (out.length === n || fires.length < want) return out;
    cursor = fires[fires.length - 1];
  }
  return null;
}

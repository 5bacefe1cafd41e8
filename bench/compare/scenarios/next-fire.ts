/**
 * Next-fire computation: what one "when does this schedule fire next?" costs inside the database.
 *  - ours: pgautomator._next_fire(spec jsonb, after timestamptz), the PL/pgSQL engine (or plv8
 *    when the server has it; Debian does not package plv8, so here it is absent);
 *  - pgAgent: pgagent.pga_next_schedule(id, start, end, minutes, hours, weekdays, monthdays,
 *    months), PL/pgSQL; it computes from now(), so `start` is varied to move the search point;
 *  - pg_cron: computes in C inside its launcher; no SQL-callable function, so not measured.
 * As bench/engine-next-fire.ts: 20,000 calls in one statement with varied instants, median of 5
 * statements, microseconds per call (wall clock on the server: EXPLAIN ANALYZE's execution time).
 */
import type { BenchContext } from '../bench-context.ts';

const CALLS = 20_000;
const ROUNDS = 5;

/** Comparable schedules in both models. pgAgent's arrays are 1-based: minute m is index m + 1. */
export const comparableSpecs = [
  {
    name: 'daily at 02:30',
    ours: { type: 'daily', start_date: '2025-01-01', sub: { type: 'once', time: '02:30' } },
    pgagent: { minutes: [30], hours: [2], monthdays: [] as number[] },
  },
  {
    name: 'every 15 minutes',
    ours: { type: 'daily', start_date: '2025-01-01', sub: { type: 'every', every: 15, unit: 'minute' } },
    pgagent: { minutes: [0, 15, 30, 45], hours: [] as number[], monthdays: [] as number[] },
  },
  {
    // Not the same rule: ours clamps day 31 to a shorter month's last day; pgAgent skips such months.
    name: 'monthly day 31 at 00:00',
    ours: { type: 'monthly', day: 31, start_date: '2024-01-01' },
    pgagent: { minutes: [0], hours: [0], monthdays: [31] },
  },
];

export interface NextFireResult {
  name: string;
  /** µs per call, or the error the function raised. */
  oursUs: number | string;
  pgagentUs: number | string;
  plv8: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const boolArray = (size: number, trueAt: number[]) => Array.from({ length: size }, (_, i) => trueAt.includes(i));

/** µs per call; a function that fails on some instants (pgAgent's does) reports its error instead. */
async function timed(ctx: BenchContext, sql: string, params: unknown[]): Promise<number | string> {
  const runs: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const { rows } = await ctx.pool.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, params);
      runs.push(rows[0]['QUERY PLAN'][0]['Execution Time'] as number);
    }
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
  return (median(runs) * 1000) / CALLS;
}

export async function nextFireCost(ctx: BenchContext): Promise<NextFireResult[]> {
  const plv8 = (await ctx.pool.query("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'plv8'")).rows[0].n > 0;
  const results: NextFireResult[] = [];
  for (const spec of comparableSpecs) {
    const oursUs = await timed(
      ctx,
      "SELECT count(pgautomator._next_fire($1::jsonb, $2::timestamptz + g * interval '7919 seconds')) FROM generate_series(1, $3::int) g",
      [JSON.stringify(spec.ours), '2026-01-01T00:00:00Z', CALLS],
    );
    const pgagentUs = await timed(
      ctx,
      `SELECT count(pgagent.pga_next_schedule(0, now() + g * interval '7919 seconds', NULL, $1::bool[], $2::bool[], $3::bool[], $4::bool[], $5::bool[]))
         FROM generate_series(1, $6::int) g`,
      [boolArray(60, spec.pgagent.minutes), boolArray(24, spec.pgagent.hours), boolArray(7, []), boolArray(32, spec.pgagent.monthdays.map((d) => d - 1)), boolArray(12, []), CALLS],
    );
    results.push({ name: spec.name, oursUs, pgagentUs, plv8 });
  }
  return results;
}

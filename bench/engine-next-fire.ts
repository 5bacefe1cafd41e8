/**
 * What one next fire costs, per engine (DESIGN.md section 2), and what recomputing the next fire
 * of 100,000 schedules in one statement costs. Prints a Markdown table and the machine; record the
 * figures in bench/README.md.
 *
 *   npx tsx bench/engine-next-fire.ts
 *   PGAUTOMATOR_BENCH_QUICK=1 npx tsx bench/engine-next-fire.ts   (fewer rounds, for a smoke run)
 *   PGAUTOMATOR_BENCH_BULK_ONLY=1 npx tsx bench/engine-next-fire.ts   (only the bulk paths)
 *
 * - TypeScript: `nextFire(spec, after)` (validation and compilation included, as each call does),
 *   median over rounds of 2,000 calls with varied `after`; the engine as shipped (one esbuild
 *   bundle, as the browser and plv8 get it) and, for comparison, as tsx loads the sources.
 * - PL/pgSQL: `_next_fire(spec, after timestamptz)`, the scheduler's hot path (engine dispatch,
 *   local fire, time-zone mapping), timed as statements of 20,000 calls; median of the statements.
 *   Also the bare `_plpgsql_next_fires(spec, after timestamp, 1)`.
 * - plv8: the same statements with the plv8 engine, where the database has plv8; otherwise the
 *   table says so (no figure is made up for it).
 * - 100,000 schedules: a temp table of 100,000 varied specs, `UPDATE ... SET next_fire_at =
 *   _next_fire(spec, at)` in one statement, median of 3.
 * - The bulk paths (issue 18), per engine, with 1,000 and 10,000 jobs each with its own varied
 *   schedule: the engine call alone (`_next_fire_each` of all their specs, `after` one instant or
 *   spread over a year; median of 7), `_refresh_next_fires()` (all pairs, as after a change) and
 *   `_fire_due(at, n)` with every pair due once (n runs queued), each in a transaction rolled back,
 *   median of 3; and
 *   `schedule_preview(spec, after, 1000)` of each kind, median of the statements.
 * Each figure is given as wall-clock time and as CPU time (of the Node process; of the Postgres
 * backend, read from /proc when the server is local), so that a run on a shared, busy machine still
 * says what the code costs. Targets: TypeScript <= 2 us, PL/pgSQL <= 50 us median, 100,000
 * schedules < 5 s.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type pg from 'pg';
import { nextFire as nextFireViaTsx } from '../extension-src/engine/index.ts';
import { createTestDatabase } from '../test/support/database.ts';

const quick = process.env.PGAUTOMATOR_BENCH_QUICK === '1';
const bulkOnly = process.env.PGAUTOMATOR_BENCH_BULK_ONLY === '1';
const tsRounds = quick ? 21 : 101;
const tsCallsPerRound = 2_000;
const sqlCalls = 20_000;
const sqlStatements = quick ? 3 : 7;
const bulkRows = 100_000;
const bulkRepeats = 3;

const kinds: { name: string; spec: Record<string, unknown> }[] = [
  { name: 'daily at 02:30', spec: { type: 'daily', start_date: '2025-01-01', sub: { type: 'once', time: '02:30' } } },
  {
    name: 'weekly Mon/Wed/Fri every 15 min 08-18, Berlin',
    spec: {
      type: 'weekly', weekdays: ['mon', 'wed', 'fri'], start_date: '2026-01-05', time_zone: 'Europe/Berlin',
      sub: { type: 'every', every: 15, unit: 'minute', start_time: '08:00', end_time: '18:00' },
    },
  },
  { name: 'monthly day 31, New York', spec: { type: 'monthly', day: 31, start_date: '2024-01-01', time_zone: 'America/New_York' } },
  { name: 'monthly_relative last weekday, every 2', spec: { type: 'monthly_relative', ordinal: 'last', weekday: 'weekday', every: 2, start_date: '2025-02-01' } },
  { name: 'every 10 s all day', spec: { type: 'daily', start_date: '2025-01-01', sub: { type: 'every', every: 10, unit: 'second' } } },
  {
    name: 'daily with 12 exceptions',
    spec: {
      type: 'daily', start_date: '2025-01-01', sub: { type: 'once', time: '06:00:00' },
      exceptions: [
        '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25',
        { from: '2026-07-20', to: '2026-08-14' }, '2026-10-03', '2026-12-24', '2026-12-25', '2026-12-26', { from: '2026-12-27', to: '2026-12-31' },
      ],
    },
  },
  { name: 'once', spec: { type: 'once', date: '2027-03-15', sub: { type: 'once', time: '14:30' } } },
  // cron (issue 16): against 'daily at 02:30' above.
  { name: 'cron 30 2 * * *', spec: { type: 'cron', expression: '30 2 * * *' } },
  { name: 'cron @daily', spec: { type: 'cron', expression: '@daily' } },
  { name: 'cron */15 8-18 * * mon,wed,fri, Berlin', spec: { type: 'cron', expression: '*/15 8-18 * * mon,wed,fri', time_zone: 'Europe/Berlin' } },
  { name: 'cron * * * * * (every minute)', spec: { type: 'cron', expression: '* * * * *' } },
  { name: 'cron 0 0 29 2 * (leap days)', spec: { type: 'cron', expression: '0 0 29 2 *' } },
  { name: 'cron 0 12 13 * fri (13th or Friday)', spec: { type: 'cron', expression: '0 12 13 * fri' } },
];

/** `after` values spread over 2026 (7919 s apart, a prime, so they fall at every time of day). */
function afterLocal(i: number): string {
  const t = new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % (365 * 86400)) * 1000 + (i % 1000) * 1000 + 123);
  return t.toISOString().replace('T', ' ').replace('Z', '').slice(0, 23);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Timing {
  /** Median wall-clock microseconds per call. */
  wall: number;
  /** Median CPU microseconds per call (of the Node process, or of the Postgres backend); NaN when unknown. */
  cpu: number;
}

function benchJs(call: (spec: unknown, after: string) => unknown, spec: unknown): Timing {
  const afters = Array.from({ length: tsCallsPerRound }, (_, i) => afterLocal(i));
  let sink = 0;
  for (let i = 0; i < 3; i++) for (const after of afters) sink += (call(spec, after) as string | null)?.length ?? 0; // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < tsRounds; round++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const after of afters) sink += (call(spec, after) as string | null)?.length ?? 0;
    wall.push(Number(process.hrtime.bigint() - start) / 1000 / afters.length);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / afters.length);
  }
  if (sink < 0) console.log(sink);
  return { wall: median(wall), cpu: median(cpu) };
}

/**
 * CPU time (microseconds) of a local Postgres backend, from /proc/<pid>/schedstat (or /proc/<pid>/stat:
 * utime + stime, in clock ticks). Lets the figures stand even when other work shares the machine; NaN elsewhere.
 */
function backendCpu(pid: number): number {
  try {
    // schedstat's first field: nanoseconds on a CPU, exact (stat's utime and stime count 10 ms
    // ticks, too coarse for a statement of a few milliseconds).
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    /* no schedstat: clock ticks from stat */
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return (ticks * 1e6) / clockTicks;
  } catch {
    return NaN;
  }
}
const clockTicks = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const fmt = (us: number | undefined) => (us === undefined || Number.isNaN(us) ? 'n/a' : us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0));

function varietySpec(i: number): Record<string, unknown> {
  // Deterministic variety: every type, sub-day kinds, zones, exceptions, a few ended schedules.
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const start = `20${String(20 + (i % 7)).padStart(2, '0')}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const sub =
    i % 3 === 0
      ? { type: 'once', time: `${String(i % 24).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}` }
      : { type: 'every', every: 1 + (i % 30), unit: ['second', 'minute', 'hour'][i % 3], start_time: '06:00', end_time: '22:00' };
  const common = { time_zone: zones[i % zones.length], sub, ...(i % 10 === 0 ? { exceptions: ['2026-12-25', { from: '2026-08-01', to: '2026-08-15' }] } : {}) };
  switch (i % 5) {
    case 0:
      return { type: 'daily', start_date: start, every: 1 + (i % 3), ...common };
    case 1:
      return { type: 'weekly', start_date: start, weekdays: days.filter((_, d) => (i >> d) & 1).concat(days[i % 7]), ...common };
    case 2:
      return { type: 'monthly', start_date: start, day: 1 + (i % 31), ...common };
    case 3:
      return { type: 'monthly_relative', start_date: start, ordinal: ['first', 'second', 'third', 'fourth', 'last'][i % 5], weekday: ['mon', 'day', 'weekday', 'weekend_day', 'fri'][(i >> 2) % 5], ...common };
    default:
      return i % 100 === 4
        ? { type: 'daily', start_date: '2020-01-01', end_date: '2021-01-01', ...common } // ended: no next fire
        : { type: 'once', date: `2027-${String(1 + (i % 12)).padStart(2, '0')}-15`, ...common };
  }
}

function machine(pgVersion: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memory = `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
  let nproc = String(os.cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* os.cpus() it is */
  }
  return `nproc ${nproc}, ${memory} memory, ${cpu}; Node ${process.version}; ${pgVersion}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** The engine as shipped: extension-src/engine bundled by esbuild (ES2021), imported from memory. */
async function bundledEngine(): Promise<{ nextFire: (spec: unknown, after: string) => string | null }> {
  const root = path.resolve(import.meta.dirname, '..');
  const out = await build({
    absWorkingDir: root, entryPoints: ['extension-src/engine/index.ts'], bundle: true, write: false,
    format: 'esm', target: 'es2021', platform: 'neutral', logLevel: 'silent',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

/**
 * The scheduler's bulk paths on real tables: jobs each with its own schedule (the varied specs),
 * inserted directly (the API's checks are not what is measured). Figures are CPU of the backend
 * per schedule (wall clock beside it), median of `bulkRepeats` runs, each in a transaction rolled
 * back so that every run starts from the same rows.
 */
async function bulkPaths(client: pg.PoolClient, backendPid: number, plv8Present: boolean, engineInUse: string, specs: Record<string, unknown>[]): Promise<void> {
  const at = "timestamptz '2026-06-01 12:00:00+00'";
  const engines = plv8Present ? ['plpgsql', 'plv8'] : ['plpgsql'];
  const timed = async (setup: string | null, sql: string, per: number, repeats = bulkRepeats): Promise<Timing> => {
    const wall: number[] = [];
    const cpu: number[] = [];
    await client.query('BEGIN');
    try {
      if (setup) await client.query(setup);
      await client.query(sql); // warm-up (plans, plv8 compile)
    } finally {
      await client.query('ROLLBACK');
    }
    for (let k = 0; k < repeats; k++) {
      await client.query('BEGIN');
      try {
        if (setup) await client.query(setup);
        const cpuStart = backendCpu(backendPid);
        const start = process.hrtime.bigint();
        await client.query(sql);
        wall.push(Number(process.hrtime.bigint() - start) / 1000 / per);
        cpu.push((backendCpu(backendPid) - cpuStart) / per);
      } finally {
        await client.query('ROLLBACK');
      }
    }
    return { wall: median(wall), cpu: median(cpu) };
  };
  const cell = (t: Timing | undefined) => (t === undefined ? 'no plv8' : `${fmt(t.wall)} / ${fmt(t.cpu)}`);
  const ratio = (pl: Timing, v8: Timing | undefined) => (v8 === undefined ? '' : `${(pl.cpu / v8.cpu).toFixed(2)}x`);

  console.log('\n## Bulk paths (microseconds per schedule, median: wall clock / backend CPU)\n');
  console.log('| path | schedules | PL/pgSQL | plv8 | PL/pgSQL CPU / plv8 CPU |');
  console.log('|---|---:|---:|---:|---:|');
  let made = 0;
  for (const size of [1_000, 10_000]) {
    // Jobs and schedules made+1..size (each job with its own schedule).
    await client.query(
      `WITH s AS (
         INSERT INTO pgautomator.schedule (name, spec, owner)
         SELECT 'bench-' || (e.n + $2), e.v, current_user FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
         RETURNING id, name),
       j AS (
         INSERT INTO pgautomator.job (name, owner)
         SELECT 'bench-' || (e.n + $2), current_user FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
         RETURNING id, name)
       INSERT INTO pgautomator.job_schedule (job_id, schedule_id) SELECT j.id, s.id FROM j JOIN s USING (name)`,
      [JSON.stringify(specs.slice(made, size)), made],
    );
    made = size;
    await client.query('ANALYZE pgautomator.job, pgautomator.schedule, pgautomator.job_schedule');
    const results: Record<string, Record<string, Timing>> = { each: {}, spread: {}, refresh: {}, fire: {} };
    // The engine call alone, as the bulk paths make it: every schedule's spec, `after` the same
    // instant (as _refresh_next_fires) or spread over a year (as _fire_due's due fires are over time).
    const eachArrays = `(SELECT array_agg(s.spec ORDER BY s.id) AS specs, array_agg(${at} ORDER BY s.id) AS same,
                                array_agg(timestamptz '2026-01-01 00:00:00.123+00' + ((s.id * 7919) % (365 * 86400)) * interval '1 second' ORDER BY s.id) AS spread
                           FROM pgautomator.schedule s WHERE s.name LIKE 'bench-%')`;
    // Stored uncompressed: decompressing 2 MB of specs per statement is no part of the engine call.
    await client.query('CREATE TEMP TABLE bench_each (specs jsonb[], same timestamptz[], spread timestamptz[])');
    await client.query('ALTER TABLE bench_each ALTER specs SET STORAGE EXTERNAL, ALTER same SET STORAGE EXTERNAL, ALTER spread SET STORAGE EXTERNAL');
    await client.query(`INSERT INTO bench_each SELECT * FROM ${eachArrays} AS a`);
    for (const engine of engines) {
      await client.query('SELECT pgautomator.set_engine($1)', [engine]);
      // Cheap statements: median of 7.
      results.each[engine] = await timed(null, 'SELECT cardinality(pgautomator._next_fire_each(e.specs, e.same)) FROM bench_each e', size, 7);
      results.spread[engine] = await timed(null, 'SELECT cardinality(pgautomator._next_fire_each(e.specs, e.spread)) FROM bench_each e', size, 7);
      results.refresh[engine] = await timed(null, `SELECT pgautomator._refresh_next_fires(NULL, NULL, ${at})`, size);
      results.fire[engine] = await timed(
        `UPDATE pgautomator.job_schedule SET next_fire_at = ${at} - interval '1 second', last_fire_at = NULL`,
        `SELECT pgautomator._fire_due(${at}, ${size})`,
        size,
      );
    }
    await client.query('DROP TABLE bench_each');
    for (const [path, label] of [
      ['each', 'engine call `_next_fire_each` (one `after`)'],
      ['spread', 'engine call `_next_fire_each` (`after` spread over a year)'],
      ['refresh', '`_refresh_next_fires()` (all pairs)'],
      ['fire', '`_fire_due` (all due once, runs queued)'],
    ] as const) {
      const pl = results[path].plpgsql;
      const v8 = results[path].plv8;
      console.log(`| ${label} | ${size.toLocaleString('en')} | ${cell(pl)} | ${cell(v8)} | ${ratio(pl, v8)} |`);
    }
  }
  await client.query("DELETE FROM pgautomator.job WHERE name LIKE 'bench-%'");
  await client.query("DELETE FROM pgautomator.schedule WHERE name LIKE 'bench-%'");

  console.log('\n## `schedule_preview(spec, after, 1000)` (microseconds per fire returned, median: wall clock / backend CPU)\n');
  console.log('| spec | fires | PL/pgSQL | plv8 | PL/pgSQL CPU / plv8 CPU |');
  console.log('|---|---:|---:|---:|---:|');
  for (const kind of kinds) {
    const sql = `SELECT count(*) FROM pgautomator.schedule_preview($1::jsonb, timestamptz '2026-01-01 00:00:00.123+00', 1000)`;
    const fires = (await client.query(sql, [JSON.stringify(kind.spec)])).rows[0].count as string;
    const perEngine: Record<string, Timing> = {};
    for (const engine of engines) {
      await client.query('SELECT pgautomator.set_engine($1)', [engine]);
      await client.query(sql, [JSON.stringify(kind.spec)]); // warm-up
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let k = 0; k < sqlStatements; k++) {
        const cpuStart = backendCpu(backendPid);
        const start = process.hrtime.bigint();
        await client.query(sql, [JSON.stringify(kind.spec)]);
        wall.push(Number(process.hrtime.bigint() - start) / 1000 / Math.max(1, Number(fires)));
        cpu.push((backendCpu(backendPid) - cpuStart) / Math.max(1, Number(fires)));
      }
      perEngine[engine] = { wall: median(wall), cpu: median(cpu) };
    }
    console.log(`| ${kind.name} | ${fires} | ${cell(perEngine.plpgsql)} | ${cell(perEngine.plv8)} | ${ratio(perEngine.plpgsql, perEngine.plv8)} |`);
  }
  await client.query('SELECT pgautomator.set_engine($1)', [engineInUse]);
}

async function main(): Promise<void> {
  const bundled = await bundledEngine();
  const db = await createTestDatabase('engine-bench');
  try {
    const client = await db.pool.connect();
    try {
      const pgVersion = (await client.query('SELECT version() AS v')).rows[0].v.split(',')[0] as string;
      const plv8Present = (await client.query("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'plv8') AS p")).rows[0].p as boolean;
      const engineInUse = (await client.query('SELECT pgautomator.engine() AS e')).rows[0].e as string;
      console.log(`# Schedule engine benchmark (${new Date().toISOString().slice(0, 10)})\n`);
      console.log(`Machine: ${machine(pgVersion)}\n`);

      const rows: string[][] = [];
      const tsTimings: Timing[] = [];
      const plTimings: Timing[] = [];
      const plv8Timings: Timing[] = [];

      const backendPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      if (bulkOnly) {
        await bulkPaths(client, backendPid, plv8Present, engineInUse, Array.from({ length: 10_000 }, (_, i) => varietySpec(i)));
        return;
      }
      /** Per-call medians of `expr` (over $1 spec and g), over statements of sqlCalls calls. */
      const timeSql = async (expr: string, spec: unknown): Promise<Timing> => {
        const sql = `SELECT count(${expr}) FROM generate_series(1, ${sqlCalls}) AS g`;
        await client.query(sql, [JSON.stringify(spec)]); // warm-up (plans, plv8 compile)
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let k = 0; k < sqlStatements; k++) {
          const cpuStart = backendCpu(backendPid);
          const start = process.hrtime.bigint();
          await client.query(sql, [JSON.stringify(spec)]);
          wall.push(Number(process.hrtime.bigint() - start) / 1000 / sqlCalls);
          cpu.push((backendCpu(backendPid) - cpuStart) / sqlCalls);
        }
        return { wall: median(wall), cpu: median(cpu) };
      };
      const cell = (t: Timing | undefined) => (t === undefined ? 'no plv8' : `${fmt(t.wall)} / ${fmt(t.cpu)}`);
      const afterTz = `timestamptz '2026-01-01 00:00:00.123+00' + g * interval '7919 seconds'`;
      const afterTs = `timestamp '2026-01-01 00:00:00.123' + g * interval '7919 seconds'`;

      for (const kind of kinds) {
        const ts = benchJs((spec, after) => bundled.nextFire(spec, after), kind.spec);
        const viaTsx = benchJs((spec, after) => nextFireViaTsx(spec, after), kind.spec);
        await client.query("SELECT pgautomator.set_engine('plpgsql')");
        const plpgsql = await timeSql(`pgautomator._next_fire($1::jsonb, ${afterTz})`, kind.spec);
        const bare = await timeSql(`pgautomator._plpgsql_next_fires($1::jsonb, ${afterTs}, 1)`, kind.spec);
        let plv8: Timing | undefined;
        if (plv8Present) {
          await client.query("SELECT pgautomator.set_engine('plv8')");
          plv8 = await timeSql(`pgautomator._next_fire($1::jsonb, ${afterTz})`, kind.spec);
        }
        tsTimings.push(ts);
        plTimings.push(plpgsql);
        if (plv8 !== undefined) plv8Timings.push(plv8);
        rows.push([kind.name, cell(ts), cell(viaTsx), cell(plpgsql), cell(bare), cell(plv8)]);
      }
      await client.query(`SELECT pgautomator.set_engine($1)`, [engineInUse]);

      const overall = (timings: Timing[]): Timing | undefined =>
        timings.length === 0 ? undefined : { wall: median(timings.map((t) => t.wall)), cpu: median(timings.map((t) => t.cpu)) };
      const tsAll = overall(tsTimings)!;
      const plAll = overall(plTimings)!;
      console.log('## One next fire (microseconds per call, median: wall clock / CPU)\n');
      console.log('| spec | TypeScript `nextFire` (bundle) | TypeScript via tsx | PL/pgSQL `_next_fire` | PL/pgSQL bare `_plpgsql_next_fires(…, 1)` | plv8 `_next_fire` |');
      console.log('|---|---:|---:|---:|---:|---:|');
      for (const row of rows) console.log(`| ${row.join(' | ')} |`);
      console.log(`| **median of the kinds** | **${cell(tsAll)}** | | **${cell(plAll)}** | | **${cell(overall(plv8Timings))}** |`);
      const verdict = (t: Timing, target: number) => (t.wall <= target ? 'met' : Math.min(t.wall, t.cpu) <= target ? 'met in CPU time, not in wall time' : 'MISSED');
      console.log(`\nTargets: TypeScript <= 2 us (${verdict(tsAll, 2)}), PL/pgSQL <= 50 us (${verdict(plAll, 50)}).\n`);

      // 100,000 varied schedules in one statement.
      const specs = Array.from({ length: bulkRows }, (_, i) => varietySpec(i));
      await client.query('CREATE TEMP TABLE bench_schedule (id int PRIMARY KEY, spec jsonb NOT NULL, next_fire_at timestamptz)');
      await client.query(
        'INSERT INTO bench_schedule (id, spec) SELECT (e.n)::int, e.v FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)',
        [JSON.stringify(specs)],
      );
      const invalid = (await client.query('SELECT count(*)::int AS n FROM bench_schedule WHERE pgautomator._plpgsql_validate_schedule(spec) IS NOT NULL')).rows[0].n as number;
      if (invalid > 0) throw new Error(`${invalid} of the bench specs are invalid`);
      await client.query('VACUUM ANALYZE bench_schedule');
      const bulk = async (engine: string) => {
        await client.query('SELECT pgautomator.set_engine($1)', [engine]);
        const times: number[] = [];
        const cpu: number[] = [];
        for (let k = 0; k < bulkRepeats; k++) {
          const cpuStart = backendCpu(backendPid);
          const start = process.hrtime.bigint();
          await client.query(`UPDATE bench_schedule SET next_fire_at = pgautomator._next_fire(spec, timestamptz '2026-06-01 12:00:00+00' + ${k} * interval '1 hour')`);
          times.push(Number(process.hrtime.bigint() - start) / 1e9);
          cpu.push((backendCpu(backendPid) - cpuStart) / 1e6);
        }
        const withFire = (await client.query('SELECT count(next_fire_at)::int AS n FROM bench_schedule')).rows[0].n as number;
        return { seconds: median(times), cpuSeconds: median(cpu), withFire };
      };
      const bulkRowsOut: string[] = [];
      const pl = await bulk('plpgsql');
      bulkRowsOut.push(`| PL/pgSQL | ${pl.seconds.toFixed(2)} | ${pl.cpuSeconds.toFixed(2)} | ${fmt((pl.seconds * 1e6) / bulkRows)} | ${pl.withFire} |`);
      if (plv8Present) {
        const v8 = await bulk('plv8');
        bulkRowsOut.push(`| plv8 | ${v8.seconds.toFixed(2)} | ${v8.cpuSeconds.toFixed(2)} | ${fmt((v8.seconds * 1e6) / bulkRows)} | ${v8.withFire} |`);
      } else {
        bulkRowsOut.push('| plv8 | no plv8 | | | |');
      }
      await client.query('SELECT pgautomator.set_engine($1)', [engineInUse]);
      console.log(`## Next fire of ${bulkRows.toLocaleString('en')} varied schedules in one UPDATE (median of ${bulkRepeats})\n`);
      console.log('| engine | seconds (wall) | seconds (backend CPU) | us per schedule (wall) | schedules with a next fire |');
      console.log('|---|---:|---:|---:|---:|');
      for (const row of bulkRowsOut) console.log(row);
      console.log(`\nTarget: under 5 s (${pl.seconds < 5 ? 'met' : pl.cpuSeconds < 5 ? 'met in CPU time, not in wall time' : 'MISSED'} by PL/pgSQL).`);

      await bulkPaths(client, backendPid, plv8Present, engineInUse, specs);
    } finally {
      client.release();
    }
  } finally {
    await db.drop();
  }
}

await main();

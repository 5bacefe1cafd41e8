/**
 * Claiming benchmark (`npx tsx bench/claim-runs.ts`): what claim_runs costs and how fast fires
 * become runs, on a database holding 100,000 job-schedule pairs.
 *
 *  1. latency: 1,000 of the pairs are due; one agent claims them 100 at a time. The first call
 *     also fires the 1,000 pairs; the figure that matters is the cost per claim of 100 runs with
 *     the firing spread over the ten calls (target: under 20 ms). Repeated for several rounds.
 *  2. throughput: 20,000 pairs due; 4 sessions (4 agents) claim concurrently in loops until all
 *     are runs handed out (target: >= 2,000 fires turned into runs per second). Also measured:
 *     firing alone (claim_runs with max 0) by 4 sessions.
 *
 * The fixture rows (schedules, jobs, steps, pairs) are inserted directly as superuser: the bench
 * measures claiming, not the CRUD API, and 100,000 create_job calls would dominate its run time.
 * Tables are analyzed after the fixture is loaded (the steady state of a live installation).
 * Prints a Markdown table; `--record` appends it under "Claiming" in bench/README.md;
 * `--explain` prints EXPLAIN ANALYZE of the two queue walks; `--log-plans` makes the concurrent
 * sessions log the plans of their statements slower than 300 ms (nested ones too) to the server log.
 */
import os from 'node:os';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';

const PAIRS = 100_000;
const SCHEDULES = 100;
const DUE = 1_000;
const ROUNDS = 5;
const CLAIM = 100;
const THROUGHPUT_DUE = 20_000;
const CLAIMERS = 4;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const args = new Set(process.argv.slice(2));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (n: number) => n.toFixed(1);

async function fixture(db: TestDatabase): Promise<void> {
  const c = db.pool;
  await c.query(
    `INSERT INTO pgautomator.schedule (name, spec, owner)
     SELECT 'every10s-' || i, '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}', current_user
       FROM generate_series(1, $1::int) i`,
    [SCHEDULES],
  );
  await c.query(
    `INSERT INTO pgautomator.job (name, owner, overlap) SELECT 'bench-' || i, current_user, 'skip' FROM generate_series(1, $1::int) i`,
    [PAIRS],
  );
  await c.query(`INSERT INTO pgautomator.step (job_id, position, name, kind, command) SELECT id, 1, 'only', 'shell', 'true' FROM pgautomator.job`);
  // Pairs not due fire far in the future, spread over a year.
  await c.query(
    `INSERT INTO pgautomator.job_schedule (job_id, schedule_id, next_fire_at)
     SELECT j.id, s.id, $1::timestamptz + interval '1 year' + j.id * interval '1 minute'
       FROM pgautomator.job j JOIN pgautomator.schedule s ON s.name = 'every10s-' || (1 + j.id % $2::int)`,
    [iso(T0), SCHEDULES],
  );
  await c.query('VACUUM ANALYZE pgautomator.job, pgautomator.step, pgautomator.job_schedule, pgautomator.schedule, pgautomator.job_run');
}

/**
 * The benchmark pins the clock, so it calls _claim_runs (claim_runs without the clock argument an
 * agent must not have) as a superuser: with the planner settings claim_runs runs it under, so the
 * plans measured are the agent's.
 */
const CLAIM_SETTINGS = 'SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_seqscan = off; SET jit = off';

/** Makes the pairs of jobs [from, from + count) due at slot (a fire of their every-10s schedule). */
async function makeDue(db: TestDatabase, from: number, count: number, slot: number): Promise<void> {
  await db.pool.query(
    `UPDATE pgautomator.job_schedule js SET next_fire_at = $3
       FROM pgautomator.job j WHERE j.id = js.job_id AND j.name IN (SELECT 'bench-' || i FROM generate_series($1::int, $1::int + $2::int - 1) i)`,
    [from, count, iso(slot)],
  );
}

/** Moves the pairs of jobs [from, from + count) far into the future again, so that a later phase does
 *  not inherit their backlog (every-10-second schedules left alone for hours). */
async function park(db: TestDatabase, from: number, count: number): Promise<void> {
  await db.pool.query(
    `UPDATE pgautomator.job_schedule js SET next_fire_at = $3::timestamptz + j.id * interval '1 minute'
       FROM pgautomator.job j WHERE j.id = js.job_id AND j.name IN (SELECT 'bench-' || i FROM generate_series($1::int, $1::int + $2::int - 1) i)`,
    [from, count, iso(T0 + 366 * 86_400_000)],
  );
}

/** Ends every running run (fixture: the bench does not measure end_run). */
async function finishAll(db: TestDatabase): Promise<void> {
  await db.pool.query(`UPDATE pgautomator.job_run SET state = 'succeeded', finished_at = clock_timestamp() WHERE state = 'running'`);
}

interface Latency {
  first: number;
  rest: number[];
  total: number;
  claimed: number;
}

async function latencyRound(client: pg.Client, at: string): Promise<Latency> {
  const times: number[] = [];
  let claimed = 0;
  for (;;) {
    const t = performance.now();
    const { rowCount } = await client.query('SELECT pgautomator._claim_runs($1, $2, $3)', ['bench-latency', CLAIM, at]);
    const dt = performance.now() - t;
    if (!rowCount) break;
    times.push(dt);
    claimed += rowCount;
  }
  return { first: times[0], rest: times.slice(1), total: times.reduce((a, b) => a + b, 0), claimed };
}

async function concurrent(db: TestDatabase, at: string, max: number, expected: number): Promise<{ seconds: number; claimed: number; calls: number }> {
  const clients = await Promise.all(
    Array.from({ length: CLAIMERS }, async (_, i) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(CLAIM_SETTINGS);
      await client.query(`SELECT pgautomator._register_agent($1, max_concurrent => 10000, heartbeat_interval => '1 hour', at => $2)`, [`bench-c${i + 1}`, at]);
      await client.query('SELECT count(*) FROM pgautomator._claim_runs($1, 0, $2)', [`bench-c${i + 1}`, iso(T0)]); // warm the plan caches
      return client;
    }),
  );
  let claimed = 0;
  let calls = 0;
  const callMs: number[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      let empty = 0;
      while (empty < 3) {
        if (performance.now() - started > 300_000) throw new Error('concurrent phase took more than 5 minutes');
        calls++;
        const t = performance.now();
        const { rowCount } = await client.query('SELECT pgautomator._claim_runs($1, $2, $3)', [`bench-c${i + 1}`, max, at]);
        callMs.push(performance.now() - t);
        if (max > 0) claimed += rowCount ?? 0;
        const left = max > 0 ? expected - claimed : await dueLeft(client, at);
        if (left <= 0) break;
        empty = rowCount || max === 0 ? 0 : empty + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  progress(`  ${calls} calls in ${seconds.toFixed(1)} s; per call median ${ms(percentile(callMs, 50))} ms, p95 ${ms(percentile(callMs, 95))} ms, max ${ms(Math.max(...callMs))} ms`);
  await Promise.all(clients.map((client) => client.end()));
  return { seconds, claimed, calls };
}

async function dueLeft(client: pg.Client, at: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pgautomator.job_schedule WHERE next_fire_at <= $1', [at]);
  return Number(rows[0].n);
}

async function explain(db: TestDatabase, at: string): Promise<string> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const agent = await client.query<{ id: string }>(`SELECT id FROM pgautomator.agent WHERE name = 'bench-latency'`);
    const out: string[] = [];
    for (const [title, sql, params] of [
      ['_lock_due_pairs (fire step one)', `EXPLAIN (ANALYZE, BUFFERS) SELECT js.job_id, js.schedule_id FROM pgautomator.job_schedule js
         WHERE js.next_fire_at <= $1 ORDER BY js.next_fire_at LIMIT 1000 FOR UPDATE SKIP LOCKED`, [at]],
      ['_claim_candidates (claim step one)', `EXPLAIN (ANALYZE, BUFFERS) SELECT r.id FROM pgautomator.job_run r
         WHERE r.state = 'queued' AND r.scheduled_for <= $1
           AND coalesce((SELECT (j.agent_id = $2 OR (j.agent_id IS NULL AND '{}'::text[] @> j.agent_tags))
                  AND (j.overlap = 'allow' OR NOT EXISTS (SELECT 1 FROM pgautomator.job_run o WHERE o.job_id = j.id AND o.state = 'running'))
                FROM pgautomator.job j WHERE j.id = r.job_id), false)
         ORDER BY r.scheduled_for, r.id LIMIT 200 FOR UPDATE SKIP LOCKED`, [at, agent.rows[0].id]],
    ] as const) {
      await client.query('SET LOCAL enable_sort = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(sql, params as unknown as unknown[]);
      out.push(`${title}:\n${rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
    }
    await client.query('ROLLBACK');
    return out.join('\n');
  } finally {
    client.release();
  }
}

const progress = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);

async function main(): Promise<void> {
  progress('creating the database');
  const db = await createTestDatabase('bench_claim');
  try {
    const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
    const setupStart = performance.now();
    progress(`loading ${PAIRS} job-schedule pairs`);
    await fixture(db);
    progress('latency rounds');
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const { rows: version } = await db.pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    const { rows: engine } = await db.pool.query<{ e: string }>('SELECT pgautomator.engine() AS e');

    // 1. Latency
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(CLAIM_SETTINGS);
    await client.query(`SELECT pgautomator._register_agent('bench-latency', max_concurrent => 10000, heartbeat_interval => '1 hour', at => $1)`, [iso(T0)]);
    await client.query('SELECT count(*) FROM pgautomator._claim_runs($1, 0, $2)', ['bench-latency', iso(T0)]); // warm the plan caches
    const rounds: Latency[] = [];
    for (let k = 0; k < ROUNDS; k++) {
      const slot = T0 + (k + 1) * 3_600_000;
      await makeDue(db, 1 + k * DUE, DUE, slot);
      const at = iso(slot + 5_000);
      rounds.push(await latencyRound(client, at));
      if (k === ROUNDS - 1 && args.has('--explain')) {
        await makeDue(db, 1 + (k + 1) * DUE, DUE, slot);
        await client.query('SELECT pgautomator._fire_due($1)', [at]);
        console.log(await explain(db, at));
        await client.query(`UPDATE pgautomator.job_run SET state = 'cancelled', finished_at = clock_timestamp() WHERE state = 'queued'`);
        await park(db, 1 + (k + 1) * DUE, DUE);
      }
      await finishAll(db);
      await park(db, 1 + k * DUE, DUE);
    }
    await client.end();
    const perClaim = rounds.map((r) => r.total / (r.claimed / CLAIM));
    const firsts = rounds.map((r) => r.first);
    const rest = rounds.flatMap((r) => r.rest);

    // 2. Throughput
    progress('throughput: fire and claim');
    const tSlot = T0 + 30 * 3_600_000;
    await makeDue(db, 10_001, THROUGHPUT_DUE, tSlot);
    await db.pool.query('ANALYZE pgautomator.job_run, pgautomator.job_schedule');
    if (args.has('--log-plans')) {
      // The concurrent sessions connect after this: their slow statements (nested ones too) go to
      // the server log with their plans.
      for (const setting of ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = '300ms'", 'auto_explain.log_nested_statements = on']) {
        await db.pool.query(`ALTER DATABASE ${db.name} SET ${setting}`);
      }
    }
    const both = await concurrent(db, iso(tSlot + 5_000), CLAIM, THROUGHPUT_DUE);
    await finishAll(db);
    await park(db, 10_001, THROUGHPUT_DUE);
    progress('throughput: fire only');
    const fSlot = T0 + 40 * 3_600_000;
    await makeDue(db, 40_001, THROUGHPUT_DUE, fSlot);
    const fireOnly = await concurrent(db, iso(fSlot + 5_000), 0, 0);
    const { rows: fired } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM pgautomator.job_run WHERE scheduled_for = $1', [iso(fSlot)]);

    const loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
    const machine =
      `nproc ${os.cpus().length} (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ` +
      `Node ${process.version}, PostgreSQL ${version[0].v}, schedule engine ${engine[0].e}; ` +
      `load average (1/5/15 min) ${loadBefore} at the start, ${loadAfter} at the end`;
    const rate = both.claimed / both.seconds;
    const fireRate = Number(fired[0].n) / fireOnly.seconds;
    const table = [
      `Machine: ${machine}; ${PAIRS.toLocaleString('en')} job-schedule pairs (${SCHEDULES} schedules), fixture loaded in ${setupSeconds.toFixed(0)} s.`,
      '',
      '| measure | result | target |',
      '|---|---|---|',
      `| claim of ${CLAIM} runs, ${DUE.toLocaleString('en')} pairs due, firing spread over the calls (mean of ${ROUNDS} rounds; min-max) | ${ms(perClaim.reduce((a, b) => a + b, 0) / perClaim.length)} ms (${ms(Math.min(...perClaim))}-${ms(Math.max(...perClaim))}) | < 20 ms |`,
      `| first call of a round: fire ${DUE.toLocaleString('en')} pairs + claim ${CLAIM} (median) | ${ms(percentile(firsts, 50))} ms | |`,
      `| later calls: claim ${CLAIM} runs only (median / p95) | ${ms(percentile(rest, 50))} / ${ms(percentile(rest, 95))} ms | |`,
      `| fires turned into runs and handed out, ${CLAIMERS} concurrent claimers (${THROUGHPUT_DUE.toLocaleString('en')} fires, ${both.calls} calls) | ${Math.round(rate).toLocaleString('en')} /s (${both.seconds.toFixed(2)} s) | >= 2,000 /s |`,
      `| firing only (claim_runs max 0), ${CLAIMERS} concurrent sessions (${Number(fired[0].n).toLocaleString('en')} fires) | ${Math.round(fireRate).toLocaleString('en')} /s (${fireOnly.seconds.toFixed(2)} s) | |`,
    ].join('\n');
    console.log(table);

    if (args.has('--record')) {
      const readme = path.join(import.meta.dirname, 'README.md');
      const section = `## Claiming\n\n\`npx tsx bench/claim-runs.ts\` (bench/claim-runs.ts), ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`;
      let text = existsSync(readme) ? readFileSync(readme, 'utf8') : '# Benchmarks\n';
      const at = text.indexOf('## Claiming');
      if (at >= 0) {
        const next = text.indexOf('\n## ', at + 1);
        text = text.slice(0, at) + section + (next >= 0 ? text.slice(next + 1) : '');
      } else {
        text = `${text.trimEnd()}\n\n${section}`;
      }
      writeFileSync(readme, text);
      console.log(`\nrecorded under "Claiming" in ${path.relative(process.cwd(), readme)}`);
    }
  } finally {
    await db.drop();
  }
}

await main();

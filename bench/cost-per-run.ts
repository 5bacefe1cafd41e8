/**
 * Database CPU per no-op run (`npx tsx bench/cost-per-run.ts`), issue 18: the figure to drive down,
 * because it does not depend on how busy the machine is.
 *
 * One connection plays an agent exactly as agent/src does it, with the agent's own role: each call
 * is `BEGIN; SET LOCAL statement_timeout ...; SET LOCAL idle_in_transaction_session_timeout ...`,
 * the protocol call, `COMMIT` (agent/src/db/call-deadline.ts). A run of a one-step no-op job costs
 * the database its share of a `claim_runs` (which fires the due schedule, claims the run and begins
 * its first attempt) and of an `agent_report` carrying `end_run` with its `last_step` (the step's
 * end and the run's end together, as agent/src/reporter.ts sends them), and its share of the
 * counters' fold (fold(), which a heartbeat runs in service). Another connection (not
 * measured) makes ROUND_FIRES schedules due before each round, the way time would.
 *
 * What is measured: the agent backend's CPU time from /proc/<pid>/schedstat (nanoseconds on the
 * CPU, kernel and user; the scheduler's own accounting, not 10 ms ticks), read around each call,
 * divided by the runs completed. Waiting (WAL flush at commit, locks, a busy machine's run queue)
 * is not in it. pg_stat_statements would need the server restarted with it preloaded and leaves out
 * parse, commit and the protocol's own work; schedstat counts all of it.
 *
 * Then history: finished runs with their step runs (HISTORY, default "0,1000000"; add 10000000 for
 * issue 18's figure) are added to the same database between measurements, of the same jobs,
 * vacuumed and analyzed as autovacuum would have left them, and the measurement repeats.
 *
 * Env: PGAUTOMATOR_BENCH_HISTORY (cumulative history sizes), PGAUTOMATOR_BENCH_RUNS (measured runs
 * per size, default 3000), PGAUTOMATOR_BENCH_CLAIM (max per claim, default 8, an agent's usual
 * free capacity in the spread scenario), PGAUTOMATOR_BENCH_ROUND_FIRES (schedules due per round,
 * default twice the claim), PGAUTOMATOR_BENCH_FRESH=1 (no ANALYZE after the warm-up:
 * a fresh install's first minute, see main()). Prints a Markdown table.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { loadNow, machine, percentile } from './agent-bench-support.ts';

const JOBS = 1_000;
const HISTORY = (process.env.PGAUTOMATOR_BENCH_HISTORY ?? '0,1000000').split(',').map(Number);
const RUNS = Number(process.env.PGAUTOMATOR_BENCH_RUNS ?? 3000);
const CLAIM = Number(process.env.PGAUTOMATOR_BENCH_CLAIM ?? 8);
// Schedules made due before each round: by default twice a claim, so half the runs are fired by a
// claim that takes the other half and queues them, and half are claimed from the queue. A claim
// that finds nothing waiting starts what it fires at once (_fire_due: take): with
// PGAUTOMATOR_BENCH_ROUND_FIRES at CLAIM or less every run goes that way, as in a spread schedule.
const ROUND_FIRES = Number(process.env.PGAUTOMATOR_BENCH_ROUND_FIRES ?? 2 * CLAIM);
const WARMUP_ROUNDS = 20;
const FRESH = process.env.PGAUTOMATOR_BENCH_FRESH === '1';
export const ROLE = 'pgautomator_bench_agent';
export const AGENT = 'bench-cost';
/**
 * --statements: also print where the time goes, per statement (nested ones too), from
 * pg_stat_statements: the server must preload it (shared_preload_libraries) with
 * pg_stat_statements.track = all; its times are wall time spent in the executor and planner, so
 * read them as shares, and the calls per run as exact.
 */
const statements = process.argv.includes('--statements');
/**
 * --floors: also print what a call costs with nothing to do, the floor under the figures above:
 * the agent's transaction around a call (`SELECT 1` in it), a claim that finds nothing due, and an
 * empty report (backend CPU per call, median of blocks). What a claim-and-report of N runs costs
 * above these floors is what its N runs cost.
 */
const floors = process.argv.includes('--floors');
const FLOOR_CALLS = 2000;

/** Backend CPU per call of `text` in the agent's transaction: the median of 20 blocks, µs. */
async function floorOf(agent: pg.Client, pid: number, text: string, values: unknown[]): Promise<number> {
  const perBlock: number[] = [];
  for (let block = 0; block < 20; block++) {
    const t = cpuNs(pid);
    for (let i = 0; i < FLOOR_CALLS / 20; i++) await call(agent, text, values);
    perBlock.push((cpuNs(pid) - t) / (FLOOR_CALLS / 20) / 1000);
  }
  return percentile(perBlock, 50);
}

/** CPU time of a process so far, ns (the scheduler's sum_exec_runtime). */
export function cpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

export async function fixture(db: TestDatabase): Promise<void> {
  const c = db.pool;
  // Every job its own daily schedule (the spread scenario's shape): one next fire per run. Its
  // time of day is a few minutes ago, so no fire comes due on its own while the bench runs: each
  // round's fires are the ones made due (measure()). (Until 2026-12-06 it was every 60 seconds: at
  // each minute all the jobs fired before came due together, and a herd of up to 1,000 fires went
  // through the queue in the middle of a measurement, at random.)
  const time = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
  await c.query(
    `INSERT INTO pgautomator.schedule (name, spec, owner)
     SELECT 'minute-' || i, jsonb_build_object('type', 'daily', 'start_date', '2020-01-01', 'sub', jsonb_build_object('type', 'once', 'time', $2::text)), current_user
       FROM generate_series(1, $1::int) i`,
    [JOBS, time],
  );
  await c.query(`INSERT INTO pgautomator.job (name, owner) SELECT 'bench-' || i, current_user FROM generate_series(1, $1::int) i`, [JOBS]);
  await c.query(`INSERT INTO pgautomator.step (job_id, position, name, kind, command) SELECT id, 1, 'only', 'shell', 'true' FROM pgautomator.job`);
  await c.query(
    `INSERT INTO pgautomator.job_schedule (job_id, schedule_id, next_fire_at)
     SELECT j.id, s.id, now() + interval '1 day'
       FROM pgautomator.job j JOIN pgautomator.schedule s ON s.name = 'minute-' || substr(j.name, 7)`,
  );
  await c.query(`DO $$ BEGIN CREATE ROLE ${ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  await c.query(`GRANT pgautomator_agent TO ${ROLE}`);
  await c.query('VACUUM ANALYZE');
}

/** Adds finished runs (one step run each) of the bench jobs until job_run holds `rows` of history. */
export async function growHistory(db: TestDatabase, rows: number): Promise<void> {
  // One session, foreign-key triggers off (the rows are consistent by construction, as in
  // bench/compare/scenarios/history.ts): loading is several times faster.
  const c = await db.pool.connect();
  await c.query("SET session_replication_role = 'replica'");
  try {
    await load(c, rows);
  } finally {
    await c.query("SET session_replication_role = 'origin'");
    c.release();
  }
  await db.pool.query('VACUUM ANALYZE pgautomator.job_run, pgautomator.step_run');
  // And the checkpoint the load calls for, over before measuring: otherwise the first change of
  // every page after it writes the whole page to WAL, which is the load's cost, not the history's
  // (a history grown over weeks has had its checkpoints).
  await db.pool.query('CHECKPOINT');
}

async function load(c: pg.PoolClient, rows: number): Promise<void> {
  const have = Number((await c.query('SELECT count(*) FROM pgautomator.job_run')).rows[0].count);
  const agentId = (await c.query('SELECT id FROM pgautomator.agent WHERE name = $1', [AGENT])).rows[0].id;
  for (let done = have; done < rows; ) {
    const n = Math.min(1_000_000, rows - done);
    const from = (await c.query('SELECT coalesce(max(id), 0) AS id FROM pgautomator.job_run')).rows[0].id;
    // Fires of the past, one a minute per job going back in time, so (job, schedule, instant) is unique.
    await c.query(
      `INSERT INTO pgautomator.job_run (job_id, schedule_id, trigger, scheduled_for, queued_at, started_at, finished_at, agent_id, state)
       SELECT js.job_id, js.schedule_id, 'schedule', t, t, t + interval '5 ms', t + interval '20 ms', $3, 'succeeded'
         FROM generate_series($1::bigint, $1::bigint + $2::bigint - 1) g
         JOIN pgautomator.job_schedule js ON js.job_id = (SELECT min(id) FROM pgautomator.job) + g % ${JOBS}
         CROSS JOIN LATERAL (SELECT now() - interval '1 day' - (g / ${JOBS}) * interval '1 minute' AS t) x`,
      [done, n, agentId],
    );
    await c.query(
      `INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id, state, started_at, finished_at, exit_code, output)
       SELECT r.id, st.id, 1, 'only', 1, r.agent_id, 'succeeded', r.started_at, r.finished_at, 0, ''
         FROM pgautomator.job_run r JOIN pgautomator.step st ON st.job_id = r.job_id
        WHERE r.id > $1`,
      [from],
    );
    done += n;
    process.stderr.write(`history: ${done.toLocaleString('en')} rows\n`);
  }
}

/** Cluster-wide WAL counters and the row updates of the hot tables (HOT or not), read around a measurement. */
async function counters(admin: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await admin.query(
    `SELECT w.wal_bytes::float8 AS wal_bytes, w.wal_fpi::float8 AS wal_fpi,
            (SELECT json_object_agg(t.relname, json_build_array(t.n_tup_upd, t.n_tup_hot_upd)) FROM pg_stat_user_tables t
              WHERE t.schemaname = 'pgautomator' AND t.relname IN ('job_run', 'step_run')) AS upd
       FROM pg_stat_wal w`,
  );
  const r = rows[0];
  return {
    walBytes: r.wal_bytes,
    walFpi: r.wal_fpi,
    jobRunUpd: r.upd.job_run[0],
    jobRunHot: r.upd.job_run[1],
    stepRunUpd: r.upd.step_run[0],
    stepRunHot: r.upd.step_run[1],
  };
}

export interface Measure {
  runs: number;
  claimNs: number;
  reportNs: number;
  calls: number;
  wallMs: number;
  perRunNs: number[];
}

/** One agent call as the agent makes it: its own transaction with the deadline set locally. */
export async function call(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult> {
  await client.query('BEGIN; SET LOCAL statement_timeout = 30000; SET LOCAL idle_in_transaction_session_timeout = 30000');
  const result = await client.query(text, values);
  await client.query('COMMIT');
  return result;
}

export async function measure(admin: pg.Pool, agent: pg.Client, pid: number, rounds: number, jobIds: number[], cursor: { next: number }): Promise<Measure> {
  const m: Measure = { runs: 0, claimNs: 0, reportNs: 0, calls: 0, wallMs: 0, perRunNs: [] };
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const due = Array.from({ length: ROUND_FIRES }, () => jobIds[cursor.next++ % jobIds.length]);
    await admin.query(`UPDATE pgautomator.job_schedule SET next_fire_at = now() WHERE job_id = ANY ($1)`, [due]);
    let left = ROUND_FIRES;
    while (left > 0) {
      const roundStart = cpuNs(pid);
      let t = cpuNs(pid);
      const claimed = (await call(agent, 'SELECT pgautomator.claim_runs($1, $2) AS run', [AGENT, CLAIM])).rows.map((r) => r.run);
      m.claimNs += cpuNs(pid) - t;
      m.calls++;
      if (claimed.length === 0) throw new Error(`claim_runs handed out nothing with ${left} fires due`);
      const entries = claimed.map((run) => ({
        op: 'end_run',
        run_id: run.run_id,
        state: 'succeeded',
        message: null,
        last_step: { step_run_id: run.begun.step_run_id, state: 'succeeded', exit_code: 0, message: null, output: '', output_bytes: 0 },
      }));
      t = cpuNs(pid);
      const results = (await call(agent, 'SELECT pgautomator.agent_report($1) AS r', [JSON.stringify(entries)])).rows[0].r;
      m.reportNs += cpuNs(pid) - t;
      m.calls++;
      const refused = results.filter((r: { ok: boolean }) => !r.ok);
      if (refused.length) throw new Error(`agent_report refused: ${JSON.stringify(refused[0])}`);
      m.runs += claimed.length;
      m.perRunNs.push((cpuNs(pid) - roundStart) / claimed.length);
      left -= claimed.length;
    }
  }
  m.wallMs = performance.now() - started;
  return m;
}

/**
 * Warm-up rounds (not measured), then the tables as autovacuum leaves them within a minute of such
 * activity: analyzed. Without it, at history 0 the protocol's cached generic plans were made while
 * job_run and step_run were (nearly) empty and walk them whole by another index, so the figure grew
 * with the runs measured (claim_runs 323 us per run after 400 runs, 607 after 3,000): a fresh
 * install's first minute, not the steady state. PGAUTOMATOR_BENCH_FRESH=1 measures that minute.
 */
export async function warmUp(db: TestDatabase, agent: pg.Client, pid: number, jobIds: number[], cursor: { next: number }): Promise<void> {
  await measure(db.pool, agent, pid, WARMUP_ROUNDS, jobIds, cursor);
  if (!FRESH) await db.pool.query('VACUUM ANALYZE pgautomator.job_run, pgautomator.step_run, pgautomator.job_schedule');
}

/**
 * The measured agent: its own connection with the agent's role (application_name: how to find its
 * backend from outside), registered, and the fixture's job ids in order.
 */
export async function connectAgent(db: TestDatabase, applicationName: string): Promise<{ agent: pg.Client; pid: number; jobIds: number[] }> {
  const agent = new pg.Client({ connectionString: db.url, user: ROLE, application_name: applicationName });
  await agent.connect();
  const pid = (await agent.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  await call(agent, `SELECT pgautomator.register_agent($1, max_concurrent => 1000, heartbeat_interval => '1 hour')`, [AGENT]);
  const jobIds = (await db.pool.query('SELECT id FROM pgautomator.job ORDER BY id')).rows.map((r) => Number(r.id));
  return { agent, pid, jobIds };
}

/**
 * The run counters' fold (_fold_run_counts: run_count_delta into run_count). In service the
 * retention pass of an agent's heartbeat runs it about once a minute; the measured agent never
 * heartbeats, so the bench runs it itself after each measurement, on a superuser connection of its
 * own, and charges its backend CPU to the runs it folded. Installs from before 2026-12-06 have no
 * fold (each end updated its counter row): nothing to charge.
 */
export interface Folder {
  client: pg.Client | null;
  pid: number;
}

export async function connectFolder(db: TestDatabase): Promise<Folder> {
  const has = (await db.pool.query("SELECT to_regprocedure('pgautomator._fold_run_counts()') IS NOT NULL AS has")).rows[0].has as boolean;
  if (!has) return { client: null, pid: 0 };
  const client = new pg.Client({ connectionString: db.url, application_name: 'bench-cost-fold' });
  await client.connect();
  return { client, pid: (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number };
}

/** Folds the counters now; the fold's backend CPU, ns (0 without a fold). */
export async function fold(folder: Folder): Promise<number> {
  if (!folder.client) return 0;
  const t = cpuNs(folder.pid);
  await folder.client.query('SELECT pgautomator._fold_run_counts()');
  return cpuNs(folder.pid) - t;
}

async function statementProfile(db: TestDatabase, history: number, runs: number): Promise<string> {
  const { rows } = await db.pool.query(
    `SELECT calls, total_exec_time + total_plan_time AS ms, plans, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY ms DESC LIMIT 60`,
  );
  const lines = [`statements with ${history.toLocaleString('en')} rows of history (${runs} runs; calls and plans per run, exec + plan µs per run):`, '', '| calls | plans | µs | statement |', '|---:|---:|---:|---|'];
  for (const r of rows) {
    lines.push(`| ${(r.calls / runs).toFixed(2)} | ${(r.plans / runs).toFixed(2)} | ${((r.ms * 1000) / runs).toFixed(0)} | \`${String(r.query).slice(0, 160).replace(/\|/g, '\\|')}\` |`);
  }
  // And per function (the server's track_functions = 'all', set for this database by main()):
  // calls per run and the time spent in each function's own code, nested calls left out.
  const functions = await db.pool.query(
    `SELECT funcname, calls, self_time FROM pg_stat_user_functions WHERE schemaname = 'pgautomator' ORDER BY self_time DESC LIMIT 40`,
  );
  lines.push('', 'functions (calls per run, self µs per run):', '', '| calls | self µs | function |', '|---:|---:|---|');
  for (const r of functions.rows) lines.push(`| ${(r.calls / runs).toFixed(2)} | ${((r.self_time * 1000) / runs).toFixed(0)} | ${r.funcname} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const db = await createTestDatabase('cost-per-run');
  try {
    const t0 = performance.now();
    await fixture(db);
    // Function counts for the profile: a setting of the database, which the agent's session reads when it starts.
    if (statements) await db.pool.query(`ALTER DATABASE ${db.name} SET track_functions = 'all'`);
    const { agent, pid, jobIds } = await connectAgent(db, 'bench-cost-agent');
    const folder = await connectFolder(db);
    const cursor = { next: 0 };
    const header = `machine: ${await machine(db)}; shared_buffers ${(await db.pool.query('SHOW shared_buffers')).rows[0].shared_buffers}`;
    console.error(`fixture in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const rows: string[] = [];
    const profiles: string[] = [];
    if (statements) await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (const history of HISTORY) {
      if (history > 0) {
        const t = performance.now();
        await growHistory(db, history);
        console.error(`history ${history} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      }
      await warmUp(db, agent, pid, jobIds, cursor);
      await fold(folder);
      if (statements) await db.pool.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
      // The statistics collector reports a backend's counts when it goes idle (at most every 0.5 s).
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const before = await counters(db.pool);
      const m = await measure(db.pool, agent, pid, Math.ceil(RUNS / ROUND_FIRES), jobIds, cursor);
      const foldNs = await fold(folder);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const after = await counters(db.pool);
      const d = (k: string) => after[k] - before[k];
      const hot = (upd: string, hotUpd: string) => `${((100 * d(hotUpd)) / Math.max(1, d(upd))).toFixed(0)} %`;
      const us = (ns: number) => (ns / 1000 / m.runs).toFixed(0);
      rows.push(
        `| ${history.toLocaleString('en')} | ${m.runs} | **${us(m.claimNs + m.reportNs + foldNs)}** | ${us(m.claimNs)} | ${us(m.reportNs)} | ${us(foldNs)} | ` +
          `${(percentile(m.perRunNs, 50) / 1000).toFixed(0)} / ${(percentile(m.perRunNs, 90) / 1000).toFixed(0)} | ${(d('walBytes') / m.runs).toFixed(0)} | ${(d('walFpi') / m.runs).toFixed(2)} | ` +
          `${hot('jobRunUpd', 'jobRunHot')} / ${hot('stepRunUpd', 'stepRunHot')} | ${(m.wallMs / m.runs).toFixed(2)} | ${loadNow()} |`,
      );
      console.error(rows.at(-1));
      if (statements) profiles.push(await statementProfile(db, history, m.runs));
      if (floors && history === HISTORY[0]) {
        // Nothing due and nothing queued now (every round's fires were claimed and reported).
        for (let i = 0; i < 200; i++) await call(agent, 'SELECT 1', []); // warm
        const shell = await floorOf(agent, pid, 'SELECT 1', []);
        const claim = await floorOf(agent, pid, 'SELECT pgautomator.claim_runs($1, $2) AS run', [AGENT, CLAIM]);
        const report = await floorOf(agent, pid, 'SELECT pgautomator.agent_report($1) AS r', ['[]']);
        profiles.push(
          `floors, history ${history.toLocaleString('en')} (backend CPU per call, µs, median of 20 blocks of ${FLOOR_CALLS / 20} calls): ` +
            `the transaction around a call (SELECT 1) ${shell.toFixed(0)}; a claim with nothing due ${claim.toFixed(0)}; an empty agent_report ${report.toFixed(0)}. ` +
            `A claim-and-report pair's floor: ${(claim + report).toFixed(0)} µs, ${((claim + report) / CLAIM).toFixed(0)} µs per run at claims of ${CLAIM}.`,
        );
      }
    }
    await agent.end();
    await folder.client?.end();
    console.log(`${header}\n`);
    console.log(`claims of up to ${CLAIM} runs, ${ROUND_FIRES} schedules due per round, one agent_report per claim (end_run with last_step); ${WARMUP_ROUNDS} warm-up rounds per size\n`);
    console.log('| history rows (job_run, + as many step_run) | runs | database CPU per run, µs | of which claim_runs | of which agent_report | of which the counters\' fold | per claim-and-report, µs per run: p50 / p90 | WAL bytes per run | full-page images per run | HOT updates: job_run / step_run | wall ms per run (noisy) | load average after |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|');
    for (const row of rows) console.log(row);
    for (const profile of profiles) console.log(`\n${profile}`);
  } finally {
    await db.drop();
  }
}

// Run when executed, not when imported (bench/cost-per-run-twin.ts reuses the fixture and the calls).
if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();

/**
 * claim_runs under concurrency: 10,000 runs (8,000 schedule fires of 2,000 jobs plus 2,000 manual
 * starts made while the claimers run) taken by 6 sessions, each acting as its own agent, in loops
 * of claim -> end_run. Every run must be claimed exactly once, none lost, each fire a single row,
 * and jobs whose overlap policy is queue_all must never have two runs at once; the metrics counters
 * (run_count) end equal to the history.
 *
 * Fixed instants: the fires are due at T0 + 0/10/20/30 s and every call passes at = T0 + 35 s, so
 * the test does not depend on the wall clock. Setup uses the API as superuser, except that each
 * pair's next_fire_at is pinned to T0 (attach_schedule computes it from now()); the checks read the
 * tables directly, as pgTAP does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const T0 = '2030-01-01T00:00:00Z';
const AT = '2030-01-01T00:00:35Z';
const JOBS = 2_000; // even: overlap allow; odd: queue_all (one run at a time)
const FIRES_PER_JOB = 4;
const MANUAL = 2_000;
const SESSIONS = 6;
const CLAIM_MAX = 100;
const TOTAL = JOBS * FIRES_PER_JOB + MANUAL;

let db: TestDatabase;

test.before(async () => {
  db = await createTestDatabase('claim_concurrency');
  await db.pool.query(`SELECT pgautomator.create_schedule('every10s',
    '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}')`);
  await db.pool.query(
    `SELECT pgautomator.create_job('cc-' || i, overlap => CASE WHEN i % 2 = 0 THEN 'allow' ELSE 'queue_all' END,
                                   misfire => 'run_all', misfire_grace => '1 day')
       FROM generate_series(1, $1::int) i`,
    [JOBS],
  );
  await db.pool.query(`SELECT pgautomator.add_step('cc-' || i, 'only', 'shell', 'true') FROM generate_series(1, $1::int) i`, [JOBS]);
  await db.pool.query(`SELECT pgautomator.attach_schedule('cc-' || i, 'every10s') FROM generate_series(1, $1::int) i`, [JOBS]);
  await db.pool.query('UPDATE pgautomator.job_schedule SET next_fire_at = $1', [T0]); // fixture: pin the first fire
});

test.after(async () => {
  await db?.drop();
});

interface Claimer {
  agent: string;
  claimed: number[];
  calls: number;
  emptyCalls: number;
  claimMs: number;
}

async function runClaimer(agent: string, manualDone: () => boolean): Promise<Claimer> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const result: Claimer = { agent, claimed: [], calls: 0, emptyCalls: 0, claimMs: 0 };
  try {
    await client.query(
      `SELECT pgautomator._register_agent($1, max_concurrent => 10000, heartbeat_interval => '1 hour', at => $2)`,
      [agent, AT],
    );
    let idle = 0;
    // Stop after several empty claims once the manual starts are all in and nothing is queued.
    for (;;) {
      result.calls++;
      const t = performance.now();
      const { rows } = await client.query<{ run_id: string }>(
        `SELECT x ->> 'run_id' AS run_id FROM pgautomator._claim_runs($1, $2, $3) x`,
        [agent, CLAIM_MAX, AT],
      );
      result.claimMs += performance.now() - t;
      const ids = rows.map((row) => Number(row.run_id));
      result.claimed.push(...ids);
      if (ids.length > 0) {
        idle = 0;
        await client.query(`SELECT pgautomator.end_run(id, 'succeeded') FROM unnest($1::bigint[]) id`, [ids]);
        continue;
      }
      idle++;
      result.emptyCalls++;
      if (manualDone() && idle >= 3) {
        const { rows: left } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM pgautomator.job_run WHERE state IN ('queued', 'running')`,
        );
        if (Number(left[0].n) === 0) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20)); // a real agent sleeps until a NOTIFY or next_due_in
    }
  } finally {
    await client.end();
  }
  return result;
}

test('10,000 fires and manual starts claimed exactly once by 6 concurrent agents', async () => {
  let manualFinished = false;
  const operator = (async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // Manual starts of the 'allow' jobs, in small batches, while the claimers are at work.
      for (let done = 0; done < MANUAL; done += 50) {
        await client.query(
          `SELECT pgautomator._start_job('cc-' || (2 * (1 + (g % ($3::int / 2)))), at => $2)
             FROM generate_series($1::int, $1::int + 49) g`,
          [done, AT, JOBS],
        );
      }
    } finally {
      manualFinished = true;
      await client.end();
    }
  })();

  const started = Date.now();
  const claimers = await Promise.all(
    Array.from({ length: SESSIONS }, (_, i) => runClaimer(`agent-${i + 1}`, () => manualFinished)),
  );
  await operator;
  const ms = Date.now() - started;

  const all = claimers.flatMap((c) => c.claimed);
  const unique = new Set(all);
  console.log(
    `claimed ${all.length} runs (${unique.size} distinct) in ${ms} ms by ${SESSIONS} sessions: ` +
      claimers.map((c) => `${c.agent}=${c.claimed.length} (${c.calls} calls, ${c.emptyCalls} empty, ${(c.claimMs / c.calls).toFixed(1)} ms/call)`).join(', '),
  );
  assert.is(all.length, TOTAL, 'every run handed out');
  assert.is(unique.size, TOTAL, 'no run handed out twice');

  const { rows: states } = await db.pool.query<{ state: string; trigger: string; n: string }>(
    `SELECT state, trigger, count(*) AS n FROM pgautomator.job_run GROUP BY state, trigger ORDER BY state, trigger`,
  );
  console.log(`runs by state and trigger: ${states.map((s) => `${s.state}/${s.trigger}=${s.n}`).join(', ')}`);
  assert.equal(
    states.map((s) => [s.state, s.trigger, Number(s.n)]),
    [
      ['succeeded', 'manual', MANUAL],
      ['succeeded', 'schedule', JOBS * FIRES_PER_JOB],
    ],
    'all runs succeeded: none lost, none skipped, none left queued or running',
  );

  const { rows: fires } = await db.pool.query<{ rows: string; fires: string; next_ok: boolean }>(
    `SELECT (SELECT count(*) FROM pgautomator.job_run WHERE trigger = 'schedule') AS rows,
            (SELECT count(DISTINCT (job_id, schedule_id, scheduled_for)) FROM pgautomator.job_run WHERE trigger = 'schedule') AS fires,
            (SELECT bool_and(next_fire_at = '2030-01-01T00:00:40Z' AND last_fire_at = '2030-01-01T00:00:30Z') FROM pgautomator.job_schedule) AS next_ok`,
  );
  assert.is(Number(fires[0].rows), JOBS * FIRES_PER_JOB, 'one row per fire');
  assert.is(Number(fires[0].fires), JOBS * FIRES_PER_JOB, 'each fire once');
  assert.ok(fires[0].next_ok, 'every pair advanced to its next fire');

  // The claiming agent recorded on each run is the session that received it.
  const owners = new Map<number, string>();
  for (const c of claimers) for (const id of c.claimed) owners.set(id, c.agent);
  const { rows: recorded } = await db.pool.query<{ id: string; agent: string }>(
    `SELECT r.id, a.name AS agent FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id`,
  );
  const mismatched = recorded.filter((r) => owners.get(Number(r.id)) !== r.agent).length;
  assert.is(mismatched, 0, 'each run recorded on the agent that claimed it');

  const { rows: overlaps } = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n
       FROM pgautomator.job_run a
       JOIN pgautomator.job_run b ON b.job_id = a.job_id AND b.id > a.id
       JOIN pgautomator.job j ON j.id = a.job_id
      WHERE j.overlap = 'queue_all' AND a.started_at < b.finished_at AND b.started_at < a.finished_at`,
  );
  assert.is(Number(overlaps[0].n), 0, 'queue_all jobs never ran two runs at once');
  assert.ok(claimers.filter((c) => c.claimed.length > 0).length >= 2, 'the work was shared between sessions');

  // The metrics counters, written by every concurrent end_run (run_count_delta) and folded into
  // run_count: each end counted once.
  await db.pool.query('SELECT pgautomator._fold_run_counts()');
  const { rows: counted } = await db.pool.query<{ differing: string }>(
    `SELECT count(*) AS differing
       FROM (SELECT r.job_id, r.state, count(*) AS n FROM pgautomator.job_run r WHERE r.finished_at IS NOT NULL GROUP BY 1, 2) h
       FULL JOIN pgautomator.run_count c ON c.job_id = h.job_id AND c.state = h.state
      WHERE h.n IS DISTINCT FROM c.runs`,
  );
  assert.is(Number(counted[0].differing), 0, 'the run counters equal the history, job by job and state by state');
});

test.run();

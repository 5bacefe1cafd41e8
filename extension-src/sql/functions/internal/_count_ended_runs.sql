-- Adds runs that reached their final state to the counters of run_count, in the transaction that
-- ends them (so a counter and the history it counts commit together). Called once per ended run
-- wherever runs end: _finish_run (end_run, kill_run of a running run; agent_report counts its whole
-- batch at its end), the deadline reaper, _abandon_runs (dead, stopped, re-registered or deleted
-- agents), and where runs are cancelled or skipped (kill_run of a queued run, _cancel_previous_runs,
-- _fire_due, _fire_pair, _fire_triggers). Each run must be passed exactly once: nothing here checks
-- that it was not counted already.
--
-- Locks: each counter row written is locked (job, state) until commit. Rows are visited in
-- (job_id, state) order, so two callers passing many runs cannot deadlock on each other; a
-- transaction that ends runs in several statements (agent_report's entries) collects them and
-- counts them in one call at its end, for the same reason.
--
-- Cost: this runs on every run's end. One statement groups the runs; when each (job, state) falls
-- in one bucket of each histogram (the usual call), one INSERT ... ON CONFLICT DO UPDATE writes
-- every counter row, adding to the buckets by array position; otherwise one UPDATE per (job,
-- state, duration bucket, lateness bucket) through _add_run_count. Measured with
-- bench/cost-per-run.ts (claims and reports of 8 runs of different jobs): a call of _add_run_count
-- per run was 35 of agent_report's 250 us per run.
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  l_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
  g_job   bigint[];
  g_state text[];
  g_n     bigint[];
  g_db    int[];
  g_dsum  float8[];
  g_lb    int[];
  g_lsum  float8[];
  single  boolean;
  g record;
BEGIN
  -- The runs grouped by job, state and buckets, in the order the counter rows are locked.
  SELECT array_agg(x.job_id ORDER BY x.job_id, x.state, x.db, x.lb), array_agg(x.state ORDER BY x.job_id, x.state, x.db, x.lb),
         array_agg(x.n ORDER BY x.job_id, x.state, x.db, x.lb), array_agg(x.db ORDER BY x.job_id, x.state, x.db, x.lb),
         array_agg(x.dsum ORDER BY x.job_id, x.state, x.db, x.lb), array_agg(x.lb ORDER BY x.job_id, x.state, x.db, x.lb),
         array_agg(x.lsum ORDER BY x.job_id, x.state, x.db, x.lb),
         count(*) = count(DISTINCT (x.job_id, x.state))
    INTO g_job, g_state, g_n, g_db, g_dsum, g_lb, g_lsum, single
    FROM (SELECT y.job_id, y.state, y.db, y.lb, count(*) AS n, coalesce(sum(y.dur), 0) AS dsum, coalesce(sum(y.late), 0) AS lsum
            FROM (SELECT r.job_id, r.state, d.dur, d.late,
                         -- 1-based positions in the arrays: width_bucket is the number of bounds <= v.
                         width_bucket(d.dur, d_bounds) + 1 AS db, width_bucket(d.late, l_bounds) + 1 AS lb
                    FROM pgautomator.job_run r
                   -- Runs that never started (cancelled, skipped) have neither: NULL, counted in no bucket.
                   CROSS JOIN LATERAL (SELECT date_part('epoch', r.finished_at - r.started_at) AS dur,
                                              greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late) d
                   WHERE r.id = ANY (_count_ended_runs.run_ids) AND r.finished_at IS NOT NULL) y
           GROUP BY y.job_id, y.state, y.db, y.lb) x;
  IF g_job IS NULL THEN
    RETURN;
  END IF;
  IF single THEN
    -- The usual call (each job and state in one bucket of each histogram: the runs of one batch
    -- are of different jobs, or alike): one statement for all counter rows, in (job, state) order.
    -- A row written here holds the runs' count at their bucket's position and zeros elsewhere; an
    -- existing row adds it at that position (array_position finds it: the count is at least 1, and
    -- no position when the runs never started).
    INSERT INTO pgautomator.run_count AS c (job_id, state, runs, duration_buckets, duration_sum, lateness_buckets, lateness_sum)
    SELECT u.job_id, u.state, u.n,
           CASE WHEN u.db IS NULL THEN array_fill(0::bigint, ARRAY[cardinality(d_bounds) + 1])
                ELSE array_fill(0::bigint, ARRAY[u.db - 1]) || u.n || array_fill(0::bigint, ARRAY[cardinality(d_bounds) + 1 - u.db]) END,
           u.dsum,
           CASE WHEN u.lb IS NULL THEN array_fill(0::bigint, ARRAY[cardinality(l_bounds) + 1])
                ELSE array_fill(0::bigint, ARRAY[u.lb - 1]) || u.n || array_fill(0::bigint, ARRAY[cardinality(l_bounds) + 1 - u.lb]) END,
           u.lsum
      FROM unnest(g_job, g_state, g_n, g_db, g_dsum, g_lb, g_lsum) WITH ORDINALITY AS u(job_id, state, n, db, dsum, lb, lsum, ord)
     ORDER BY u.ord
    ON CONFLICT ON CONSTRAINT run_count_pkey DO UPDATE
       SET runs = c.runs + excluded.runs,
           duration_buckets = CASE WHEN array_position(excluded.duration_buckets, excluded.runs) IS NULL THEN c.duration_buckets
                                   ELSE c.duration_buckets[:array_position(excluded.duration_buckets, excluded.runs) - 1] || (c.duration_buckets[array_position(excluded.duration_buckets, excluded.runs)] + excluded.runs)
                                        || c.duration_buckets[array_position(excluded.duration_buckets, excluded.runs) + 1:] END,
           duration_sum = c.duration_sum + excluded.duration_sum,
           lateness_buckets = CASE WHEN array_position(excluded.lateness_buckets, excluded.runs) IS NULL THEN c.lateness_buckets
                                   ELSE c.lateness_buckets[:array_position(excluded.lateness_buckets, excluded.runs) - 1] || (c.lateness_buckets[array_position(excluded.lateness_buckets, excluded.runs)] + excluded.runs)
                                        || c.lateness_buckets[array_position(excluded.lateness_buckets, excluded.runs) + 1:] END,
           lateness_sum = c.lateness_sum + excluded.lateness_sum;
    RETURN;
  END IF;
  FOR g IN
    SELECT u.* FROM unnest(g_job, g_state, g_n, g_db, g_dsum, g_lb, g_lsum) WITH ORDINALITY AS u(job_id, state, n, db, dsum, lb, lsum, ord)
     ORDER BY u.ord
  LOOP
    PERFORM pgautomator._add_run_count(g.job_id, g.state, g.n, g.db, g.dsum, g.lb, g.lsum, d_bounds, l_bounds);
  END LOOP;
END
$$;
COMMENT ON FUNCTION pgautomator._count_ended_runs(bigint[]) IS
  'Adds the runs of run_ids that are in a final state to run_count (per job and state: count, duration and lateness histograms). '
  'Called once per run, in the transaction that ends it.';
REVOKE ALL ON FUNCTION pgautomator._count_ended_runs(bigint[]) FROM PUBLIC;

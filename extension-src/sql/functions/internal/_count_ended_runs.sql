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
-- Cost: this runs on every run's end, so it is one statement whatever the runs: each counter row
-- gets its runs' counts per bucket as whole arrays, added element by element (a row gets any number
-- of buckets at once). Until 2026-12-06 a second form of the rule wrote one bucket by position (the
-- usual call) and a third, one UPDATE per (job, state, bucket) through _add_run_count, the rest.
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  l_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
BEGIN
  -- The runs grouped by job and state, in the order the counter rows are locked; per group, the
  -- 1-based bucket of each run in each histogram (width_bucket is the number of bounds <= v; NULL
  -- for runs that never started, cancelled or skipped: counted in no bucket, and in no sum).
  INSERT INTO pgautomator.run_count AS c (job_id, state, runs, duration_buckets, duration_sum, lateness_buckets, lateness_sum)
  SELECT g.job_id, g.state, g.n,
         ARRAY(SELECT cardinality(array_positions(g.dbs, b)) FROM generate_series(1, cardinality(d_bounds) + 1) AS b ORDER BY b),
         g.dsum,
         ARRAY(SELECT cardinality(array_positions(g.lbs, b)) FROM generate_series(1, cardinality(l_bounds) + 1) AS b ORDER BY b),
         g.lsum
    FROM (SELECT r.job_id, r.state, count(*) AS n,
                 array_agg(width_bucket(d.dur, d_bounds) + 1) AS dbs, coalesce(sum(d.dur), 0) AS dsum,
                 array_agg(width_bucket(d.late, l_bounds) + 1) AS lbs, coalesce(sum(d.late), 0) AS lsum
            FROM pgautomator.job_run r
           CROSS JOIN LATERAL (SELECT date_part('epoch', r.finished_at - r.started_at) AS dur,
                                      greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late) d
           WHERE r.id = ANY (_count_ended_runs.run_ids) AND r.finished_at IS NOT NULL
           GROUP BY r.job_id, r.state) g
   ORDER BY g.job_id, g.state
  ON CONFLICT ON CONSTRAINT run_count_pkey DO UPDATE
     SET runs = c.runs + excluded.runs,
         duration_buckets = ARRAY(SELECT x.have + x.add FROM unnest(c.duration_buckets, excluded.duration_buckets) WITH ORDINALITY AS x(have, add, i) ORDER BY x.i),
         duration_sum = c.duration_sum + excluded.duration_sum,
         lateness_buckets = ARRAY(SELECT x.have + x.add FROM unnest(c.lateness_buckets, excluded.lateness_buckets) WITH ORDINALITY AS x(have, add, i) ORDER BY x.i),
         lateness_sum = c.lateness_sum + excluded.lateness_sum;
END
$$;
COMMENT ON FUNCTION pgautomator._count_ended_runs(bigint[]) IS
  'Adds the runs of run_ids that are in a final state to run_count (per job and state: count, duration and lateness histograms). '
  'Called once per run, in the transaction that ends it.';
REVOKE ALL ON FUNCTION pgautomator._count_ended_runs(bigint[]) FROM PUBLIC;

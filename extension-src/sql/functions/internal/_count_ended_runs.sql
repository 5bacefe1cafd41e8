-- Adds runs that reached their final state to the counters of run_count, in the transaction that
-- ends them (so a counter and the history it counts commit together). Called once per ended run
-- wherever runs end: _finish_run (end_run, kill_run of a running run; agent_report counts its whole
-- batch at its end), the deadline reaper, _abandon_runs (dead, stopped, re-registered or deleted
-- agents), and where runs are cancelled or skipped (kill_run of a queued run, _cancel_previous_runs,
-- _fire_due, _fire_pair, _fire_triggers). Each run must be passed exactly once: nothing here checks
-- that it was not counted already.
--
-- Locks: each UPDATE takes the row lock of a (job, state) until commit. Rows are visited in
-- (job_id, state) order, so two callers passing many runs cannot deadlock on each other; a
-- transaction that ends runs in several statements (agent_report's entries) collects them and
-- counts them in one call at its end, for the same reason.
--
-- Cost: this runs on every run's end. One UPDATE per (job, state, duration bucket, lateness
-- bucket) through _add_run_count, which adds to the buckets by array position; an INSERT only the
-- first time a job reaches a state; one run (the usual call) skips the grouping. Measured (backend
-- CPU, 2 cores under load 20; bench/README.md, Metrics): 65-105 us per run, against about 700 us
-- for _finish_run itself; a first version whose sql helpers carried SET clauses, and so were
-- planned again on every call, took about 260 us.
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  l_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
  g record;
BEGIN
  -- One run (end_run, kill_run, most ends): the same without the grouping and sorting below, a
  -- third of this function's cost when it ran for single runs too.
  IF cardinality(run_ids) = 1 THEN
    SELECT r.job_id, r.state, d.dur, d.late, width_bucket(d.dur, d_bounds) + 1 AS db, width_bucket(d.late, l_bounds) + 1 AS lb,
           1 AS n, coalesce(d.dur, 0) AS dsum, coalesce(d.late, 0) AS lsum
      INTO g
      FROM pgautomator.job_run r
     CROSS JOIN LATERAL (SELECT date_part('epoch', r.finished_at - r.started_at) AS dur,
                                greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late) d
     WHERE r.id = run_ids[1] AND r.finished_at IS NOT NULL;
    IF FOUND THEN
      PERFORM pgautomator._add_run_count(g.job_id, g.state, g.n, g.db, g.dsum, g.lb, g.lsum, d_bounds, l_bounds);
    END IF;
    RETURN;
  END IF;
  FOR g IN
    SELECT x.job_id, x.state, x.db, x.lb, count(*) AS n, coalesce(sum(x.dur), 0) AS dsum, coalesce(sum(x.late), 0) AS lsum
      FROM (SELECT r.job_id, r.state, d.dur, d.late,
                   -- 1-based positions in the arrays: width_bucket is the number of bounds <= v.
                   width_bucket(d.dur, d_bounds) + 1 AS db, width_bucket(d.late, l_bounds) + 1 AS lb
              FROM pgautomator.job_run r
             -- Runs that never started (cancelled, skipped) have neither: NULL, counted in no bucket.
             CROSS JOIN LATERAL (SELECT date_part('epoch', r.finished_at - r.started_at) AS dur,
                                        greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late) d
             WHERE r.id = ANY (_count_ended_runs.run_ids) AND r.finished_at IS NOT NULL) x
     GROUP BY x.job_id, x.state, x.db, x.lb
     ORDER BY x.job_id, x.state, x.db, x.lb
  LOOP
    PERFORM pgautomator._add_run_count(g.job_id, g.state, g.n, g.db, g.dsum, g.lb, g.lsum, d_bounds, l_bounds);
  END LOOP;
END
$$;
COMMENT ON FUNCTION pgautomator._count_ended_runs(bigint[]) IS
  'Adds the runs of run_ids that are in a final state to run_count (per job and state: count, duration and lateness histograms). '
  'Called once per run, in the transaction that ends it.';
REVOKE ALL ON FUNCTION pgautomator._count_ended_runs(bigint[]) FROM PUBLIC;

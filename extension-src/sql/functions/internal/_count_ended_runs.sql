-- Adds runs that reached their final state to the counters of run_count, in the transaction that
-- ends them (so a counter and the history it counts commit together). Called once per ended run
-- wherever runs end: _run_ended (end_run, agent_report, kill_run of a running run, the deadline
-- reaper, abandoned runs of dead, stopped or deleted agents) and where runs are cancelled or
-- skipped without it (kill_run of a queued run, _cancel_previous_runs, _fire_due, _fire_pair,
-- _fire_triggers). Each run must be passed exactly once: nothing here checks it was not counted.
--
-- Locks: the upsert takes the row lock of each (job, state) it touches until commit. Rows are
-- written in (job_id, state) order within the statement, so two callers passing many runs cannot
-- deadlock on each other; a transaction that counts in several statements (agent_report's
-- entries) collects its runs and counts them in one statement at its end, for the same reason.
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- (plpgsql, not sql: a sql body is checked at creation, before _run_histogram_bounds exists.)
  INSERT INTO pgautomator.run_count AS c (job_id, state, runs, duration_buckets, duration_sum, lateness_buckets, lateness_sum)
  SELECT x.job_id, x.state, count(*),
         pgautomator._bucket_counts(array_agg(x.dur), pgautomator._run_histogram_bounds('duration')), coalesce(sum(x.dur), 0),
         pgautomator._bucket_counts(array_agg(x.late), pgautomator._run_histogram_bounds('lateness')), coalesce(sum(x.late), 0)
    FROM (SELECT r.job_id, r.state,
                 -- Runs that never started (cancelled, skipped) have neither: NULL counts nowhere.
                 date_part('epoch', r.finished_at - r.started_at) AS dur,
                 greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late
            FROM pgautomator.job_run r
           WHERE r.id = ANY (_count_ended_runs.run_ids) AND r.finished_at IS NOT NULL) x
   GROUP BY x.job_id, x.state
   ORDER BY x.job_id, x.state
  ON CONFLICT (job_id, state) DO UPDATE
     SET runs = c.runs + excluded.runs,
         duration_buckets = ARRAY(SELECT u.a + u.b FROM unnest(c.duration_buckets, excluded.duration_buckets) WITH ORDINALITY u(a, b, i) ORDER BY u.i),
         duration_sum = c.duration_sum + excluded.duration_sum,
         lateness_buckets = ARRAY(SELECT u.a + u.b FROM unnest(c.lateness_buckets, excluded.lateness_buckets) WITH ORDINALITY u(a, b, i) ORDER BY u.i),
         lateness_sum = c.lateness_sum + excluded.lateness_sum;
END
$$;
COMMENT ON FUNCTION pgautomator._count_ended_runs(bigint[]) IS
  'Adds the runs of run_ids that are in a final state to run_count (per job and state: count, duration and lateness histograms). '
  'Called once per run, in the transaction that ends it.';
REVOKE ALL ON FUNCTION pgautomator._count_ended_runs(bigint[]) FROM PUBLIC;

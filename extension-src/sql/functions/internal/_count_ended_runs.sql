-- Counts runs that reached their final state, for metrics(), in the transaction that ends them (so
-- a count and the history it counts commit together): one row per run in run_count_delta, which
-- _fold_run_counts adds to run_count and run_histogram about once a minute. Called once per ended
-- run wherever runs end: _finish_run (end_run, kill_run of a running run; agent_report counts its
-- whole batch at its end), the deadline reaper, _abandon_runs (dead, stopped, re-registered or
-- deleted agents), and where runs are cancelled or skipped (kill_run of a queued run,
-- _cancel_previous_runs, _fire_due, _fire_pair, _fire_triggers). Each run must be passed exactly once: nothing here checks that it
-- was not counted already.
--
-- Cost: this runs on every run's end, so it appends and nothing more: no counter row is read,
-- locked or rewritten here (tables/175-run_count_delta.sql says what that cost). The histogram
-- buckets are worked out by the fold and by metrics(), from the raw seconds kept here.
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO pgautomator.run_count_delta (job_id, state, duration, lateness)
  -- Both NULL for a run that never started (greatest() skips a NULL: the CASE keeps it NULL, so a
  -- cancelled or skipped run is in no lateness bucket, as in no duration bucket).
  SELECT r.job_id, r.state, date_part('epoch', r.finished_at - r.started_at),
         CASE WHEN r.started_at IS NOT NULL THEN greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) END
    FROM pgautomator.job_run r
   WHERE r.id = ANY (_count_ended_runs.run_ids) AND r.finished_at IS NOT NULL;
END
$$;
COMMENT ON FUNCTION pgautomator._count_ended_runs(bigint[]) IS
  'Counts the runs of run_ids that are in a final state for metrics(): a row each in run_count_delta (job, state, duration, lateness), folded into run_count and run_histogram by _fold_run_counts. '
  'Called once per run, in the transaction that ends it.';
REVOKE ALL ON FUNCTION pgautomator._count_ended_runs(bigint[]) FROM PUBLIC;

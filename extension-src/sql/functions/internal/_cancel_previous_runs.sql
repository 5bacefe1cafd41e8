CREATE OR REPLACE FUNCTION pgautomator._cancel_previous_runs(job_id bigint, reason text, requested_by name)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  killed    record;
  n         int;
  cancelled bigint[];
BEGIN
  -- overlap = cancel_previous: queued runs of the job are cancelled at once, running ones get a
  -- kill request (their agent kills them and reports end_run(..., 'killed')).
  WITH c AS (
    UPDATE pgautomator.job_run r
       SET state = 'cancelled', finished_at = clock_timestamp(), message = reason
     WHERE r.job_id = _cancel_previous_runs.job_id AND r.state = 'queued'
    RETURNING r.id
  )
  SELECT array_agg(c.id) INTO cancelled FROM c;
  n := coalesce(cardinality(cancelled), 0);
  IF n > 0 THEN
    PERFORM pgautomator._count_ended_runs(cancelled);
  END IF;
  FOR killed IN
    UPDATE pgautomator.job_run r
       SET kill_requested_at = clock_timestamp(), kill_requested_by = _cancel_previous_runs.requested_by
     WHERE r.job_id = _cancel_previous_runs.job_id AND r.state = 'running' AND r.kill_requested_at IS NULL
    RETURNING r.id, (SELECT a.name FROM pgautomator.agent a WHERE a.id = r.agent_id) AS agent
  LOOP
    n := n + 1;
    PERFORM pgautomator._notify('kill', jsonb_build_object('run_id', killed.id, 'agent', killed.agent));
  END LOOP;
  RETURN n;
END
$$;
COMMENT ON FUNCTION pgautomator._cancel_previous_runs(bigint, text, name) IS
  'overlap = cancel_previous: cancels the job''s queued runs (message reason) and requests a kill of its running ones. Returns how many runs were touched.';
REVOKE ALL ON FUNCTION pgautomator._cancel_previous_runs(bigint, text, name) FROM PUBLIC;

CREATE OR REPLACE FUNCTION pgautomator.begin_step(run_id bigint, step_id bigint, attempt int DEFAULT 1)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r      pgautomator.job_run;
  st     pgautomator.step;
  new_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  r := pgautomator._running_run(begin_step.run_id);
  SELECT x.* INTO st FROM pgautomator.step x WHERE x.id = begin_step.step_id AND x.job_id = r.job_id;
  IF st.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('step %s is not a step of job %s (run %s)', coalesce(begin_step.step_id::text, 'NULL'), r.job_id, r.id),
      'field: step_id', 'Use the step ids of the run as claim_runs returned them.');
  END IF;
  IF begin_step.attempt IS NULL OR begin_step.attempt < 1 THEN
    PERFORM pgautomator._raise('PA002', format('attempt must be 1 or more, got %s', coalesce(begin_step.attempt::text, 'NULL')),
      'field: attempt', 'Pass 1 for the first try, 2.. for retries.');
  END IF;
  -- A retried call (the answer to the first was lost with the connection) gets the attempt it
  -- began: a run has at most one running attempt, as the agent ends each before the next begins.
  SELECT x.id INTO new_id FROM pgautomator.step_run x
   WHERE x.job_run_id = r.id AND x.state = 'running' AND x.step_id = st.id AND x.attempt = begin_step.attempt;
  IF new_id IS NOT NULL THEN
    RETURN new_id;
  END IF;
  INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id)
  VALUES (r.id, st.id, st.position, st.name, begin_step.attempt, r.agent_id)
  RETURNING id INTO new_id;
  IF 'start' = ANY (st.email_on) THEN
    PERFORM pgautomator._enqueue_mail(r.id, 'start', new_id);
  END IF;
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION pgautomator.begin_step(bigint, bigint, int) IS
  'Agent protocol: an attempt of step step_id of run run_id begins. Returns the step_run id; writes the step''s start mail when asked. '
  'Idempotent: while that attempt is still running, calling again returns the same step_run id. '
  'PA030 when the run is not running, PA010 when the step is not the run''s job''s.';
REVOKE ALL ON FUNCTION pgautomator.begin_step(bigint, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.begin_step(bigint, bigint, int) TO pgautomator_agent;

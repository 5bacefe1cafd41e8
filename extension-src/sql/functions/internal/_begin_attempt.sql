-- The body of begin_step for a run already checked and locked by _running_run: shared by
-- begin_step and agent_report, so the rules live once.
CREATE OR REPLACE FUNCTION pgautomator._begin_attempt(r pgautomator.job_run, step_id bigint, attempt int)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  st     pgautomator.step;
  new_id bigint;
BEGIN
  SELECT x.* INTO st FROM pgautomator.step x WHERE x.id = _begin_attempt.step_id AND x.job_id = r.job_id;
  IF st.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('step %s is not a step of job %s (run %s)', coalesce(_begin_attempt.step_id::text, 'NULL'), r.job_id, r.id),
      'field: step_id', 'Use the step ids of the run as claim_runs returned them.');
  END IF;
  IF _begin_attempt.attempt IS NULL OR _begin_attempt.attempt < 1 THEN
    PERFORM pgautomator._raise('PA002', format('attempt must be 1 or more, got %s', coalesce(_begin_attempt.attempt::text, 'NULL')),
      'field: attempt', 'Pass 1 for the first try, 2.. for retries.');
  END IF;
  -- A retried call (the answer to the first was lost with the connection) gets the attempt it
  -- began: a run has at most one running attempt, as the agent ends each before the next begins.
  SELECT x.id INTO new_id FROM pgautomator.step_run x
   WHERE x.job_run_id = r.id AND x.state = 'running' AND x.step_id = st.id AND x.attempt = _begin_attempt.attempt;
  IF new_id IS NOT NULL THEN
    RETURN new_id;
  END IF;
  INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id)
  VALUES (r.id, st.id, st.position, st.name, _begin_attempt.attempt, r.agent_id)
  RETURNING id INTO new_id;
  IF 'start' = ANY (st.email_on) THEN
    PERFORM pgautomator._enqueue_mail(r.id, 'start', new_id);
  END IF;
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION pgautomator._begin_attempt(pgautomator.job_run, bigint, int) IS 'begin_step after the checks of the caller and the run: validates the step and attempt, returns the running attempt or a new one.';
REVOKE ALL ON FUNCTION pgautomator._begin_attempt(pgautomator.job_run, bigint, int) FROM PUBLIC;

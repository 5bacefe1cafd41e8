-- The body of begin_step for a run already checked and locked by _running_run: shared by
-- begin_step and agent_report, so the rules live once.
CREATE OR REPLACE FUNCTION pgautomator._begin_attempt(r pgautomator.job_run, step_id bigint, attempt int)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- Attempts one run may have in all: the agent gives up a run after 1,000 step executions (a goto loop).
  c_max_attempts CONSTANT int := 1000;
  st      pgautomator.step;
  new_id  bigint;
  last    int;
  n       bigint;
BEGIN
  SELECT x.* INTO st FROM pgautomator.step x WHERE x.id = _begin_attempt.step_id AND x.job_id = r.job_id;
  IF st.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('step %s is not a step of job %s (run %s)', coalesce(_begin_attempt.step_id::text, 'NULL'), r.job_id, r.id),
      'field: step_id', 'Use the step ids of the run as claim_runs returned them.');
  END IF;
  -- One pass over the run's attempts (step_run_job_run_id_idx): a retried call (the answer to the
  -- first was lost with the connection) gets the attempt it began, still running; else the attempt
  -- must be the step's next in this run (1, then last + 1, also when a goto comes back to it), and
  -- the run must not have used up its attempts. What one run stores stays bounded.
  SELECT max(x.id) FILTER (WHERE x.state = 'running' AND x.step_id = st.id AND x.attempt = _begin_attempt.attempt),
         max(x.attempt) FILTER (WHERE x.step_id = st.id), count(*)
    INTO new_id, last, n
    FROM pgautomator.step_run x
   WHERE x.job_run_id = r.id;
  IF new_id IS NOT NULL THEN
    RETURN new_id;
  END IF;
  IF _begin_attempt.attempt IS DISTINCT FROM coalesce(last, 0) + 1 THEN
    PERFORM pgautomator._raise('PA002',
      format('attempt must be %s (the next attempt of step %s in run %s), got %s', coalesce(last, 0) + 1, st.id, r.id, coalesce(_begin_attempt.attempt::text, 'NULL')),
      'field: attempt',
      CASE WHEN last IS NULL THEN 'The first attempt of a step in a run is 1.'
           ELSE format('Attempts of a step count on through the run (retries and goto loops alike); its last attempt in this run was %s.', last) END);
  END IF;
  IF n >= c_max_attempts THEN
    PERFORM pgautomator._raise('PA030', format('run %s has had %s step attempts, the most one run may have', r.id, n), 'field: run_id',
      'End the run (end_run failed): a job that loops for ever is stopped here.');
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
COMMENT ON FUNCTION pgautomator._begin_attempt(pgautomator.job_run, bigint, int) IS 'begin_step after the checks of the caller and the run: validates the step and attempt (the step''s next in the run; at most 1,000 attempts per run), returns the running attempt or a new one.';
REVOKE ALL ON FUNCTION pgautomator._begin_attempt(pgautomator.job_run, bigint, int) FROM PUBLIC;

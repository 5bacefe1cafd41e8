CREATE OR REPLACE FUNCTION pgautomator.begin_step(run_id bigint, step_id bigint, attempt int DEFAULT 1)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r pgautomator.job_run;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  r := pgautomator._running_run(begin_step.run_id);
  RETURN pgautomator._begin_attempt(r, begin_step.step_id, begin_step.attempt);
END
$$;
COMMENT ON FUNCTION pgautomator.begin_step(bigint, bigint, int) IS
  'Agent protocol: an attempt of step step_id of run run_id begins. Returns the step_run id; writes the step''s start mail when asked. '
  'attempt must be the step''s next in the run (1, then its last attempt + 1, retries and goto loops alike): else PA002. '
  'Idempotent: while that attempt is still running, calling again returns the same step_run id. '
  'PA030 when the run is not running or has had 1,000 attempts, PA010 when the step is not the run''s job''s.';
REVOKE ALL ON FUNCTION pgautomator.begin_step(bigint, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.begin_step(bigint, bigint, int) TO pgautomator_agent;

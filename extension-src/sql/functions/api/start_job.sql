CREATE OR REPLACE FUNCTION pgautomator.start_job(job text, at_step text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  -- Now, by the database clock: a run is never queued for later (the body is _start_job).
  RETURN pgautomator._start_job(start_job.job, start_job.at_step, now());
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.start_job(text, text) IS
  'Starts job now (queues a run with trigger manual, requested_by the caller) at its first step, or at the step named or numbered at_step. '
  'The overlap policy applies, except that a manual start is never skipped silently: PA030 when the policy is skip and a run is active '
  '(or queue_one and one is waiting). Disabled jobs can be started by hand. Returns the run id.';
REVOKE ALL ON FUNCTION pgautomator.start_job(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.start_job(text, text) TO pgautomator_operator;

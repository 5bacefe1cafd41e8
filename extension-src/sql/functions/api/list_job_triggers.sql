CREATE OR REPLACE FUNCTION pgautomator.list_job_triggers(job text DEFAULT NULL)
RETURNS SETOF pgautomator.job_triggers
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF list_job_triggers.job IS NOT NULL THEN
    PERFORM pgautomator._job_id(list_job_triggers.job);
  END IF;
  RETURN QUERY SELECT v.* FROM pgautomator.job_triggers v
                WHERE list_job_triggers.job IS NULL OR v.job = list_job_triggers.job OR v.after = list_job_triggers.job
                ORDER BY v.after, v.job;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_job_triggers(text) IS
$c$Lists the dependencies between jobs (rows of the job_triggers view), by upstream then downstream job.
Arguments: job: only the triggers that start this job or are started by its end (default: all).
Errors: PA010 no such job; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_job_triggers(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_job_triggers(text) TO pgautomator_viewer;

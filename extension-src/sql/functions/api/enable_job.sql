CREATE OR REPLACE FUNCTION pgautomator.enable_job(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  jid := pgautomator._job_id(enable_job.name, true);
  UPDATE pgautomator.job x
     SET enabled = true, paused_reason = NULL, updated_at = now()
   WHERE x.id = jid AND NOT x.enabled;
  -- Only a real change recomputes: a fire already due (waiting for an agent) stays due.
  IF FOUND THEN
    PERFORM pgautomator._refresh_next_fires(job_id => jid);
  END IF;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.enable_job(text) IS
$c$Enables (resumes) a job: its schedules fire it again from now on; fires missed while it was disabled are not caught up. Enabling an enabled job changes nothing.
Arguments: name, the job.
Errors: PA010 no such job; PA040 caller is not pgautomator_operator (or admin).$c$;
REVOKE ALL ON FUNCTION pgautomator.enable_job(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.enable_job(text) TO pgautomator_operator;

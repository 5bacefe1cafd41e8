CREATE OR REPLACE FUNCTION pgautomator.disable_job(name text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  was boolean;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  jid := pgautomator._job_id(disable_job.name, true);
  SELECT x.enabled INTO was FROM pgautomator.job x WHERE x.id = jid;
  UPDATE pgautomator.job x
     SET enabled = false, paused_reason = coalesce(disable_job.reason, CASE WHEN NOT was THEN x.paused_reason END), updated_at = now()
   WHERE x.id = jid;
  IF was THEN
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
COMMENT ON FUNCTION pgautomator.disable_job(text, text) IS
$c$Disables (pauses) a job: no schedule fires it until enable_job. Manual starts (start_job) still work; runs already queued or running are not touched.
Arguments: name, the job; reason, why (shown in the jobs view as paused_reason).
Errors: PA010 no such job; PA040 caller is not pgautomator_operator (or admin).$c$;
REVOKE ALL ON FUNCTION pgautomator.disable_job(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.disable_job(text, text) TO pgautomator_operator;

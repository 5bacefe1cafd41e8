CREATE OR REPLACE FUNCTION pgautomator.remove_job_trigger(job text, after text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  uid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(remove_job_trigger.job);
  uid := pgautomator._job_id(remove_job_trigger.after);
  DELETE FROM pgautomator.job_trigger t WHERE t.job_id = jid AND t.after_job_id = uid;
  IF NOT FOUND THEN
    PERFORM pgautomator._raise('PA010', format('job %L has no trigger after job %L', remove_job_trigger.job, remove_job_trigger.after),
      'field: after', 'SELECT * FROM pgautomator.list_job_triggers(); lists the triggers.');
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
COMMENT ON FUNCTION pgautomator.remove_job_trigger(text, text) IS
$c$Removes the trigger that starts job `job` after job `after`. Starts already due (an upstream run that ended, with a delay not yet passed) still happen.
Arguments: job, the downstream job; after, the upstream job.
Errors: PA010 no such job or trigger; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.remove_job_trigger(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.remove_job_trigger(text, text) TO pgautomator_admin;

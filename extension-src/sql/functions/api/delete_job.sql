CREATE OR REPLACE FUNCTION pgautomator.delete_job(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid     bigint;
  running bigint[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(delete_job.name, true);
  running := ARRAY(SELECT r.id FROM pgautomator.job_run r WHERE r.job_id = jid AND r.state = 'running' ORDER BY r.id);
  IF cardinality(running) > 0 THEN
    PERFORM pgautomator._raise('PA021',
      format('job %L is running (run %s)', delete_job.name, array_to_string(running, ', ')),
      'field: name',
      format('Wait for the run to finish, or kill it (SELECT pgautomator.kill_run(%s);), then delete the job.', running[1]));
  END IF;
  -- Steps, schedule links, queued runs and the job's history go with it (ON DELETE CASCADE).
  DELETE FROM pgautomator.job x WHERE x.id = jid;
  PERFORM pgautomator._notify('schedule_changed');
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.delete_job(text) IS
$c$Deletes a job with its steps, schedule links, queued runs and run history. The schedules themselves stay.
Arguments: name.
Errors: PA010 no such job; PA021 a run of the job is running (kill it with kill_run or wait); PA040 caller is not pgautomator_admin.
To keep the job and its history but stop it firing, use disable_job instead.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_job(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_job(text) TO pgautomator_admin;

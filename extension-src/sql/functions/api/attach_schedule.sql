CREATE OR REPLACE FUNCTION pgautomator.attach_schedule(job text, schedule text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  sid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(attach_schedule.job, true);
  sid := pgautomator._schedule_id(attach_schedule.schedule);
  IF EXISTS (SELECT 1 FROM pgautomator.job_schedule js WHERE js.job_id = jid AND js.schedule_id = sid) THEN
    PERFORM pgautomator._raise('PA020',
      format('schedule %L is already attached to job %L', attach_schedule.schedule, attach_schedule.job), 'field: schedule',
      'SELECT pgautomator.get_job(' || quote_literal(attach_schedule.job) || ') -> ''schedules''; lists what is attached.');
  END IF;
  BEGIN
    INSERT INTO pgautomator.job_schedule (job_id, schedule_id) VALUES (jid, sid);
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020',
      format('schedule %L is already attached to job %L', attach_schedule.schedule, attach_schedule.job), 'field: schedule',
      'Another session attached it a moment ago.');
  END;
  PERFORM pgautomator._refresh_next_fires(job_id => jid, schedule_id => sid);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.attach_schedule(text, text) IS
$c$Makes a schedule fire a job, from now on (the first fire is the schedule's next fire after now, when both are enabled). A job can have any number of schedules, and a schedule can fire any number of jobs.
Arguments: job, the job's name; schedule, the schedule's name.
Errors: PA010 no such job or schedule; PA020 already attached; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.attach_schedule('backup', 'nightly');$c$;
REVOKE ALL ON FUNCTION pgautomator.attach_schedule(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.attach_schedule(text, text) TO pgautomator_admin;

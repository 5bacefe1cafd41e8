CREATE OR REPLACE FUNCTION pgautomator.detach_schedule(job text, schedule text)
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
  jid := pgautomator._job_id(detach_schedule.job, true);
  sid := pgautomator._schedule_id(detach_schedule.schedule);
  DELETE FROM pgautomator.job_schedule js WHERE js.job_id = jid AND js.schedule_id = sid;
  IF NOT FOUND THEN
    PERFORM pgautomator._raise('PA010',
      format('schedule %L is not attached to job %L', detach_schedule.schedule, detach_schedule.job), 'field: schedule',
      'SELECT pgautomator.get_job(' || quote_literal(detach_schedule.job) || ') -> ''schedules''; lists what is attached.');
  END IF;
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
COMMENT ON FUNCTION pgautomator.detach_schedule(text, text) IS
$c$Stops a schedule firing a job. Runs it already queued are not touched; both the job and the schedule stay.
Arguments: job, the job's name; schedule, the schedule's name.
Errors: PA010 no such job or schedule, or the schedule is not attached to the job; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.detach_schedule(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.detach_schedule(text, text) TO pgautomator_admin;

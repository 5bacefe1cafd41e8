CREATE OR REPLACE FUNCTION pgautomator.delete_schedule(name text, force boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid  bigint;
  jobs text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  sid := pgautomator._schedule_id(delete_schedule.name, true);
  jobs := ARRAY(SELECT j.name FROM pgautomator.job_schedule js JOIN pgautomator.job j ON j.id = js.job_id
                 WHERE js.schedule_id = sid ORDER BY j.name);
  IF cardinality(jobs) > 0 AND NOT coalesce(delete_schedule.force, false) THEN
    PERFORM pgautomator._raise('PA021',
      format('schedule %L is attached to %s job(s): %s', delete_schedule.name, cardinality(jobs), array_to_string(jobs, ', ')),
      'field: name',
      format('Detach it first (SELECT pgautomator.detach_schedule(%L, %L);), or delete it anyway with force => true.', jobs[1], delete_schedule.name));
  END IF;
  -- job_schedule rows go with it (ON DELETE CASCADE); past runs keep their history: job_run.schedule_id is a soft reference (ids are never reused), so the views show their schedule as NULL.
  DELETE FROM pgautomator.schedule s WHERE s.id = sid;
  IF cardinality(jobs) > 0 THEN
    PERFORM pgautomator._notify('schedule_changed');
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
COMMENT ON FUNCTION pgautomator.delete_schedule(text, boolean) IS
$c$Deletes a schedule.
Arguments: name; force (default false): also when jobs are attached, which then simply lose this schedule. Past runs stay in the history (their schedule reads NULL).
Errors: PA010 no such schedule; PA021 jobs are attached and force is false (the message lists them); PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_schedule(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_schedule(text, boolean) TO pgautomator_admin;

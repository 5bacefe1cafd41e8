CREATE OR REPLACE FUNCTION pgautomator.get_schedule(name text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  sid := pgautomator._schedule_id(get_schedule.name);
  RETURN jsonb_build_object(
    'schedule', (SELECT to_jsonb(v) FROM pgautomator.schedules v WHERE v.id = sid),
    'jobs', coalesce((
      SELECT jsonb_agg(jsonb_build_object('job', j.name, 'enabled', j.enabled, 'next_fire_at', js.next_fire_at,
                                          'last_fire_at', js.last_fire_at, 'attached_at', js.created_at)
             ORDER BY j.name)
        FROM pgautomator.job_schedule js
        JOIN pgautomator.job j ON j.id = js.job_id
       WHERE js.schedule_id = sid), '[]'));
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.get_schedule(text) IS
$c$One schedule as JSON: {"schedule": the schedules view row (spec with its exceptions, next_fire_at...), "jobs": [{job, enabled, next_fire_at, last_fire_at, attached_at}]}. To see its next fires on a calendar, pass its spec to schedule_preview.
Arguments: name, the schedule's name.
Errors: PA010 no such schedule; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.get_schedule(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.get_schedule(text) TO pgautomator_viewer;

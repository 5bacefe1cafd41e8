CREATE OR REPLACE FUNCTION pgautomator.enable_schedule(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  sid := pgautomator._schedule_id(enable_schedule.name, true);
  UPDATE pgautomator.schedule s
     SET enabled = true, paused_reason = NULL, updated_at = now()
   WHERE s.id = sid AND NOT s.enabled;
  -- Only a real change recomputes: a fire already due (waiting for an agent) stays due.
  IF FOUND THEN
    PERFORM pgautomator._refresh_next_fires(schedule_id => sid);
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
COMMENT ON FUNCTION pgautomator.enable_schedule(text) IS
$c$Enables (resumes) a schedule: attached enabled jobs fire again from now on; fires missed while it was disabled are not caught up. Enabling an enabled schedule changes nothing.
Arguments: name, the schedule.
Errors: PA010 no such schedule; PA040 caller is not pgautomator_operator (or admin).$c$;
REVOKE ALL ON FUNCTION pgautomator.enable_schedule(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.enable_schedule(text) TO pgautomator_operator;

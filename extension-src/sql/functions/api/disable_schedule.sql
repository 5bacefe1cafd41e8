CREATE OR REPLACE FUNCTION pgautomator.disable_schedule(name text, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid bigint;
  was boolean;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  sid := pgautomator._schedule_id(disable_schedule.name, true);
  SELECT s.enabled INTO was FROM pgautomator.schedule s WHERE s.id = sid;
  UPDATE pgautomator.schedule s
     SET enabled = false, paused_reason = coalesce(disable_schedule.reason, CASE WHEN NOT was THEN s.paused_reason END), updated_at = now()
   WHERE s.id = sid;
  IF was THEN
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
COMMENT ON FUNCTION pgautomator.disable_schedule(text, text) IS
$c$Disables (pauses) a schedule: it fires no job until enable_schedule. Runs already queued or running are not touched.
Arguments: name, the schedule; reason, why (shown in the schedules view as paused_reason).
Errors: PA010 no such schedule; PA040 caller is not pgautomator_operator (or admin).$c$;
REVOKE ALL ON FUNCTION pgautomator.disable_schedule(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.disable_schedule(text, text) TO pgautomator_operator;

CREATE OR REPLACE FUNCTION pgautomator.list_running()
RETURNS SETOF pgautomator.running
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  RETURN QUERY SELECT v.* FROM pgautomator.running v ORDER BY v.state DESC, v.started_at, v.scheduled_for, v.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_running() IS
$c$Runs not finished yet (rows of the running view): running ones first, oldest first, with the step each is on, then queued ones. Kill one with kill_run(id); follow a step's output with step_output(step_run_id).
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_running() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_running() TO pgautomator_viewer;

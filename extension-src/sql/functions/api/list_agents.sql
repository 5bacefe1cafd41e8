CREATE OR REPLACE FUNCTION pgautomator.list_agents()
RETURNS SETOF pgautomator.agents
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  RETURN QUERY SELECT v.* FROM pgautomator.agents v ORDER BY v.name;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_agents() IS
$c$Lists the agents (rows of the agents view): host, version, tags, state, online (heartbeat within three intervals), what each runs now, and its SMTP settings.
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_agents() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_agents() TO pgautomator_viewer;

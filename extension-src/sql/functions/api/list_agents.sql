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
END
$$;
COMMENT ON FUNCTION pgautomator.list_agents() IS
$c$Lists the agents (rows of the agents view): host, version, tags, state, online (heartbeat within three intervals), what each runs now, and its SMTP settings.
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_agents() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_agents() TO pgautomator_viewer;

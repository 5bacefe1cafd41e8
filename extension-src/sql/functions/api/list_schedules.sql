CREATE OR REPLACE FUNCTION pgautomator.list_schedules()
RETURNS SETOF pgautomator.schedules
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  RETURN QUERY SELECT v.* FROM pgautomator.schedules v ORDER BY v.name;
END
$$;
COMMENT ON FUNCTION pgautomator.list_schedules() IS
$c$Lists the schedules (rows of the schedules view: type, spec, enabled, time zone, attached jobs, next fire), by name.
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_schedules() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_schedules() TO pgautomator_viewer;

CREATE OR REPLACE FUNCTION pgautomator.list_operators()
RETURNS SETOF pgautomator.operators
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  RETURN QUERY SELECT v.* FROM pgautomator.operators v ORDER BY v.name;
END
$$;
COMMENT ON FUNCTION pgautomator.list_operators() IS
$c$Lists the operators (named mail recipients) with their addresses.
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_operators() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_operators() TO pgautomator_viewer;

CREATE OR REPLACE FUNCTION pgautomator.list_categories()
RETURNS SETOF pgautomator.categories
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  RETURN QUERY SELECT v.* FROM pgautomator.categories v ORDER BY v.name;
END
$$;
COMMENT ON FUNCTION pgautomator.list_categories() IS
$c$Lists the job categories with the number of jobs in each.
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_categories() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_categories() TO pgautomator_viewer;

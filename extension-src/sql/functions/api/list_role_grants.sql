CREATE OR REPLACE FUNCTION pgautomator.list_role_grants()
RETURNS TABLE (role_name name, access text, can_login boolean)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  RETURN QUERY
    SELECT r.rolname, substr(g.rolname, length('pgautomator_') + 1), r.rolcanlogin
      FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
      JOIN pg_catalog.pg_roles r ON r.oid = m.member
     WHERE g.rolname IN ('pgautomator_admin', 'pgautomator_operator', 'pgautomator_viewer', 'pgautomator_agent')
       AND r.rolname NOT LIKE 'pgautomator\_%'
     ORDER BY r.rolname, 2;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_role_grants() IS
$c$Lists who has access to pgAutomator: one row per role and access granted to it directly (grant_role), with whether the role can log in. admin includes operator includes viewer.
Errors: PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.list_role_grants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_role_grants() TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.revoke_role(role_name name, access text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  group_role name;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_one_of(revoke_role.access, ARRAY['admin', 'operator', 'viewer', 'agent'], 'access', 'access');
  group_role := ('pgautomator_' || revoke_role.access)::name;
  IF revoke_role.role_name IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = revoke_role.role_name) THEN
    PERFORM pgautomator._raise('PA010', format('role %s does not exist', coalesce(quote_ident(revoke_role.role_name), 'NULL')), 'field: role_name',
      'SELECT * FROM pgautomator.list_role_grants(); lists who has which access.');
  END IF;
  IF revoke_role.role_name LIKE 'pgautomator\_%' THEN
    PERFORM pgautomator._raise('PA002', format('revoke_role is for login roles, not %s', quote_ident(revoke_role.role_name)), 'field: role_name',
      'The pgautomator_* group roles nest by design; revoke access from the roles people or agents log in with.');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                   JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   JOIN pg_catalog.pg_roles r ON r.oid = m.member
                  WHERE g.rolname = group_role AND r.rolname = revoke_role.role_name) THEN
    RETURN;  -- nothing to revoke (access inherited through another group stays; see list_role_grants)
  END IF;
  EXECUTE format('REVOKE %I FROM %I', group_role, revoke_role.role_name);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.revoke_role(name, text) IS
$c$Takes pgautomator_<access> away from a role. Revoking what was not granted changes nothing; access the role holds through another grant (e.g. admin, which includes viewer) stays.
Arguments: role_name, the role; access: admin, operator, viewer or agent.
Errors: PA002 unknown access, or role_name is a pgautomator_* group; PA010 no such role; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.revoke_role(name, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.revoke_role(name, text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.grant_role(role_name name, access text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  group_role name;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_one_of(grant_role.access, ARRAY['admin', 'operator', 'viewer', 'agent'], 'access', 'access');
  group_role := ('pgautomator_' || grant_role.access)::name;
  IF grant_role.role_name IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = grant_role.role_name) THEN
    PERFORM pgautomator._raise('PA010', format('role %s does not exist', coalesce(quote_ident(grant_role.role_name), 'NULL')), 'field: role_name',
      format('Create the login role first: CREATE ROLE %s LOGIN PASSWORD ''...'';', coalesce(quote_ident(grant_role.role_name), 'alice')));
  END IF;
  -- The group roles nest (viewer in operator in admin); granting one to another would break that,
  -- and the predefined pg_* roles are not people.
  IF grant_role.role_name LIKE 'pgautomator\_%' OR grant_role.role_name LIKE 'pg\_%' THEN
    PERFORM pgautomator._raise('PA002', format('grant_role is for login roles, not %s', quote_ident(grant_role.role_name)), 'field: role_name',
      'Grant access to the roles people or agents log in with.');
  END IF;
  -- The owner (the installing superuser) grants; names are quoted by format('%I').
  EXECUTE format('GRANT %I TO %I', group_role, grant_role.role_name);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.grant_role(name, text) IS
$c$Gives a database role access to pgAutomator by making it a member of pgautomator_<access>. Granting again changes nothing.
Arguments: role_name, an existing (login) role; access: viewer (read everything through the API), operator (viewer, plus start, kill, enable and disable jobs and schedules), admin (operator, plus create, change and delete every object, and grant access), or agent (the agent protocol only).
Errors: PA002 unknown access, or role_name is a pgautomator_* group or a predefined pg_* role; PA010 no such role; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.grant_role('alice', 'operator');$c$;
REVOKE ALL ON FUNCTION pgautomator.grant_role(name, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.grant_role(name, text) TO pgautomator_admin;

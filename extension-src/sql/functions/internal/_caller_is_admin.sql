-- PL/pgSQL, not SQL, for the reason given in _caller.sql: the plan is kept.
CREATE OR REPLACE FUNCTION pgautomator._caller_is_admin() RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller name := pgautomator._caller();
BEGIN
  -- Superusers (the installing DBA) and members of pgautomator_admin may act for any agent.
  RETURN coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = caller), false)
      OR pg_catalog.pg_has_role(caller, 'pgautomator_admin', 'MEMBER');
END
$$;
COMMENT ON FUNCTION pgautomator._caller_is_admin() IS 'True when the caller (see _caller) is a superuser or a member of pgautomator_admin.';
REVOKE ALL ON FUNCTION pgautomator._caller_is_admin() FROM PUBLIC;

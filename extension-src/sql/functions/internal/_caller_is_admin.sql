CREATE OR REPLACE FUNCTION pgautomator._caller_is_admin() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- Superusers (the installing DBA) and members of pgautomator_admin may act for any agent.
  SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = pgautomator._caller()), false)
      OR pg_catalog.pg_has_role(pgautomator._caller(), 'pgautomator_admin', 'MEMBER')
$$;
COMMENT ON FUNCTION pgautomator._caller_is_admin() IS 'True when the caller (see _caller) is a superuser or a member of pgautomator_admin.';
REVOKE ALL ON FUNCTION pgautomator._caller_is_admin() FROM PUBLIC;

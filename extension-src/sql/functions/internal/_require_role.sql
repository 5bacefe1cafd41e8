CREATE OR REPLACE FUNCTION pgautomator._require_role(role name) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  caller name := pgautomator._caller();
BEGIN
  -- Superusers (the installing DBA) may do everything: PostgreSQL counts them members of every role.
  IF NOT pg_has_role(caller, role, 'MEMBER') THEN
    PERFORM pgautomator._raise('PA040',
      format('permission denied: %s is not a member of %s', caller, role),
      format('caller: %s, required role: %s', caller, role),
      format('An admin can run: SELECT pgautomator.grant_role(%L, %L);', caller, role));
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._require_role(name) IS 'Raises PA040 unless the caller is a member of the role (or a superuser).';

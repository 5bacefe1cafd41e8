-- Inside a SECURITY DEFINER function current_user is the owner, but the `role` setting still
-- holds what the caller SET ROLE to; without SET ROLE the caller is the session user.
CREATE OR REPLACE FUNCTION pgautomator._caller() RETURNS name
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN current_setting('role') IN ('none', '') THEN session_user
              ELSE current_setting('role')::name END
$$;
COMMENT ON FUNCTION pgautomator._caller() IS 'The role on whose behalf an API function runs (the SET ROLE role, else the session user), also inside SECURITY DEFINER functions.';

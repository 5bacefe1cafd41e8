-- Inside a SECURITY DEFINER function current_user is the owner, but the `role` setting still
-- holds what the caller SET ROLE to; without SET ROLE the caller is the session user.
-- PL/pgSQL, not SQL: a SQL function with a SET clause is never inlined, and its body is parsed and
-- planned again in every transaction and subtransaction that calls it (measured: 2.5 times per run
-- of the agent protocol); PL/pgSQL keeps the plan of its one expression.
CREATE OR REPLACE FUNCTION pgautomator._caller() RETURNS name
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE WHEN current_setting('role') IN ('none', '') THEN session_user
              ELSE current_setting('role')::name END;
END
$$;
COMMENT ON FUNCTION pgautomator._caller() IS 'The role on whose behalf an API function runs (the SET ROLE role, else the session user), also inside SECURITY DEFINER functions.';

CREATE OR REPLACE FUNCTION pgautomator._check_agent_role(agent_name text, db_role name) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- Only the role that registered an agent name (or an admin) may act under it: one agent's
  -- credentials must not be able to claim, finish or kill the runs of another.
  IF db_role IS DISTINCT FROM pgautomator._caller() AND NOT pgautomator._caller_is_admin() THEN
    PERFORM pgautomator._raise('PA040',
      format('permission denied: agent %L belongs to role %s, not to %s', agent_name, db_role, pgautomator._caller()),
      'field: name',
      'Connect as the role that registered the agent, or register the agent under another name.');
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_agent_role(text, name) IS 'Raises PA040 unless the caller is db_role (the role that registered the agent agent_name), an admin or a superuser.';
REVOKE ALL ON FUNCTION pgautomator._check_agent_role(text, name) FROM PUBLIC;

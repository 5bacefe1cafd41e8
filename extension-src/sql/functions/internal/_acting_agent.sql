CREATE OR REPLACE FUNCTION pgautomator._acting_agent(agent_name text, for_update boolean DEFAULT false)
RETURNS pgautomator.agent
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found pgautomator.agent;
BEGIN
  IF for_update THEN
    SELECT a.* INTO found FROM pgautomator.agent a WHERE a.name = agent_name FOR UPDATE;
  ELSE
    SELECT a.* INTO found FROM pgautomator.agent a WHERE a.name = agent_name;
  END IF;
  IF found.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('agent %L is not registered', agent_name), 'field: name',
      'The agent registers itself with pgautomator.register_agent(name, ...) when it starts.');
  END IF;
  PERFORM pgautomator._check_agent_role(found.name, found.db_role);
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._acting_agent(text, boolean) IS 'The agent row named agent_name (optionally locked), after checking that the caller may act as it: PA010 when unknown, PA040 when it belongs to another role.';
REVOKE ALL ON FUNCTION pgautomator._acting_agent(text, boolean) FROM PUBLIC;

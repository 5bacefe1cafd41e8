CREATE OR REPLACE FUNCTION pgautomator._agent_id(agent text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT t.id INTO found FROM pgautomator.agent t WHERE t.name = agent FOR UPDATE;
  ELSE
    SELECT t.id INTO found FROM pgautomator.agent t WHERE t.name = agent;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('agent %L does not exist', agent), 'field: agent',
      'Agents register themselves when they first start (pgautomator agent); start the agent once, or leave agent NULL and pick agents with agent_tags. SELECT name FROM pgautomator.list_agents(); lists the registered ones.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._agent_id(text, boolean) IS 'The id of the agent named agent (optionally locked), or PA010.';

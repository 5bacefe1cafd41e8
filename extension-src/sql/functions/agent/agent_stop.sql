CREATE OR REPLACE FUNCTION pgautomator.agent_stop(name text, drain boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _agent_stop, which tests call with another).
  PERFORM pgautomator._agent_stop(agent_stop.name, agent_stop.drain, now());
END
$$;
COMMENT ON FUNCTION pgautomator.agent_stop(text, boolean) IS
  'Agent protocol: the agent stops. drain: state draining (it finishes its runs and claims nothing more); else offline, and runs it '
  'still had running are recorded abandoned (retried per the job''s on_abandon).';
REVOKE ALL ON FUNCTION pgautomator.agent_stop(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.agent_stop(text, boolean) TO pgautomator_agent;

CREATE OR REPLACE FUNCTION pgautomator.register_agent(
  name               text,
  host               text DEFAULT NULL,
  os                 text DEFAULT NULL,
  version            text DEFAULT NULL,
  tags               text[] DEFAULT '{}',
  max_concurrent     int DEFAULT 4,
  heartbeat_interval interval DEFAULT '10 seconds',
  resume_runs        bigint[] DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _register_agent, which tests call with another).
  RETURN pgautomator._register_agent(register_agent.name, register_agent.host, register_agent.os, register_agent.version, register_agent.tags,
    register_agent.max_concurrent, register_agent.heartbeat_interval, register_agent.resume_runs, now());
END
$$;
COMMENT ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[]) IS
  'Agent protocol: an agent starts. Creates or updates the agent named name (state online, owned by the calling role; a name '
  'registered by another role is PA040). Runs still running on this agent and not listed in resume_runs are recorded abandoned. '
  'Returns {"agent_id", "heartbeat_interval" (s), "dead_after" (s), "smtp": {...} or null, "abandoned": how many runs, '
  '"kill": ids of resume_runs no longer running on this agent, which it must stop}.';
REVOKE ALL ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[]) TO pgautomator_agent;

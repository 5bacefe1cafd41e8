CREATE OR REPLACE FUNCTION pgautomator.register_agent(
  name               text,
  host               text DEFAULT NULL,
  os                 text DEFAULT NULL,
  version            text DEFAULT NULL,
  tags               text[] DEFAULT '{}',
  max_concurrent     int DEFAULT 4,
  heartbeat_interval interval DEFAULT '10 seconds',
  resume_runs        bigint[] DEFAULT '{}',
  at                 timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a         pgautomator.agent;
  lost      bigint[] := '{}';
  gone      bigint[] := '{}';
  abandoned int := 0;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF register_agent.name IS NULL OR register_agent.name !~ '^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,62}$' THEN
    PERFORM pgautomator._raise('PA002', format('agent name %L is not allowed: 1 to 63 characters, letters, digits and _ . @ : -, starting with a letter or digit', register_agent.name),
      'field: name', 'Use the host name, or set the agent''s name in its configuration.');
  END IF;
  IF register_agent.max_concurrent IS NULL OR register_agent.max_concurrent NOT BETWEEN 1 AND 10000 THEN
    PERFORM pgautomator._raise('PA002', format('max_concurrent must be 1..10000, got %s', coalesce(register_agent.max_concurrent::text, 'NULL')),
      'field: max_concurrent', 'Pass how many runs the agent executes at once.');
  END IF;
  IF register_agent.heartbeat_interval IS NULL OR register_agent.heartbeat_interval NOT BETWEEN interval '1 second' AND interval '1 hour' THEN
    PERFORM pgautomator._raise('PA002', format('heartbeat_interval must be between 1 second and 1 hour, got %s', coalesce(register_agent.heartbeat_interval::text, 'NULL')),
      'field: heartbeat_interval', 'Pass an interval such as ''10 seconds''.');
  END IF;

  INSERT INTO pgautomator.agent AS x (name, db_role, host, os, version, tags, max_concurrent, heartbeat_interval,
                                       state, started_at, last_heartbeat_at, stopped_at)
  VALUES (register_agent.name, pgautomator._caller(), register_agent.host, register_agent.os, register_agent.version,
          coalesce(register_agent.tags, '{}'), register_agent.max_concurrent, register_agent.heartbeat_interval,
          'online', register_agent.at, register_agent.at, NULL)
  ON CONFLICT ON CONSTRAINT agent_name_key DO NOTHING
  RETURNING x.* INTO a;

  IF a.id IS NULL THEN
    -- Known name: only its role (or an admin, who leaves the owner as it is) may take it over.
    a := pgautomator._acting_agent(register_agent.name, true);
    UPDATE pgautomator.agent x
       SET host = register_agent.host, os = register_agent.os, version = register_agent.version,
           tags = coalesce(register_agent.tags, '{}'), max_concurrent = register_agent.max_concurrent,
           heartbeat_interval = register_agent.heartbeat_interval, state = 'online',
           started_at = register_agent.at, last_heartbeat_at = register_agent.at, stopped_at = NULL
     WHERE x.id = a.id
    RETURNING x.* INTO a;
    -- The agent restarted: runs it does not resume are lost with its old process.
    lost := ARRAY(SELECT r.id FROM pgautomator.job_run r
                   WHERE r.agent_id = a.id AND r.state = 'running'
                     AND r.id <> ALL (coalesce(register_agent.resume_runs, '{}')));
    abandoned := pgautomator._abandon_runs(lost,
      format('agent %s restarted (registered again at %s) without this run', a.name, register_agent.at), register_agent.at);
  END IF;
  -- Runs it offers to resume that are no longer running on it (finished, abandoned, reaped
  -- meanwhile): it must stop them.
  gone := ARRAY(SELECT u.id FROM unnest(coalesce(register_agent.resume_runs, '{}')) AS u(id)
                 WHERE NOT EXISTS (SELECT 1 FROM pgautomator.job_run r
                                    WHERE r.id = u.id AND r.agent_id = a.id AND r.state = 'running'));

  PERFORM pgautomator._notify('agent_online', jsonb_build_object('agent', a.name));
  RETURN jsonb_build_object(
    'agent_id', a.id,
    'heartbeat_interval', extract(epoch FROM a.heartbeat_interval)::float8,
    'dead_after', extract(epoch FROM 3 * a.heartbeat_interval)::float8,
    'smtp', pgautomator._agent_smtp(a),
    'abandoned', abandoned,
    'kill', to_jsonb(gone));
END
$$;
COMMENT ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[], timestamptz) IS
  'Agent protocol: an agent starts. Creates or updates the agent named name (state online, owned by the calling role; a name '
  'registered by another role is PA040). Runs still running on this agent and not listed in resume_runs are recorded abandoned. '
  'Returns {"agent_id", "heartbeat_interval" (s), "dead_after" (s), "smtp": {...} or null, "abandoned": how many runs, '
  '"kill": ids of resume_runs no longer running on this agent, which it must stop}.';
REVOKE ALL ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[], timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.register_agent(text, text, text, text, text[], int, interval, bigint[], timestamptz) TO pgautomator_agent;

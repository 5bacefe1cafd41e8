CREATE OR REPLACE FUNCTION pgautomator._register_agent(
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
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of register_agent (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a         pgautomator.agent;
  lost      bigint[] := '{}';
  gone      bigint[] := '{}';
  abandoned int := 0;
  resumed   bigint[] := '{}';
BEGIN
  IF _register_agent.name IS NULL OR _register_agent.name !~ '^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,62}$' THEN
    PERFORM pgautomator._raise('PA002', format('agent name %L is not allowed: 1 to 63 characters, letters, digits and _ . @ : -, starting with a letter or digit', _register_agent.name),
      'field: name', 'Use the host name, or set the agent''s name in its configuration.');
  END IF;
  IF _register_agent.max_concurrent IS NULL OR _register_agent.max_concurrent NOT BETWEEN 1 AND 10000 THEN
    PERFORM pgautomator._raise('PA002', format('max_concurrent must be 1..10000, got %s', coalesce(_register_agent.max_concurrent::text, 'NULL')),
      'field: max_concurrent', 'Pass how many runs the agent executes at once.');
  END IF;
  IF _register_agent.heartbeat_interval IS NULL OR _register_agent.heartbeat_interval NOT BETWEEN interval '1 second' AND interval '1 hour' THEN
    PERFORM pgautomator._raise('PA002', format('heartbeat_interval must be between 1 second and 1 hour, got %s', coalesce(_register_agent.heartbeat_interval::text, 'NULL')),
      'field: heartbeat_interval', 'Pass an interval such as ''10 seconds''.');
  END IF;

  -- Everyone silent until now (this agent included, as it was): the database's outage, not the
  -- agents' deaths (see _note_contact).
  PERFORM pgautomator._note_contact(NULL, _register_agent.at);
  INSERT INTO pgautomator.agent AS x (name, db_role, host, os, version, tags, max_concurrent, heartbeat_interval,
                                       state, started_at, last_heartbeat_at, stopped_at)
  VALUES (_register_agent.name, pgautomator._caller(), _register_agent.host, _register_agent.os, _register_agent.version,
          coalesce(_register_agent.tags, '{}'), _register_agent.max_concurrent, _register_agent.heartbeat_interval,
          'online', _register_agent.at, _register_agent.at, NULL)
  ON CONFLICT ON CONSTRAINT agent_name_key DO NOTHING
  RETURNING x.* INTO a;

  IF a.id IS NULL THEN
    -- Known name: only its role (or an admin, who leaves the owner as it is) may take it over.
    a := pgautomator._acting_agent(_register_agent.name, true);
    UPDATE pgautomator.agent x
       SET host = _register_agent.host, os = _register_agent.os, version = _register_agent.version,
           tags = coalesce(_register_agent.tags, '{}'), max_concurrent = _register_agent.max_concurrent,
           heartbeat_interval = _register_agent.heartbeat_interval, state = 'online',
           started_at = _register_agent.at, last_heartbeat_at = _register_agent.at, stopped_at = NULL
     WHERE x.id = a.id
    RETURNING x.* INTO a;
    -- The agent restarted: runs it does not resume are lost with its old process.
    lost := ARRAY(SELECT r.id FROM pgautomator.job_run r
                   WHERE r.agent_id = a.id AND r.state = 'running'
                     AND r.id <> ALL (coalesce(_register_agent.resume_runs, '{}')));
    abandoned := pgautomator._abandon_runs(lost,
      format('agent %s restarted (registered again at %s) without this run', a.name, _register_agent.at), _register_agent.at);
  END IF;
  -- Runs it offers to resume that are no longer running on it (finished, abandoned, reaped
  -- meanwhile): it must stop them.
  gone := ARRAY(SELECT u.id FROM unnest(coalesce(_register_agent.resume_runs, '{}')) AS u(id)
                 WHERE NOT EXISTS (SELECT 1 FROM pgautomator.job_run r
                                    WHERE r.id = u.id AND r.agent_id = a.id AND r.state = 'running'));

  -- The runs it resumes, as claim_runs handed them out (nothing begun: the agent continues each from
  -- what its spool holds), in the order of resume_runs.
  resumed := ARRAY(SELECT u.id FROM unnest(coalesce(_register_agent.resume_runs, '{}')) WITH ORDINALITY AS u(id, ord)
                    WHERE u.id <> ALL (gone)
                    ORDER BY u.ord);
  -- Runs of on_abandon = wait jobs that waited for it (_rescue_dead_agents): no longer waiting.
  UPDATE pgautomator.job_run r SET message = NULL
   WHERE r.id = ANY (resumed) AND r.state = 'running' AND r.message LIKE 'waiting for agent %';

  PERFORM pgautomator._notify('agent_online', jsonb_build_object('agent', a.name));
  RETURN jsonb_build_object(
    'agent_id', a.id,
    'heartbeat_interval', extract(epoch FROM a.heartbeat_interval)::float8,
    -- Liveness (docs/agent-protocol.md): the agent stops its own steps when it has not renewed its
    -- lease (a heartbeat answered) for lease seconds; the database rescues its runs after dead_after.
    'lease', extract(epoch FROM pgautomator._lease(a.heartbeat_interval))::float8,
    'dead_after', extract(epoch FROM pgautomator._dead_after(a.heartbeat_interval))::float8,
    'smtp', pgautomator._agent_smtp(a),
    'abandoned', abandoned,
    'kill', to_jsonb(gone),
    'resume', coalesce((SELECT jsonb_agg(p.x || '{"begun": null}'::jsonb ORDER BY p.ord)
                          FROM pgautomator._run_payloads(resumed) WITH ORDINALITY AS p(x, ord)), '[]'::jsonb));
END
$$;
COMMENT ON FUNCTION pgautomator._register_agent(text, text, text, text, text[], int, interval, bigint[], timestamptz) IS
  'The body of register_agent with the clock as an argument. Granted to nobody: register_agent passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._register_agent(text, text, text, text, text[], int, interval, bigint[], timestamptz) FROM PUBLIC;

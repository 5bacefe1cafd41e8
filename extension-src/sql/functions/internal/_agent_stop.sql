CREATE OR REPLACE FUNCTION pgautomator._agent_stop(name text, drain boolean DEFAULT false, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of its public wrapper (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a pgautomator.agent;
BEGIN
  a := pgautomator._acting_agent(_agent_stop.name, true);
  IF coalesce(_agent_stop.drain, false) THEN
    IF a.state = 'offline' THEN
      PERFORM pgautomator._raise('PA030', format('agent %L is offline; it cannot drain', a.name), 'field: name',
        'Register the agent again first, or stop it with drain => false.');
    END IF;
    UPDATE pgautomator.agent x SET state = 'draining', last_heartbeat_at = _agent_stop.at WHERE x.id = a.id;
    PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', a.name, 'reason', 'draining'));
    RETURN;
  END IF;
  UPDATE pgautomator.agent x SET state = 'offline', stopped_at = _agent_stop.at WHERE x.id = a.id;
  -- Nothing will report runs it leaves behind: they are abandoned now, not after a timeout.
  PERFORM pgautomator._abandon_runs(
    ARRAY(SELECT r.id FROM pgautomator.job_run r WHERE r.agent_id = a.id AND r.state = 'running'),
    format('agent %s stopped at %s while the run was running', a.name, _agent_stop.at), _agent_stop.at);
  PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', a.name, 'reason', 'stopped'));
END
$$;
COMMENT ON FUNCTION pgautomator._agent_stop(text, boolean, timestamptz) IS
  'The body of agent_stop with the clock as an argument. Granted to nobody: agent_stop passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._agent_stop(text, boolean, timestamptz) FROM PUBLIC;

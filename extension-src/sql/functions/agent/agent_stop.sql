CREATE OR REPLACE FUNCTION pgautomator.agent_stop(name text, drain boolean DEFAULT false, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a pgautomator.agent;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  a := pgautomator._acting_agent(agent_stop.name, true);
  IF coalesce(agent_stop.drain, false) THEN
    IF a.state = 'offline' THEN
      PERFORM pgautomator._raise('PA030', format('agent %L is offline; it cannot drain', a.name), 'field: name',
        'Register the agent again first, or stop it with drain => false.');
    END IF;
    UPDATE pgautomator.agent x SET state = 'draining', last_heartbeat_at = agent_stop.at WHERE x.id = a.id;
    PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', a.name, 'reason', 'draining'));
    RETURN;
  END IF;
  UPDATE pgautomator.agent x SET state = 'offline', stopped_at = agent_stop.at WHERE x.id = a.id;
  -- Nothing will report runs it leaves behind: they are abandoned now, not after a timeout.
  PERFORM pgautomator._abandon_runs(
    ARRAY(SELECT r.id FROM pgautomator.job_run r WHERE r.agent_id = a.id AND r.state = 'running'),
    format('agent %s stopped at %s while the run was running', a.name, agent_stop.at), agent_stop.at);
  PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', a.name, 'reason', 'stopped'));
END
$$;
COMMENT ON FUNCTION pgautomator.agent_stop(text, boolean, timestamptz) IS
  'Agent protocol: the agent stops. drain: state draining (it finishes its runs and claims nothing more); else offline, and runs it '
  'still had running are recorded abandoned (retried per the job''s on_abandon).';
REVOKE ALL ON FUNCTION pgautomator.agent_stop(text, boolean, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.agent_stop(text, boolean, timestamptz) TO pgautomator_agent;

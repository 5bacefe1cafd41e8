CREATE OR REPLACE FUNCTION pgautomator._rescue_dead_agents(at timestamptz DEFAULT now())
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  dead  record;
  total int := 0;
BEGIN
  -- The agent table is small (one row per host): this scan is the whole cost when nobody died.
  -- SKIP LOCKED: an agent whose row is busy (it is heartbeating right now) is not dead, and two
  -- rescuers never process the same agent.
  FOR dead IN
    SELECT a.id, a.name, a.last_heartbeat_at, a.heartbeat_interval
      FROM pgautomator.agent a
     WHERE a.state IN ('online', 'draining')
       AND coalesce(a.last_heartbeat_at, a.started_at, a.created_at) < _rescue_dead_agents.at - 3 * a.heartbeat_interval
       FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE pgautomator.agent a SET state = 'offline', stopped_at = _rescue_dead_agents.at WHERE a.id = dead.id;
    total := total + pgautomator._abandon_runs(
      ARRAY(SELECT r.id FROM pgautomator.job_run r WHERE r.agent_id = dead.id AND r.state = 'running'),
      format('agent %s stopped heartbeating (last heartbeat %s, interval %s): declared dead',
             dead.name, coalesce(dead.last_heartbeat_at::text, 'never'), dead.heartbeat_interval),
      _rescue_dead_agents.at);
    PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', dead.name, 'reason', 'dead'));
  END LOOP;
  RETURN total;
END
$$;
COMMENT ON FUNCTION pgautomator._rescue_dead_agents(timestamptz) IS
  'Liveness sweep: agents online or draining whose last heartbeat is older than three heartbeat intervals become offline; their '
  'running runs are abandoned (and retried per the job''s on_abandon). Returns the number of runs abandoned. Called by every heartbeat and claim.';
REVOKE ALL ON FUNCTION pgautomator._rescue_dead_agents(timestamptz) FROM PUBLIC;

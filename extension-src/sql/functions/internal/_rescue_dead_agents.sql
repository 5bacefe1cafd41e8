-- Liveness (docs/agent-protocol.md): an agent's lease is 3 heartbeat intervals (the agent stops its
-- own steps when it has not renewed it for that long); the database declares it dead only a margin
-- later, dead_after = lease + greatest(interval, 5 s), so that a retry never starts beside an
-- attempt its agent has not fenced yet. Silence is counted from the latest of its last heartbeat,
-- the postmaster's start and the end of the last time nobody could reach the database
-- (_note_contact): an outage of the database is not the death of every agent.
CREATE OR REPLACE FUNCTION pgautomator._rescue_dead_agents(at timestamptz DEFAULT now())
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  dead    record;
  total   int := 0;
  why     text;
  -- Nobody could have heartbeated before the postmaster started, nor while nobody could reach it.
  resumed timestamptz := greatest(pg_postmaster_start_time(),
                                  (SELECT (v.value ->> 'resumed_at')::timestamptz FROM pgautomator.setting v WHERE v.name = 'contact'));
BEGIN
  -- The agent table is small (one row per host): this scan is the whole cost when nobody died.
  -- SKIP LOCKED: an agent whose row is busy (it is heartbeating right now) is not dead, and two
  -- rescuers never process the same agent.
  FOR dead IN
    SELECT a.id, a.name, a.last_heartbeat_at, a.heartbeat_interval,
           greatest(coalesce(a.last_heartbeat_at, a.started_at, a.created_at), resumed) AS silent_since
      FROM pgautomator.agent a
     WHERE a.state IN ('online', 'draining')
       AND greatest(coalesce(a.last_heartbeat_at, a.started_at, a.created_at), resumed)
           < _rescue_dead_agents.at - pgautomator._dead_after(a.heartbeat_interval)
       FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE pgautomator.agent a SET state = 'offline', stopped_at = _rescue_dead_agents.at WHERE a.id = dead.id;
    why := format('agent %s stopped heartbeating (last heartbeat %s, interval %s, silent since %s): declared dead at %s',
                  dead.name, coalesce(dead.last_heartbeat_at::text, 'never'), dead.heartbeat_interval, dead.silent_since, _rescue_dead_agents.at);
    -- Runs of jobs with on_abandon = wait stay running: their agent does not fence them (it may be
    -- cut off, not dead) and nobody else may start them; they wait for that agent to register
    -- again (resumed, or abandoned without retry when it comes back without them), for a kill
    -- (kill_run records them killed at once while their agent is offline) or for the job timeout.
    UPDATE pgautomator.job_run r
       SET message = format('waiting for agent %s to come back (on_abandon wait): %s', dead.name, why)
      FROM pgautomator.job j
     WHERE r.agent_id = dead.id AND r.state = 'running' AND j.id = r.job_id AND j.on_abandon = 'wait';
    total := total + pgautomator._abandon_runs(
      ARRAY(SELECT r.id FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
             WHERE r.agent_id = dead.id AND r.state = 'running' AND j.on_abandon <> 'wait'),
      why, _rescue_dead_agents.at);
    PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', dead.name, 'reason', 'dead'));
  END LOOP;
  RETURN total;
END
$$;
COMMENT ON FUNCTION pgautomator._rescue_dead_agents(timestamptz) IS
  'Liveness sweep: agents online or draining silent for longer than dead_after = 3 heartbeat intervals (the lease) + greatest(interval, '
  '5 s), silence counted from the latest of the last heartbeat, the postmaster''s start and setting contact.resumed_at (_note_contact), '
  'become offline; their running runs are abandoned (and retried per the job''s on_abandon), except runs of jobs with on_abandon = wait, '
  'which stay running with a message saying they wait for their agent. Returns the number of runs abandoned. '
  'Called by every heartbeat and claim.';
REVOKE ALL ON FUNCTION pgautomator._rescue_dead_agents(timestamptz) FROM PUBLIC;

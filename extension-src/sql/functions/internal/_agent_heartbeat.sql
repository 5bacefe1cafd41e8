CREATE OR REPLACE FUNCTION pgautomator._agent_heartbeat(name text, running bigint[] DEFAULT '{}', at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of its public wrapper (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a        pgautomator.agent;
  kill     bigint[];
  next_due timestamptz;
  queued   bigint;
  mail_due bigint := 0;
  pair     record;
  scanned  int := 0;
  c_scan   CONSTANT int := 1000;
  forgotten bigint[];
BEGIN
  a := pgautomator._acting_agent(_agent_heartbeat.name, true);
  IF a.state = 'offline' THEN
    PERFORM pgautomator._raise('PA030', format('agent %L is offline (stopped, or declared dead after missing heartbeats)', a.name),
      'field: name', 'Register again with pgautomator.register_agent(name, ..., resume_runs => the runs still executing).');
  END IF;
  -- Everyone silent until now: the database's outage, not the agents' deaths (see _note_contact).
  -- (Its fast path tested here first: a heartbeat pays no call when the agent itself was heard of lately.)
  IF NOT coalesce(a.last_heartbeat_at >= _agent_heartbeat.at - 2 * a.heartbeat_interval, false) THEN
    PERFORM pgautomator._note_contact(a, _agent_heartbeat.at);
  END IF;
  -- Reconciliation: runs the database has running on this agent that it does not list, though they
  -- started before its previous heartbeat (or claim), are no longer executed by it (it restarted
  -- and forgot them, or never learnt of their claim): abandoned now, not kept running by the
  -- heartbeats of an agent that ignores them. A run claimed since the previous heartbeat is left
  -- alone: this heartbeat may have been sent before the claim's answer arrived.
  forgotten := ARRAY(SELECT r.id FROM pgautomator.job_run r
                      WHERE r.agent_id = a.id AND r.state = 'running' AND r.started_at < a.last_heartbeat_at
                        AND r.id <> ALL (coalesce(_agent_heartbeat.running, '{}')));
  IF cardinality(forgotten) > 0 THEN
    PERFORM pgautomator._abandon_runs(forgotten,
      format('agent %s no longer executes the run: its heartbeat at %s did not list it (claimed before its previous heartbeat at %s)',
             a.name, _agent_heartbeat.at, a.last_heartbeat_at),
      _agent_heartbeat.at);
  END IF;
  UPDATE pgautomator.agent x SET last_heartbeat_at = _agent_heartbeat.at WHERE x.id = a.id;

  -- Any heartbeat sweeps for dead agents and overdue runs, and now and then purges history.
  PERFORM pgautomator._rescue_dead_agents(_agent_heartbeat.at);
  PERFORM pgautomator._reap_overdue_runs(_agent_heartbeat.at);
  PERFORM pgautomator._retention_pass(_agent_heartbeat.at);
  PERFORM pgautomator._evaluate_alerts(_agent_heartbeat.at);

  -- Kill: runs with a kill request, and runs the agent still executes that the database no longer
  -- has running on it (timed out by the reaper, abandoned, ...).
  kill := ARRAY(
    SELECT r.id FROM pgautomator.job_run r
     WHERE r.agent_id = a.id AND r.state = 'running' AND r.kill_requested_at IS NOT NULL
    UNION
    SELECT u.id FROM unnest(coalesce(_agent_heartbeat.running, '{}')) AS u(id)
     WHERE NOT EXISTS (SELECT 1 FROM pgautomator.job_run r WHERE r.id = u.id AND r.agent_id = a.id AND r.state = 'running')
    ORDER BY 1);

  -- The earliest fire of a job this agent may run (pinned to it, or its tags fit): the pairs in
  -- next_fire_at order, at most c_scan of them. When none of those fits this agent, the last one's
  -- time is still a safe answer: nothing this agent can run fires before it.
  FOR pair IN
    SELECT js.next_fire_at,
           coalesce((SELECT j.enabled AND s.enabled AND (j.agent_id = a.id OR (j.agent_id IS NULL AND a.tags @> j.agent_tags))
                       FROM pgautomator.job j, pgautomator.schedule s
                      WHERE j.id = js.job_id AND s.id = js.schedule_id), false) AS fits
      FROM pgautomator.job_schedule js
     WHERE js.next_fire_at IS NOT NULL
     ORDER BY js.next_fire_at
     LIMIT c_scan
  LOOP
    next_due := pair.next_fire_at;
    scanned := scanned + 1;
    EXIT WHEN pair.fits;
    IF scanned < c_scan THEN
      next_due := NULL;
    END IF;
  END LOOP;

  -- A delayed start of a downstream job (job_trigger) due earlier: a safe early wake-up.
  next_due := least(next_due, (SELECT min(tf.due_at) FROM pgautomator.trigger_fire tf));

  -- Queued runs it could claim now (counted up to 10,000), by the same test as claim_runs; none
  -- for an agent an admin drained (drain_agent): claim_runs would hand it nothing.
  SELECT count(*) INTO queued FROM (
    SELECT 1
      FROM pgautomator.job_run r
     WHERE a.drained_at IS NULL AND r.state = 'queued' AND r.scheduled_for <= _agent_heartbeat.at
       AND coalesce((SELECT (j.agent_id = a.id OR (j.agent_id IS NULL AND a.tags @> j.agent_tags))
                            AND (j.overlap = 'allow'
                                 OR NOT EXISTS (SELECT 1 FROM pgautomator.job_run o WHERE o.job_id = j.id AND o.state = 'running'))
                       FROM pgautomator.job j WHERE j.id = r.job_id), false)
     LIMIT 10000) q;

  -- Mail it could deliver now (counted up to 100): an agent with SMTP settings asks for mail only
  -- when there is some, so that idle it makes one call per heartbeat interval, not two.
  IF a.smtp_host IS NOT NULL THEN
    SELECT count(*) INTO mail_due FROM (
      SELECT 1 FROM pgautomator.notification n
       WHERE n.state IN ('pending', 'sending') AND n.next_attempt_at <= _agent_heartbeat.at
         AND (n.agent_id IS NULL OR n.agent_id = a.id)
       LIMIT 100) m;
  END IF;

  RETURN jsonb_build_object(
    -- Drained by an admin: "draining" to the agent, which then makes no claim (it needs no other
    -- change); its own state stays online, so undrain_agent brings it back at its next heartbeat.
    'state', CASE WHEN a.state = 'online' AND a.drained_at IS NOT NULL THEN 'draining' ELSE a.state END,
    'mail_due', mail_due,
    -- Read on every heartbeat, so that set_agent_smtp reaches a running agent.
    'smtp', pgautomator._agent_smtp(a),
    'kill', to_jsonb(kill),
    'next_due_in', CASE WHEN next_due IS NULL THEN NULL
                        ELSE greatest(0, extract(epoch FROM next_due - _agent_heartbeat.at))::float8 END,
    'queued', queued,
    -- Liveness (docs/agent-protocol.md): the agent stops its own steps when it has not renewed its
    -- lease (a heartbeat answered) for lease seconds; the database rescues its runs after dead_after.
    'lease', extract(epoch FROM pgautomator._lease(a.heartbeat_interval))::float8,
    'dead_after', extract(epoch FROM pgautomator._dead_after(a.heartbeat_interval))::float8);
END
$$;
COMMENT ON FUNCTION pgautomator._agent_heartbeat(text, bigint[], timestamptz) IS
  'The body of agent_heartbeat with the clock as an argument. Granted to nobody: agent_heartbeat passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._agent_heartbeat(text, bigint[], timestamptz) FROM PUBLIC;

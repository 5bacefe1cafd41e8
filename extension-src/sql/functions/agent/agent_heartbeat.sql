CREATE OR REPLACE FUNCTION pgautomator.agent_heartbeat(name text, running bigint[] DEFAULT '{}', at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
-- Walk the indexes in order and stop early, whatever stale statistics suggest (see _claim_candidates).
SET enable_sort = off
-- Disabled plan nodes inflate cost estimates past jit_above_cost; JIT then cost 95-300 ms a call.
SET jit = off
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
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  a := pgautomator._acting_agent(agent_heartbeat.name, true);
  IF a.state = 'offline' THEN
    PERFORM pgautomator._raise('PA030', format('agent %L is offline (stopped, or declared dead after missing heartbeats)', a.name),
      'field: name', 'Register again with pgautomator.register_agent(name, ..., resume_runs => the runs still executing).');
  END IF;
  UPDATE pgautomator.agent x SET last_heartbeat_at = agent_heartbeat.at WHERE x.id = a.id;

  -- Any heartbeat sweeps for dead agents and overdue runs, and now and then purges history.
  PERFORM pgautomator._rescue_dead_agents(agent_heartbeat.at);
  PERFORM pgautomator._reap_overdue_runs(agent_heartbeat.at);
  PERFORM pgautomator._retention_pass(agent_heartbeat.at);

  -- Kill: runs with a kill request, and runs the agent still executes that the database no longer
  -- has running on it (timed out by the reaper, abandoned, ...).
  kill := ARRAY(
    SELECT r.id FROM pgautomator.job_run r
     WHERE r.agent_id = a.id AND r.state = 'running' AND r.kill_requested_at IS NOT NULL
    UNION
    SELECT u.id FROM unnest(coalesce(agent_heartbeat.running, '{}')) AS u(id)
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

  -- Queued runs it could claim now (counted up to 10,000), by the same test as claim_runs.
  SELECT count(*) INTO queued FROM (
    SELECT 1
      FROM pgautomator.job_run r
     WHERE r.state = 'queued' AND r.scheduled_for <= agent_heartbeat.at
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
       WHERE n.state IN ('pending', 'sending') AND n.next_attempt_at <= agent_heartbeat.at
       LIMIT 100) m;
  END IF;

  RETURN jsonb_build_object(
    'state', a.state,
    'mail_due', mail_due,
    -- Read on every heartbeat, so that set_agent_smtp reaches a running agent.
    'smtp', pgautomator._agent_smtp(a),
    'kill', to_jsonb(kill),
    'next_due_in', CASE WHEN next_due IS NULL THEN NULL
                        ELSE greatest(0, extract(epoch FROM next_due - agent_heartbeat.at))::float8 END,
    'queued', queued);
END
$$;
COMMENT ON FUNCTION pgautomator.agent_heartbeat(text, bigint[], timestamptz) IS
  'Agent protocol: the agent is alive. Records the heartbeat, rescues dead agents'' runs, times out overdue runs and applies history '
  'retention now and then. Returns {"state", "kill": run ids to kill (kill requested, or listed in running but no longer running on '
  'this agent), "next_due_in": seconds to the next fire this agent could run (null: none), "queued": runs it could claim now (at most 10000), '
  '"mail_due": mails it could deliver now (at most 100; 0 without SMTP settings), "smtp": its SMTP settings as register_agent gives them}. '
  'PA030 when the agent is offline: register again.';
REVOKE ALL ON FUNCTION pgautomator.agent_heartbeat(text, bigint[], timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.agent_heartbeat(text, bigint[], timestamptz) TO pgautomator_agent;

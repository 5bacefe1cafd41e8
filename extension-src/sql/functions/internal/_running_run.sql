-- acts_for: an agent the caller was already found to act for in this call (agent_report checks each
-- agent once per batch, not once per entry); its runs skip that check. NULL: always checked.
CREATE OR REPLACE FUNCTION pgautomator._running_run(run_id bigint, for_update boolean DEFAULT true, acts_for bigint DEFAULT NULL)
RETURNS pgautomator.job_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r pgautomator.job_run;
  agent_name text;
  agent_role name;
BEGIN
  -- Locked (unless for_update is false): the outcome of a run is written once, and a kill request or
  -- the reaper cannot cross it halfway. Lock order everywhere: job_run, then its step_run rows.
  IF for_update THEN
    SELECT x.* INTO r FROM pgautomator.job_run x WHERE x.id = _running_run.run_id FOR UPDATE;
  ELSE
    SELECT x.* INTO r FROM pgautomator.job_run x WHERE x.id = _running_run.run_id;
  END IF;
  IF r.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('run %s does not exist', coalesce(_running_run.run_id::text, 'NULL')), 'field: run_id',
      'The run id comes from claim_runs; it may have been purged by history retention.');
  END IF;
  IF r.agent_id IS NOT NULL AND r.agent_id IS DISTINCT FROM _running_run.acts_for THEN
    SELECT a.name, a.db_role INTO agent_name, agent_role FROM pgautomator.agent a WHERE a.id = r.agent_id;
    PERFORM pgautomator._check_agent_role(agent_name, agent_role);
  END IF;
  IF r.state <> 'running' THEN
    PERFORM pgautomator._raise('PA030', format('run %s is %s, not running', r.id, r.state), 'field: run_id',
      CASE WHEN r.state IN ('abandoned', 'timed_out') THEN 'The database gave up on the run (agent declared dead, or deadline passed): stop executing it.'
           ELSE 'Only a run claimed by this agent and not yet ended can be reported on.' END);
  END IF;
  RETURN r;
END
$$;
COMMENT ON FUNCTION pgautomator._running_run(bigint, boolean, bigint) IS 'The run run_id (locked unless for_update is false), after checking that it is running and that the caller may act as its agent (unless that agent is acts_for, checked already): PA010 unknown, PA040 another role''s agent, PA030 not running.';
REVOKE ALL ON FUNCTION pgautomator._running_run(bigint, boolean, bigint) FROM PUBLIC;

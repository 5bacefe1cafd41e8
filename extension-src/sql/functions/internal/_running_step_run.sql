-- acts_for: as in _running_run. run: a run the caller has already checked and locked with
-- _running_run in this transaction (agent_report's end_run with its last attempt): when for_update
-- and the step run is an attempt of it, the run is not read and checked a second time.
-- late_ok: an attempt abandoned (by a rescue, a restart, ...) is returned too, locked with its run,
-- once the caller is found to act for the run's agent: end_step records a result that was really
-- produced before the attempt was abandoned (_end_attempt decides).
CREATE OR REPLACE FUNCTION pgautomator._running_step_run(step_run_id bigint, for_update boolean DEFAULT true, acts_for bigint DEFAULT NULL,
  run pgautomator.job_run DEFAULT NULL, late_ok boolean DEFAULT false)
RETURNS pgautomator.step_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s pgautomator.step_run;
  run_id bigint;
  st     text;
  r      pgautomator.job_run;
  agent_name text;
  agent_role name;
BEGIN
  IF for_update AND (_running_step_run.run).id IS NOT NULL THEN
    -- An attempt of the run the caller holds: read and locked at once (no row: the general way).
    SELECT x.* INTO s FROM pgautomator.step_run x
     WHERE x.id = _running_step_run.step_run_id AND x.job_run_id = (_running_step_run.run).id FOR UPDATE;
  END IF;
  IF s.id IS NULL THEN
    SELECT x.job_run_id, x.state INTO run_id, st FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id;
    IF run_id IS NULL THEN
      PERFORM pgautomator._raise('PA010', format('step run %s does not exist', coalesce(_running_step_run.step_run_id::text, 'NULL')),
        'field: step_run_id', 'The step run id comes from begin_step.');
    END IF;
    IF late_ok AND st = 'abandoned' THEN
      -- The run (abandoned with it) locked first, as everywhere; the caller must act for its agent.
      SELECT x.* INTO r FROM pgautomator.job_run x WHERE x.id = run_id FOR UPDATE;
      IF r.agent_id IS NOT NULL AND r.agent_id IS DISTINCT FROM _running_step_run.acts_for THEN
        SELECT a.name, a.db_role INTO agent_name, agent_role FROM pgautomator.agent a WHERE a.id = r.agent_id;
        PERFORM pgautomator._check_agent_role(agent_name, agent_role);
      END IF;
      SELECT x.* INTO s FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id FOR UPDATE;
      IF s.state = 'abandoned' AND s.agent_id IS NOT DISTINCT FROM r.agent_id THEN
        RETURN s;
      END IF;
      PERFORM pgautomator._raise('PA030', format('step run %s is %s, not running', s.id, s.state), 'field: step_run_id',
        CASE WHEN s.state = 'abandoned' THEN 'The attempt was abandoned and its run is no longer this agent''s: stop executing it.'
             ELSE 'A step attempt ends once; start another attempt with begin_step.' END);
    END IF;
    -- The run first (it must still be running on the caller's agent), then the step run: the same
    -- lock order as the rescuer and the reaper, so they never deadlock.
    PERFORM pgautomator._running_run(run_id, for_update, acts_for);
    IF for_update THEN
      SELECT x.* INTO s FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id FOR UPDATE;
    ELSE
      SELECT x.* INTO s FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id;
    END IF;
  END IF;
  IF s.state <> 'running' THEN
    PERFORM pgautomator._raise('PA030', format('step run %s is %s, not running', s.id, s.state), 'field: step_run_id',
      'A step attempt ends once; start another attempt with begin_step.');
  END IF;
  RETURN s;
END
$$;
COMMENT ON FUNCTION pgautomator._running_step_run(bigint, boolean, bigint, pgautomator.job_run, boolean) IS 'The step run step_run_id (its run, then it, locked unless for_update is false), after checking that it and its run are running and that the caller may act as its agent (PA010, PA040, PA030); acts_for and run spare checks the caller made already; late_ok: an abandoned attempt of the run''s agent is returned too (for a late result, see _end_attempt).';
REVOKE ALL ON FUNCTION pgautomator._running_step_run(bigint, boolean, bigint, pgautomator.job_run, boolean) FROM PUBLIC;

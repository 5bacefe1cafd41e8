-- acts_for: as in _running_run. run: a run the caller has already checked and locked with
-- _running_run in this transaction (agent_report's end_run with its last attempt): when for_update
-- and the step run is an attempt of it, the run is not read and checked a second time.
CREATE OR REPLACE FUNCTION pgautomator._running_step_run(step_run_id bigint, for_update boolean DEFAULT true, acts_for bigint DEFAULT NULL,
  run pgautomator.job_run DEFAULT NULL)
RETURNS pgautomator.step_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s pgautomator.step_run;
  run_id bigint;
BEGIN
  IF for_update AND (_running_step_run.run).id IS NOT NULL THEN
    -- An attempt of the run the caller holds: read and locked at once (no row: the general way).
    SELECT x.* INTO s FROM pgautomator.step_run x
     WHERE x.id = _running_step_run.step_run_id AND x.job_run_id = (_running_step_run.run).id FOR UPDATE;
  END IF;
  IF s.id IS NULL THEN
    SELECT x.job_run_id INTO run_id FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id;
    IF run_id IS NULL THEN
      PERFORM pgautomator._raise('PA010', format('step run %s does not exist', coalesce(_running_step_run.step_run_id::text, 'NULL')),
        'field: step_run_id', 'The step run id comes from begin_step.');
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
COMMENT ON FUNCTION pgautomator._running_step_run(bigint, boolean, bigint, pgautomator.job_run) IS 'The step run step_run_id (its run, then it, locked unless for_update is false), after checking that it and its run are running and that the caller may act as its agent (PA010, PA040, PA030); acts_for and run spare checks the caller made already.';
REVOKE ALL ON FUNCTION pgautomator._running_step_run(bigint, boolean, bigint, pgautomator.job_run) FROM PUBLIC;

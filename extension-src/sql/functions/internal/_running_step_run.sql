CREATE OR REPLACE FUNCTION pgautomator._running_step_run(step_run_id bigint, for_update boolean DEFAULT true) RETURNS pgautomator.step_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s pgautomator.step_run;
  run_id bigint;
BEGIN
  SELECT x.job_run_id INTO run_id FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id;
  IF run_id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('step run %s does not exist', coalesce(_running_step_run.step_run_id::text, 'NULL')),
      'field: step_run_id', 'The step run id comes from begin_step.');
  END IF;
  -- The run first (it must still be running on the caller's agent), then the step run: the same
  -- lock order as the rescuer and the reaper, so they never deadlock.
  PERFORM pgautomator._running_run(run_id, for_update);
  IF for_update THEN
    SELECT x.* INTO s FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id FOR UPDATE;
  ELSE
    SELECT x.* INTO s FROM pgautomator.step_run x WHERE x.id = _running_step_run.step_run_id;
  END IF;
  IF s.state <> 'running' THEN
    PERFORM pgautomator._raise('PA030', format('step run %s is %s, not running', s.id, s.state), 'field: step_run_id',
      'A step attempt ends once; start another attempt with begin_step.');
  END IF;
  RETURN s;
END
$$;
COMMENT ON FUNCTION pgautomator._running_step_run(bigint, boolean) IS 'The step run step_run_id (its run, then it, locked unless for_update is false), after checking that it and its run are running and that the caller may act as its agent (PA010, PA040, PA030).';
REVOKE ALL ON FUNCTION pgautomator._running_step_run(bigint, boolean) FROM PUBLIC;

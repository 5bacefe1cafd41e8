CREATE OR REPLACE FUNCTION pgautomator.kill_run(run_id bigint)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r pgautomator.job_run;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  SELECT x.* INTO r FROM pgautomator.job_run x WHERE x.id = kill_run.run_id FOR UPDATE;
  IF r.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('run %s does not exist', coalesce(kill_run.run_id::text, 'NULL')), 'field: run_id',
      'SELECT * FROM pgautomator.running; lists the runs that can be killed.');
  END IF;
  IF r.state = 'queued' THEN
    UPDATE pgautomator.job_run x
       SET state = 'cancelled', finished_at = clock_timestamp(), message = format('cancelled by %s before it started', pgautomator._caller()),
           kill_requested_at = clock_timestamp(), kill_requested_by = pgautomator._caller()
     WHERE x.id = r.id;
    PERFORM pgautomator._count_ended_runs(ARRAY[r.id]);
    PERFORM pgautomator._notify('run_finished', jsonb_build_object('run_id', r.id, 'state', 'cancelled'));
    RETURN 'cancelled';
  END IF;
  IF r.state = 'running' AND NOT EXISTS (SELECT 1 FROM pgautomator.agent a WHERE a.id = r.agent_id AND a.state IN ('online', 'draining')) THEN
    -- Its agent is offline (a run of an on_abandon = wait job waiting for it): nobody would carry
    -- the request out. Recorded killed now; the agent, if it comes back with the run, is told to
    -- stop it (register_agent's kill list).
    UPDATE pgautomator.job_run x SET kill_requested_at = clock_timestamp(), kill_requested_by = pgautomator._caller()
     WHERE x.id = r.id
    RETURNING x.* INTO r;
    PERFORM pgautomator._finish_run(r, 'killed',
      format('killed by %s while its agent %s was offline (the run was waiting for it): recorded at once; the agent stops it if it comes back',
             pgautomator._caller(), coalesce((SELECT a.name FROM pgautomator.agent a WHERE a.id = r.agent_id), '(deleted)')));
    RETURN 'killed';
  END IF;
  IF r.state = 'running' THEN
    IF r.kill_requested_at IS NULL THEN
      UPDATE pgautomator.job_run x SET kill_requested_at = clock_timestamp(), kill_requested_by = pgautomator._caller() WHERE x.id = r.id;
    END IF;
    -- Sent again on a repeated request: the agent may have missed the first.
    PERFORM pgautomator._notify('kill', jsonb_build_object('run_id', r.id,
      'agent', (SELECT a.name FROM pgautomator.agent a WHERE a.id = r.agent_id)));
    RETURN 'kill_requested';
  END IF;
  PERFORM pgautomator._raise('PA030', format('run %s already ended (%s)', r.id, r.state), 'field: run_id',
    'Only queued and running runs can be killed.');
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.kill_run(bigint) IS
  'Kills a run: a queued run is cancelled at once (returns cancelled); a running one gets a kill request that its agent carries out '
  'and reports as killed (returns kill_requested; NOTIFY kill), or, when its agent is offline (a run of an on_abandon = wait job '
  'waiting for its agent), is recorded killed at once (returns killed). PA030 when the run already ended, PA010 when it does not exist.';
REVOKE ALL ON FUNCTION pgautomator.kill_run(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.kill_run(bigint) TO pgautomator_operator;

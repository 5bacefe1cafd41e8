CREATE OR REPLACE FUNCTION pgautomator._run_payload(run_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- What an agent needs to execute a run (docs/agent-protocol.md, claim_runs): intervals in
  -- seconds, goto targets as step positions, each SQL step with its connection (never a secret,
  -- only the reference the agent resolves on its host).
  SELECT jsonb_build_object(
    'run_id', r.id,
    'job_id', j.id,
    'job', j.name,
    'trigger', r.trigger,
    'schedule', s.name,
    'scheduled_for', r.scheduled_for,
    'attempt', r.attempt,
    'start_position', r.start_position,
    'timeout', extract(epoch FROM j.timeout)::float8,
    'steps', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'step_id', st.id,
               'position', st.position,
               'name', st.name,
               'enabled', st.enabled,
               'kind', st.kind,
               'command', st.command,
               'shell', st.shell,
               'working_dir', st.working_dir,
               'env', st.env,
               'success_codes', to_jsonb(st.success_codes),
               'timeout', extract(epoch FROM st.timeout)::float8,
               'retries', st.retries,
               'retry_delay', extract(epoch FROM st.retry_delay)::float8,
               'retry_backoff', st.retry_backoff,
               'on_success', st.on_success,
               'on_success_goto', gs.position,
               'on_failure', st.on_failure,
               'on_failure_goto', gf.position,
               'connection', CASE WHEN c.id IS NULL THEN NULL ELSE
                 jsonb_build_object('name', c.name, 'driver', c.driver, 'dsn', c.dsn, 'secret_ref', c.secret_ref) END)
             ORDER BY st.position)
        FROM pgautomator.step st
        LEFT JOIN pgautomator.step gs ON gs.id = st.on_success_goto
        LEFT JOIN pgautomator.step gf ON gf.id = st.on_failure_goto
        LEFT JOIN pgautomator.connection c ON c.id = st.connection_id
       WHERE st.job_id = j.id), '[]'::jsonb))
    FROM pgautomator.job_run r
    JOIN pgautomator.job j ON j.id = r.job_id
    LEFT JOIN pgautomator.schedule s ON s.id = r.schedule_id
   WHERE r.id = _run_payload.run_id
$$;
COMMENT ON FUNCTION pgautomator._run_payload(bigint) IS 'The jsonb object claim_runs hands an agent for one run: the run, its job and all its steps with their connections (docs/agent-protocol.md).';
REVOKE ALL ON FUNCTION pgautomator._run_payload(bigint) FROM PUBLIC;

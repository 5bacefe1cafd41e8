-- The steps of a job as an agent executes them (docs/agent-protocol.md, claim_runs: "steps"):
-- intervals in seconds, goto targets as step positions, each SQL step with its connection (never a
-- secret, only the reference the agent resolves on its host). Kept in job.steps_payload by
-- _keep_steps_payload whenever a step or a connection changes, and read from there by every claim
-- (_run_payloads): building this jsonb was a sixth of a claim's database CPU per no-op run
-- (bench/cost-per-run.ts), once per run, for steps that change once in a while.
CREATE OR REPLACE FUNCTION pgautomator._steps_payload(job_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object(
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
           'on_success_goto', (SELECT g.position FROM pgautomator.step g WHERE g.id = st.on_success_goto),
           'on_failure', st.on_failure,
           'on_failure_goto', (SELECT g.position FROM pgautomator.step g WHERE g.id = st.on_failure_goto),
           'connection', (SELECT jsonb_build_object('name', c.name, 'driver', c.driver, 'dsn', c.dsn, 'secret_ref', c.secret_ref)
                            FROM pgautomator.connection c WHERE c.id = st.connection_id))
           ORDER BY st.position), '[]'::jsonb)
    FROM pgautomator.step st
   WHERE st.job_id = _steps_payload.job_id
$$;
COMMENT ON FUNCTION pgautomator._steps_payload(bigint) IS 'The steps of a job as claim_runs hands them to an agent (the "steps" of a run object, docs/agent-protocol.md); what job.steps_payload holds.';
REVOKE ALL ON FUNCTION pgautomator._steps_payload(bigint) FROM PUBLIC;

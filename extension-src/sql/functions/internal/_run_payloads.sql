-- PL/pgSQL, not SQL: a SQL function with SET options is never inlined, and its statement is planned
-- again on every call; PL/pgSQL keeps the plan (measured: 0.85 -> 0.69 ms per call for 5 runs).
-- And the generic plan: with the choice left to it, PL/pgSQL planned the statement again for every
-- claim of fewer than 10 runs, because a custom plan for 8 ids is estimated cheaper than the generic
-- plan's guess of 10; the plans are the same (key lookups along the ids).
-- And its own planner settings, not its callers': the generic plan is made once per backend, on
-- the first call, and an agent's first call is register_agent (planner defaults), when job_run and
-- step_run may still be empty: the plan kept read both whole on every claim after (measured with
-- bench/cost-per-run.ts: 256 us of a no-op run's 607 us claim after 3,000 runs, growing with the
-- tables until an ANALYZE invalidated it). Every statement here goes by key.
CREATE OR REPLACE FUNCTION pgautomator._run_payloads(run_ids bigint[]) RETURNS SETOF jsonb
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- What an agent needs to execute each run, in the order of run_ids (docs/agent-protocol.md, claim_runs): intervals in
  -- seconds, goto targets as step positions, each SQL step with its connection (never a secret,
  -- only the reference the agent resolves on its host).
  -- The steps as the job keeps them built (job.steps_payload, _steps_payload): not aggregated
  -- again for every run claimed.
  RETURN QUERY
  SELECT jsonb_build_object(
    'run_id', r.id,
    'job_id', j.id,
    'job', j.name,
    'trigger', r.trigger,
    'schedule', (SELECT s.name FROM pgautomator.schedule s WHERE s.id = r.schedule_id),
    'scheduled_for', r.scheduled_for,
    'attempt', r.attempt,
    'start_position', r.start_position,
    'timeout', extract(epoch FROM j.timeout)::float8,
    -- fail, retry or wait: the agent does not fence the steps of a wait job's run at lease expiry.
    'on_abandon', j.on_abandon,
    -- The attempt the claim began (claim_runs), or null when no step is enabled from the start position.
    'begun', (SELECT jsonb_build_object('step_id', sr.step_id, 'step_run_id', sr.id, 'attempt', sr.attempt)
                FROM pgautomator.step_run sr WHERE sr.job_run_id = r.id AND sr.state = 'running'
               ORDER BY sr.id DESC LIMIT 1),
    'steps', j.steps_payload)
    FROM unnest(_run_payloads.run_ids) WITH ORDINALITY AS u(id, ord)
    JOIN pgautomator.job_run r ON r.id = u.id
    JOIN pgautomator.job j ON j.id = r.job_id
   ORDER BY u.ord;
END
$$;
COMMENT ON FUNCTION pgautomator._run_payloads(bigint[]) IS 'The jsonb objects claim_runs hands an agent, one per run of run_ids in that order: the run, its job and all its steps with their connections (docs/agent-protocol.md).';
REVOKE ALL ON FUNCTION pgautomator._run_payloads(bigint[]) FROM PUBLIC;

-- The protocol's statements go by key whoever planned them first. A PL/pgSQL function keeps one
-- plan per statement per backend, made on its first call under the settings and statistics of
-- that moment; an agent's first call is register_agent, before any claim, when the tables may be
-- empty. A claim must then still read no big table whole: measured, a kept plan that did
-- (_run_payloads, first planned by register_agent with the planner's defaults) cost a no-op run
-- more the longer job_run and step_run grew (bench/cost-per-run.ts).
-- pg_stat_xact_user_tables counts this transaction's scans, so each check sees one call's.
BEGIN;
SELECT plan(6);

CREATE ROLE pgat_plans_a;
GRANT pgautomator_agent TO pgat_plans_a;
SELECT pgautomator.create_job('plans_job', overlap => 'allow');
SELECT pgautomator.add_step('plans_job', 'one', 'shell', 'true');
SELECT pgautomator.add_step('plans_job', 'two', 'shell', 'true');

-- 1. The agent registers while no run exists: every statement it reaches is planned now.
SET LOCAL ROLE pgat_plans_a;
SELECT pgautomator.register_agent('plans-a', max_concurrent => 10);
RESET ROLE;

-- 2. Runs appear afterwards (nothing analyzed since), as they do on a new install.
SELECT pgautomator.start_job('plans_job') FROM generate_series(1, 3);

CREATE FUNCTION pg_temp.seq_scans() RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_object_agg(t.relname, t.seq_scan) FROM pg_stat_xact_user_tables t
   WHERE t.schemaname = 'pgautomator' AND t.relname IN ('job_run', 'step_run', 'step', 'job_schedule', 'job')
$$;
CREATE TEMP TABLE before_claim AS SELECT pg_temp.seq_scans() AS s;

SET LOCAL ROLE pgat_plans_a;
SELECT is((SELECT count(*) FROM pgautomator.claim_runs('plans-a', 10)), 3::bigint, 'the claim hands out the three runs');
RESET ROLE;

SELECT is((pg_temp.seq_scans() ->> r)::bigint - coalesce((SELECT (b.s ->> r)::bigint FROM before_claim b), 0), 0::bigint,
          format('claim_runs read %s by key, not whole', r))
  FROM unnest(ARRAY['job_run', 'step_run', 'step', 'job_schedule', 'job']) AS r;

SELECT * FROM finish();
ROLLBACK;

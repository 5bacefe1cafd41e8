CREATE OR REPLACE FUNCTION pgautomator.claim_runs(name text, max int DEFAULT 1)
RETURNS SETOF jsonb
LANGUAGE plpgsql
SECURITY DEFINER
-- Each statement touches the few rows it was handed, by key: never a hash join of a whole table
-- (see _fire_due), nor a sequential scan. Statistics taken while job_run was small (or empty,
-- before the first fires) make the planner read all of it to find the 100-200 runs of a claim by
-- id: measured, each claim of 100 grew by 4 ms per 1,000 runs of history (12 ms to 27 ms over five
-- rounds of the benchmark), until the table is analyzed again.
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_seqscan = off
-- And generic plans: the claim's statements take arrays of run and job ids that differ on every
-- call, and a custom plan, estimated cheaper for an array of a few ids, was chosen again and again:
-- the reaper's, the freshness sweep's, the first attempts' and the job locks' statements were
-- planned on about every other claim (measured with pg_stat_statements, bench/cost-per-run.ts).
-- With the settings above the generic plans go by key like the custom ones.
SET plan_cache_mode = force_generic_plan
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides what is due and when this agent was last heard of: never the caller.
  RETURN QUERY SELECT pgautomator._claim_runs(claim_runs.name, claim_runs.max, now());
END
$$;
COMMENT ON FUNCTION pgautomator.claim_runs(text, int) IS
  'Agent protocol: fires due schedules (all jobs, misfire and overlap policies applied; concurrent claimers share the work with '
  'SKIP LOCKED), then hands this agent up to max queued runs it may take (pinned to it, or its tags fit; within its free capacity; '
  'oldest first; one at a time per job unless overlap = allow), marked running with started_at = the database clock and a deadline '
  'from the job timeout, and begins each run''s first attempt (attempt 1 of the first enabled step from its start position; "begun" in '
  'the run object). Returns one object per run (docs/agent-protocol.md). Counts as a heartbeat; a draining or offline agent claims nothing. '
  'The clock is the database''s (the body is _claim_runs, which tests call with another).';
REVOKE ALL ON FUNCTION pgautomator.claim_runs(text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.claim_runs(text, int) TO pgautomator_agent;

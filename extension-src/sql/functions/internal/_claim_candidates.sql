CREATE OR REPLACE FUNCTION pgautomator._claim_candidates(agent_id bigint, agent_tags text[], at timestamptz, n int)
RETURNS bigint[]
LANGUAGE plpgsql
-- The walk must follow job_run_queued_idx in order and stop at the limit. Right after a burst of
-- inserts (thousands of fires, before autovacuum analyzes job_run) the planner believes the queue
-- holds a handful of rows and prefers reading all of it and sorting: 10x slower on a long queue.
-- With sorting off (here only) the ordered index scan is the plan whatever the statistics say.
SET enable_sort = off
SET jit = off
-- Called by every claim: PL/pgSQL keeps the plan (a SQL function with SET clauses is parsed and
-- planned on every call), and the generic plan is the one kept (see _lock_due_pairs).
SET plan_cache_mode = force_generic_plan
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  ids bigint[];
BEGIN
  -- Queued runs due by `at` that this agent may take (the job pinned to it, or its tags fit), oldest
  -- first, locked SKIP LOCKED; runs of a job that runs one at a time and has a run running are
  -- passed over. The job is probed per row by its primary key in a scalar subquery, which the
  -- planner does not turn into a join of the whole queue.
  SELECT array_agg(c.id) INTO ids
    FROM (SELECT r.id
            FROM pgautomator.job_run r
           WHERE r.state = 'queued' AND r.scheduled_for <= _claim_candidates.at
             AND coalesce((SELECT (j.agent_id = _claim_candidates.agent_id
                                   OR (j.agent_id IS NULL AND _claim_candidates.agent_tags @> j.agent_tags))
                                  AND (j.overlap = 'allow'
                                       OR NOT EXISTS (SELECT 1 FROM pgautomator.job_run o WHERE o.job_id = j.id AND o.state = 'running'))
                             FROM pgautomator.job j WHERE j.id = r.job_id), false)
           ORDER BY r.scheduled_for, r.id
           LIMIT _claim_candidates.n
             FOR UPDATE SKIP LOCKED) c;
  RETURN ids;
END
$$;
COMMENT ON FUNCTION pgautomator._claim_candidates(bigint, text[], timestamptz, int) IS
  'claim_runs, step one: locks (SKIP LOCKED) and returns up to n queued runs due by at that the agent may take, oldest first (NULL when none).';
REVOKE ALL ON FUNCTION pgautomator._claim_candidates(bigint, text[], timestamptz, int) FROM PUBLIC;

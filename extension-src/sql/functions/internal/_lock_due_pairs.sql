CREATE OR REPLACE FUNCTION pgautomator._lock_due_pairs(at timestamptz, max_pairs int, OUT job_ids bigint[], OUT schedule_ids bigint[],
                                                       OUT fires timestamptz[])
LANGUAGE plpgsql
-- Walk job_schedule_next_fire_at_idx in order and stop at max_pairs, even when stale statistics
-- (a burst of changes not yet analyzed) would make the planner read and sort every due pair.
SET enable_sort = off
SET jit = off
-- Called by every claim and heartbeat, mostly to find nothing due: PL/pgSQL keeps the plan (a SQL
-- function with SET clauses is parsed and planned on every call), and the generic plan is the one
-- kept (a custom plan per call would be planned again each time; the walk is the same plan).
SET plan_cache_mode = force_generic_plan
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- next_fire_at as locked: FOR UPDATE returns the latest committed version of each row, so the
  -- caller need not read the pairs again.
  SELECT array_agg(x.job_id), array_agg(x.schedule_id), array_agg(x.next_fire_at)
    INTO _lock_due_pairs.job_ids, _lock_due_pairs.schedule_ids, _lock_due_pairs.fires
    FROM (SELECT js.job_id, js.schedule_id, js.next_fire_at
            FROM pgautomator.job_schedule js
           WHERE js.next_fire_at <= _lock_due_pairs.at
           ORDER BY js.next_fire_at
           LIMIT _lock_due_pairs.max_pairs
             FOR UPDATE SKIP LOCKED) x;
END
$$;
COMMENT ON FUNCTION pgautomator._lock_due_pairs(timestamptz, int) IS
  '_fire_due, step one: locks (SKIP LOCKED) up to max_pairs job-schedule pairs due by at, earliest first, and returns them with their '
  'next_fire_at (NULL arrays when none).';
REVOKE ALL ON FUNCTION pgautomator._lock_due_pairs(timestamptz, int) FROM PUBLIC;

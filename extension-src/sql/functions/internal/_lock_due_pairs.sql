CREATE OR REPLACE FUNCTION pgautomator._lock_due_pairs(at timestamptz, max_pairs int, OUT job_ids bigint[], OUT schedule_ids bigint[])
LANGUAGE sql
-- Walk job_schedule_next_fire_at_idx in order and stop at max_pairs, even when stale statistics
-- (a burst of changes not yet analyzed) would make the planner read and sort every due pair.
SET enable_sort = off
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT array_agg(x.job_id), array_agg(x.schedule_id)
    FROM (SELECT js.job_id, js.schedule_id
            FROM pgautomator.job_schedule js
           WHERE js.next_fire_at <= _lock_due_pairs.at
           ORDER BY js.next_fire_at
           LIMIT _lock_due_pairs.max_pairs
             FOR UPDATE SKIP LOCKED) x
$$;
COMMENT ON FUNCTION pgautomator._lock_due_pairs(timestamptz, int) IS
  '_fire_due, step one: locks (SKIP LOCKED) up to max_pairs job-schedule pairs due by at, earliest first, and returns them (NULL arrays when none).';
REVOKE ALL ON FUNCTION pgautomator._lock_due_pairs(timestamptz, int) FROM PUBLIC;

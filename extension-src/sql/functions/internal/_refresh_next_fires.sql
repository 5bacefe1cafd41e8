CREATE OR REPLACE FUNCTION pgautomator._refresh_next_fires(job_id bigint DEFAULT NULL, schedule_id bigint DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  touched   integer;
  p_job     bigint[];
  p_sched   bigint[];
  p_spec    jsonb[];
  p_after   timestamptz[];
BEGIN
  -- Recomputes from `at` (never before a fire already turned into a run: last_fire_at), so a pair
  -- whose job or schedule was just enabled resumes from now and fires missed meanwhile are not
  -- caught up. Callers refresh only on a real change, so a due fire waiting for an agent (next_fire_at
  -- in the past, to be handled by the misfire policy) is not pushed away by a no-op call.
  -- The pairs are locked and read first, then their next fires computed in one engine call
  -- (_next_fire_each: one plv8 call for all of them under the plv8 engine, where one call per
  -- pair cost more than the PL/pgSQL engine), then written. The lock (the one the UPDATE takes)
  -- makes the read see a concurrent claim's last_fire_at, as the UPDATE's own recheck did.
  SELECT array_agg(x.job_id), array_agg(x.schedule_id), array_agg(x.spec), array_agg(x.after)
    INTO p_job, p_sched, p_spec, p_after
    FROM (SELECT js.job_id, js.schedule_id,
                 CASE WHEN j.enabled AND s.enabled THEN s.spec END AS spec,
                 GREATEST(_refresh_next_fires.at, js.last_fire_at) AS after
            FROM pgautomator.job_schedule js
            JOIN pgautomator.job j ON j.id = js.job_id
            JOIN pgautomator.schedule s ON s.id = js.schedule_id
           WHERE (_refresh_next_fires.job_id IS NULL OR js.job_id = _refresh_next_fires.job_id)
             AND (_refresh_next_fires.schedule_id IS NULL OR js.schedule_id = _refresh_next_fires.schedule_id)
             FOR NO KEY UPDATE OF js) x;
  IF p_job IS NULL THEN
    RETURN 0;
  END IF;
  UPDATE pgautomator.job_schedule js
     SET next_fire_at = u.follow
    FROM unnest(p_job, p_sched, pgautomator._next_fire_each(p_spec, p_after)) AS u(job_id, schedule_id, follow)
   WHERE js.job_id = u.job_id AND js.schedule_id = u.schedule_id;
  GET DIAGNOSTICS touched = ROW_COUNT;
  IF touched > 0 THEN
    PERFORM pgautomator._notify('schedule_changed');
  END IF;
  RETURN touched;
END
$$;
COMMENT ON FUNCTION pgautomator._refresh_next_fires(bigint, bigint, timestamptz) IS
  'Recomputes job_schedule.next_fire_at, for the pairs of one job and/or one schedule (NULL: all), as the schedule''s first fire strictly after at (and after last_fire_at) when both job and schedule are enabled, NULL otherwise; then NOTIFY schedule_changed so agents re-plan their sleep. Returns the number of pairs recomputed.';

CREATE OR REPLACE FUNCTION pgautomator._refresh_next_fires(job_id bigint DEFAULT NULL, schedule_id bigint DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  touched integer;
BEGIN
  -- Recomputes from `at` (never before a fire already turned into a run: last_fire_at), so a pair
  -- whose job or schedule was just enabled resumes from now and fires missed meanwhile are not
  -- caught up. Callers refresh only on a real change, so a due fire waiting for an agent (next_fire_at
  -- in the past, to be handled by the misfire policy) is not pushed away by a no-op call.
  UPDATE pgautomator.job_schedule js
     SET next_fire_at = CASE WHEN j.enabled AND s.enabled
                             THEN pgautomator._next_fire(s.spec, GREATEST(_refresh_next_fires.at, js.last_fire_at))
                        END
    FROM pgautomator.job j, pgautomator.schedule s
   WHERE j.id = js.job_id
     AND s.id = js.schedule_id
     AND (_refresh_next_fires.job_id IS NULL OR js.job_id = _refresh_next_fires.job_id)
     AND (_refresh_next_fires.schedule_id IS NULL OR js.schedule_id = _refresh_next_fires.schedule_id);
  GET DIAGNOSTICS touched = ROW_COUNT;
  IF touched > 0 THEN
    PERFORM pgautomator._notify('schedule_changed');
  END IF;
  RETURN touched;
END
$$;
COMMENT ON FUNCTION pgautomator._refresh_next_fires(bigint, bigint, timestamptz) IS
  'Recomputes job_schedule.next_fire_at, for the pairs of one job and/or one schedule (NULL: all), as the schedule''s first fire strictly after at (and after last_fire_at) when both job and schedule are enabled, NULL otherwise; then NOTIFY schedule_changed so agents re-plan their sleep. Returns the number of pairs recomputed.';

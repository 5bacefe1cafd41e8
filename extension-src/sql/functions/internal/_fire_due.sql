CREATE OR REPLACE FUNCTION pgautomator._fire_due(at timestamptz DEFAULT now(), max_pairs int DEFAULT 1000)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  pair   record;
  queued int := 0;
BEGIN
  -- Due pairs in order of their fire, each locked with its job. SKIP LOCKED: concurrent claimers
  -- split the due pairs between them and never wait for each other; a pair whose job another
  -- claimer holds (firing another schedule of it, or claiming its runs) is left for the next call.
  -- The job lock is NO KEY UPDATE so that foreign-key checks of concurrent inserts are not blocked.
  FOR pair IN
    SELECT js.job_id, js.schedule_id, js.next_fire_at, s.spec, j.overlap, j.misfire, j.misfire_grace,
           j.enabled AND s.enabled AS enabled
      FROM pgautomator.job_schedule js
      JOIN pgautomator.job j ON j.id = js.job_id
      JOIN pgautomator.schedule s ON s.id = js.schedule_id
     WHERE js.next_fire_at <= _fire_due.at
     ORDER BY js.next_fire_at
     LIMIT _fire_due.max_pairs
       FOR UPDATE OF js SKIP LOCKED
       FOR NO KEY UPDATE OF j SKIP LOCKED
  LOOP
    IF NOT pair.enabled THEN
      -- A disabled job or schedule fires nothing and its next fire is NULL (enabling resumes from
      -- now); normally disable_* clears it already, this keeps a stray row from being rescanned.
      UPDATE pgautomator.job_schedule js SET next_fire_at = NULL
       WHERE js.job_id = pair.job_id AND js.schedule_id = pair.schedule_id;
      CONTINUE;
    END IF;
    queued := queued + pgautomator._fire_pair(pair.job_id, pair.schedule_id, pair.spec, pair.next_fire_at,
                                              pair.overlap, pair.misfire, pair.misfire_grace, _fire_due.at);
  END LOOP;
  IF queued > 0 THEN
    PERFORM pgautomator._notify('run_queued', jsonb_build_object('trigger', 'schedule', 'count', queued));
  END IF;
  RETURN queued;
END
$$;
COMMENT ON FUNCTION pgautomator._fire_due(timestamptz, int) IS
  'Fires due schedules: job-schedule pairs with next_fire_at <= at whose job and schedule are enabled (at most max_pairs per call, '
  'locked with SKIP LOCKED so concurrent claimers share the work) are turned into runs by _fire_pair. Returns the number of runs queued.';
REVOKE ALL ON FUNCTION pgautomator._fire_due(timestamptz, int) FROM PUBLIC;

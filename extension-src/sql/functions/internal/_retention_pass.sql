CREATE OR REPLACE FUNCTION pgautomator._retention_pass(at timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_every    CONSTANT interval := '1 minute';  -- at most one pass a minute, whoever heartbeats
  c_max_jobs CONSTANT int := 200;              -- jobs visited per pass (the next pass goes on from there)
  c_max_rows CONSTANT int := 1000;             -- runs deleted per pass
  marker     jsonb;
  after_job  bigint;
  jobs       bigint[];
  deleted    bigint;
BEGIN
  -- Marker row: when the last pass ran and the last job it visited. Read first without a lock,
  -- so that the usual heartbeat (no pass due) writes nothing; then locked SKIP LOCKED: while one
  -- heartbeat is purging, the others go on at once.
  SELECT v.value INTO marker FROM pgautomator.setting v WHERE v.name = 'retention_pass';
  IF marker ? 'at' AND (marker ->> 'at')::timestamptz > _retention_pass.at - c_every THEN
    RETURN 0;
  END IF;
  INSERT INTO pgautomator.setting (name, value) VALUES ('retention_pass', '{}')
  ON CONFLICT (name) DO NOTHING;
  SELECT v.value INTO marker FROM pgautomator.setting v WHERE v.name = 'retention_pass' FOR UPDATE SKIP LOCKED;
  IF marker IS NULL OR (marker ? 'at' AND (marker ->> 'at')::timestamptz > _retention_pass.at - c_every) THEN
    RETURN 0;
  END IF;
  -- The run counters too (run_count_delta into run_count and run_histogram): a minute of ended
  -- runs at once.
  PERFORM pgautomator._fold_run_counts();
  after_job := coalesce((marker ->> 'job_id')::bigint, 0);
  jobs := ARRAY(SELECT j.id FROM pgautomator.job j WHERE j.id > after_job ORDER BY j.id LIMIT c_max_jobs);
  deleted := pgautomator._apply_retention(_retention_pass.at, jobs, NULL, NULL, true, c_max_rows);
  UPDATE pgautomator.setting v
     SET value = jsonb_build_object('at', _retention_pass.at,
                   -- Stopped by the row limit: the same jobs again next time; else the next ones
                   -- (from the first job again after the last).
                   'job_id', CASE WHEN deleted >= c_max_rows THEN after_job
                                  WHEN cardinality(jobs) < c_max_jobs THEN 0
                                  ELSE jobs[cardinality(jobs)] END),
         updated_at = now()
   WHERE v.name = 'retention_pass';
  RETURN deleted;
END
$$;
COMMENT ON FUNCTION pgautomator._retention_pass(timestamptz) IS
  'History retention run by the database itself: called by agent heartbeats, it applies the retention policies (_apply_retention) '
  'at most once a minute, to at most 200 jobs and 1,000 runs per pass, remembering where it stopped in setting retention_pass; '
  'and folds the run counters (_fold_run_counts). Returns runs deleted.';
REVOKE ALL ON FUNCTION pgautomator._retention_pass(timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION pgautomator._check_job(j pgautomator.job)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- One validator for create_job and update_job: the would-be row, every field with its own
  -- message, before anything is written. (The table's CHECKs are the backstop, not the messages.)
  PERFORM pgautomator._check_name(j.name, 'job name', 200);
  PERFORM pgautomator._check_one_of(j.overlap, ARRAY['skip', 'queue_one', 'queue_all', 'cancel_previous', 'allow'], 'job overlap', 'overlap');
  PERFORM pgautomator._check_one_of(j.misfire, ARRAY['run_once', 'run_all', 'skip'], 'job misfire', 'misfire');
  PERFORM pgautomator._check_one_of(j.on_abandon, ARRAY['fail', 'retry', 'wait'], 'job on_abandon', 'on_abandon');
  IF j.misfire_grace IS NULL OR j.misfire_grace < interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('job misfire_grace must be an interval of 0 or more (got %s)', coalesce(j.misfire_grace::text, 'NULL')),
      'field: misfire_grace', 'For example: misfire_grace => ''5 minutes''.');
  END IF;
  IF j.timeout IS NOT NULL AND j.timeout <= interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('job timeout must be a positive interval or NULL (got %s)', j.timeout),
      'field: timeout', 'For example: timeout => ''2 hours''; NULL means no limit.');
  END IF;
  IF j.abandon_retries IS NULL OR j.abandon_retries NOT BETWEEN 0 AND 100 THEN
    PERFORM pgautomator._raise('PA002', format('job abandon_retries must be from 0 to 100 (got %s)', coalesce(j.abandon_retries::text, 'NULL')),
      'field: abandon_retries', 'For example: abandon_retries => 1.');
  END IF;
  IF j.keep_runs IS NOT NULL AND j.keep_runs < 1 THEN
    PERFORM pgautomator._raise('PA002', format('job keep_runs must be 1 or more, or NULL for the global retention (got %s)', j.keep_runs),
      'field: keep_runs', 'For example: keep_runs => 100.');
  END IF;
  IF j.keep_age IS NOT NULL AND j.keep_age <= interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('job keep_age must be a positive interval, or NULL for the global retention (got %s)', j.keep_age),
      'field: keep_age', 'For example: keep_age => ''30 days''.');
  END IF;
  IF j.agent_tags IS NULL OR array_position(j.agent_tags, NULL) IS NOT NULL
     OR EXISTS (SELECT 1 FROM unnest(j.agent_tags) t WHERE btrim(t) = '') THEN
    PERFORM pgautomator._raise('PA002', 'job agent_tags must be an array of non-blank tags (''{}'' for none)',
      'field: agent_tags', 'For example: agent_tags => ''{linux,backup}''.');
  END IF;
  IF j.enabled IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'job enabled must be true or false (got NULL)', 'field: enabled',
      'Pass enabled => true, or use enable_job / disable_job.');
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_job(pgautomator.job) IS 'Validates a would-be job row field by field, raising PA002 naming the first bad field; shared by create_job and update_job.';

CREATE OR REPLACE FUNCTION pgautomator._apply_retention(
  at         timestamptz DEFAULT now(),
  job_ids    bigint[] DEFAULT NULL,
  keep_runs  int DEFAULT NULL,
  keep_age   interval DEFAULT NULL,
  use_policy boolean DEFAULT true,
  max_rows   bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  g_keep_runs int;
  g_keep_age  interval;
  p           record;
  threshold   bigint;
  n           bigint;
  deleted     bigint := 0;
BEGIN
  -- Retention deletes finished runs only: queued and running runs are never touched (the
  -- finished_at IS NOT NULL test is the job_run_finished_states constraint's other half).
  IF use_policy THEN
    SELECT (v.value ->> 'keep_runs')::int, (v.value ->> 'keep_age')::interval
      INTO g_keep_runs, g_keep_age
      FROM pgautomator.setting v WHERE v.name = 'retention';
  END IF;
  FOR p IN
    SELECT j.id,
           CASE WHEN use_policy THEN coalesce(j.keep_runs, g_keep_runs) ELSE _apply_retention.keep_runs END AS keep_runs,
           CASE WHEN use_policy THEN coalesce(j.keep_age, g_keep_age) ELSE _apply_retention.keep_age END AS keep_age
      FROM pgautomator.job j
     WHERE _apply_retention.job_ids IS NULL OR j.id = ANY (_apply_retention.job_ids)
     ORDER BY j.id
  LOOP
    CONTINUE WHEN p.keep_runs IS NULL AND p.keep_age IS NULL;
    EXIT WHEN max_rows IS NOT NULL AND deleted >= max_rows;
    IF p.keep_runs IS NOT NULL THEN
      -- The newest keep_runs finished runs stay (newest by id: the order runs were created in).
      threshold := NULL;
      SELECT r.id INTO threshold
        FROM pgautomator.job_run r
       WHERE r.job_id = p.id AND r.finished_at IS NOT NULL
       ORDER BY r.id DESC OFFSET p.keep_runs LIMIT 1;
      IF threshold IS NOT NULL THEN
        DELETE FROM pgautomator.job_run d
         WHERE d.id IN (SELECT r.id FROM pgautomator.job_run r
                         WHERE r.job_id = p.id AND r.id <= threshold AND r.finished_at IS NOT NULL
                         ORDER BY r.id
                         LIMIT CASE WHEN max_rows IS NULL THEN NULL ELSE max_rows - deleted END);
        GET DIAGNOSTICS n = ROW_COUNT;
        deleted := deleted + n;
      END IF;
    END IF;
    IF p.keep_age IS NOT NULL AND (max_rows IS NULL OR deleted < max_rows) THEN
      DELETE FROM pgautomator.job_run d
       WHERE d.id IN (SELECT r.id FROM pgautomator.job_run r
                       WHERE r.job_id = p.id AND r.finished_at < _apply_retention.at - p.keep_age
                       ORDER BY r.id
                       LIMIT CASE WHEN max_rows IS NULL THEN NULL ELSE max_rows - deleted END);
      GET DIAGNOSTICS n = ROW_COUNT;
      deleted := deleted + n;
    END IF;
  END LOOP;
  RETURN deleted;
END
$$;
COMMENT ON FUNCTION pgautomator._apply_retention(timestamptz, bigint[], int, interval, boolean, bigint) IS
  'Deletes finished runs (with their step runs, logs and mail) of the given jobs (NULL: all). use_policy: each job''s keep_runs and '
  'keep_age, else the global setting retention; otherwise the keep_runs and keep_age given. A run goes when it is older than keep_age '
  'or not among the newest keep_runs finished runs of its job. At most max_rows (NULL: no limit). Returns how many runs were deleted.';
REVOKE ALL ON FUNCTION pgautomator._apply_retention(timestamptz, bigint[], int, interval, boolean, bigint) FROM PUBLIC;

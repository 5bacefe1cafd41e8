CREATE OR REPLACE FUNCTION pgautomator.purge_history(
  older_than interval DEFAULT NULL,
  keep_runs  int DEFAULT NULL,
  job        text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  job_ids bigint[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  IF purge_history.older_than IS NOT NULL AND purge_history.older_than < interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('older_than must not be negative, got %s', purge_history.older_than), 'field: older_than',
      'Pass how old a finished run must be to go, such as ''90 days''.');
  END IF;
  IF purge_history.keep_runs IS NOT NULL AND purge_history.keep_runs < 0 THEN
    PERFORM pgautomator._raise('PA002', format('keep_runs must be 0 or more, got %s', purge_history.keep_runs), 'field: keep_runs',
      'Pass how many of the newest finished runs of each job stay.');
  END IF;
  IF purge_history.job IS NOT NULL THEN
    job_ids := ARRAY[pgautomator._job_id(purge_history.job)];
  END IF;
  -- Ages are measured by the database clock, never the caller's.
  RETURN pgautomator._apply_retention(now(), job_ids, purge_history.keep_runs, purge_history.older_than,
                                      purge_history.older_than IS NULL AND purge_history.keep_runs IS NULL, NULL);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.purge_history(interval, int, text) IS
  'Deletes finished runs (with their step runs, output and mail) of one job or all: older than older_than and/or beyond the newest '
  'keep_runs of each job; with neither, each job''s keep_runs and keep_age apply, else the global retention (set_retention). Queued '
  'and running runs are never deleted. Returns how many runs were deleted. The database also applies the retention policies by itself, '
  'a little at a time, from agent heartbeats.';
REVOKE ALL ON FUNCTION pgautomator.purge_history(interval, int, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.purge_history(interval, int, text) TO pgautomator_admin;

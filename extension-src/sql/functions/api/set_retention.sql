CREATE OR REPLACE FUNCTION pgautomator.set_retention(keep_runs int DEFAULT NULL, keep_age interval DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v jsonb;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  IF set_retention.keep_runs IS NOT NULL AND set_retention.keep_runs < 1 THEN
    PERFORM pgautomator._raise('PA002', format('keep_runs must be 1 or more (or NULL: no limit), got %s', set_retention.keep_runs),
      'field: keep_runs', 'Pass how many finished runs of each job to keep, or NULL.');
  END IF;
  IF set_retention.keep_age IS NOT NULL AND set_retention.keep_age <= interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('keep_age must be positive (or NULL: no limit), got %s', set_retention.keep_age),
      'field: keep_age', 'Pass how long finished runs are kept, such as ''90 days'', or NULL.');
  END IF;
  v := jsonb_build_object('keep_runs', set_retention.keep_runs, 'keep_age', set_retention.keep_age::text);
  INSERT INTO pgautomator.setting (name, value) VALUES ('retention', v)
  ON CONFLICT ON CONSTRAINT setting_pkey DO UPDATE SET value = excluded.value, updated_at = now();
  RETURN v;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_retention(int, interval) IS
  'Sets the global history retention, used by jobs whose own keep_runs or keep_age is NULL: keep at most keep_runs finished runs per '
  'job, and none older than keep_age (NULL: no limit). The database applies it by itself, a little at a time; purge_history() applies it at once. '
  'Returns the setting stored.';
REVOKE ALL ON FUNCTION pgautomator.set_retention(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_retention(int, interval) TO pgautomator_admin;

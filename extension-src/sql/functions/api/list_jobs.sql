CREATE OR REPLACE FUNCTION pgautomator.list_jobs(category text DEFAULT NULL)
RETURNS SETOF pgautomator.jobs
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF list_jobs.category IS NOT NULL THEN
    PERFORM pgautomator._category_id(list_jobs.category);
  END IF;
  RETURN QUERY
    SELECT v.* FROM pgautomator.jobs v
     WHERE list_jobs.category IS NULL OR v.category = list_jobs.category
     ORDER BY v.name;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_jobs(text) IS
$c$Lists the jobs (rows of the jobs view: category, enabled, owner, agent, policies, step count, schedules, next run, last run), by name.
Arguments: category, only the jobs of this category (default: all).
Errors: PA010 no such category; PA040 caller is not pgautomator_viewer (or above).
Example: SELECT name, enabled, next_run_at, last_run_state FROM pgautomator.list_jobs();$c$;
REVOKE ALL ON FUNCTION pgautomator.list_jobs(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_jobs(text) TO pgautomator_viewer;

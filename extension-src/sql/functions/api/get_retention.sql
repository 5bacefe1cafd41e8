CREATE OR REPLACE FUNCTION pgautomator.get_retention()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  g_keep_runs int;
  g_keep_age  interval;
  own         int;
  purgeable   bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  SELECT (v.value ->> 'keep_runs')::int, (v.value ->> 'keep_age')::interval INTO g_keep_runs, g_keep_age
    FROM pgautomator.setting v WHERE v.name = 'retention';
  SELECT count(*) INTO own FROM pgautomator.job j WHERE j.keep_runs IS NOT NULL OR j.keep_age IS NOT NULL;
  -- What purge_history() would delete now: the runs _apply_retention deletes under the policies
  -- (each job's own, else the global one), counted by the same two rules: not among the newest
  -- keep_runs finished runs of the job (newest by id), or finished longer than keep_age ago.
  SELECT count(*) INTO purgeable
    FROM (SELECT r.finished_at,
                 row_number() OVER (PARTITION BY r.job_id ORDER BY r.id DESC) AS newest,
                 coalesce(j.keep_runs, g_keep_runs) AS keep_runs,
                 coalesce(j.keep_age, g_keep_age) AS keep_age
            FROM pgautomator.job_run r
            JOIN pgautomator.job j ON j.id = r.job_id
           WHERE r.finished_at IS NOT NULL
             AND (j.keep_runs IS NOT NULL OR j.keep_age IS NOT NULL OR g_keep_runs IS NOT NULL OR g_keep_age IS NOT NULL)) f
   WHERE f.newest > f.keep_runs OR f.finished_at < now() - f.keep_age;
  RETURN jsonb_build_object('keep_runs', g_keep_runs, 'keep_age', g_keep_age::text, 'jobs_with_own_policy', own,
                            'runs_to_purge', purgeable);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.get_retention() IS
$c$The history retention as JSON: {keep_runs, keep_age} of the global setting (set_retention; null: no limit), jobs_with_own_policy (jobs whose own keep_runs or keep_age replaces it), and runs_to_purge: how many finished runs purge_history() with no argument would delete now (the database also deletes them by itself, a little at a time).
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.get_retention() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.get_retention() TO pgautomator_viewer;

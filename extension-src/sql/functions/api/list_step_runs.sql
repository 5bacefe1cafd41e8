CREATE OR REPLACE FUNCTION pgautomator.list_step_runs(job text, step text, "limit" int DEFAULT 20, before_id bigint DEFAULT NULL)
RETURNS TABLE (id bigint, run_id bigint, attempt int, state text, agent text, started_at timestamptz, finished_at timestamptz,
               duration interval, exit_code int, message text, output_bytes bigint)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  sid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  jid := pgautomator._job_id(list_step_runs.job);
  sid := pgautomator._step_id(jid, list_step_runs.step);
  IF list_step_runs."limit" IS NULL OR list_step_runs."limit" NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('list_step_runs limit must be from 1 to 1000 (got %s)', coalesce(list_step_runs."limit"::text, 'NULL')),
      'field: limit', 'Page with before_id => the smallest id of the previous page.');
  END IF;
  -- A step's history across runs, by its id (a renamed step keeps its history): the (step_id, id)
  -- index reads exactly the page. No output here (up to 1 MB per attempt): step_output or get_run
  -- give it for one attempt.
  RETURN QUERY
    SELECT sr.id, sr.job_run_id, sr.attempt, sr.state, a.name::text, sr.started_at, sr.finished_at,
           coalesce(sr.finished_at, now()) - sr.started_at, sr.exit_code, sr.message, sr.output_bytes
      FROM pgautomator.step_run sr
      LEFT JOIN pgautomator.agent a ON a.id = sr.agent_id
     WHERE sr.step_id = sid
       AND (list_step_runs.before_id IS NULL OR sr.id < list_step_runs.before_id)
     ORDER BY sr.id DESC
     LIMIT list_step_runs."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_step_runs(text, text, int, bigint) IS
$c$A step's history across runs, newest first: one row per attempt (retries included) with its run, state, agent, times, duration (so far, while running), exit code, message and the size of its output (step_output gives the output).
Arguments: job and step, the job's and the step's names (a renamed step keeps its history); "limit": page size 1..1000 (default 20); before_id: the next page, attempts with a smaller id than the last one seen.
Errors: PA002 bad limit; PA010 no such job or step; PA040 caller is not pgautomator_viewer (or above).
Example: SELECT run_id, state, duration, exit_code FROM pgautomator.list_step_runs('backup', 'dump', "limit" => 10);$c$;
REVOKE ALL ON FUNCTION pgautomator.list_step_runs(text, text, int, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_step_runs(text, text, int, bigint) TO pgautomator_viewer;

CREATE OR REPLACE FUNCTION pgautomator.step_output(step_run_id bigint, after_id bigint DEFAULT 0, "limit" int DEFAULT 1000)
RETURNS SETOF jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF NOT EXISTS (SELECT 1 FROM pgautomator.step_run sr WHERE sr.id = step_output.step_run_id) THEN
    PERFORM pgautomator._raise('PA010', format('step run %s does not exist', coalesce(step_output.step_run_id::text, 'NULL')), 'field: step_run_id',
      'pgautomator.get_run(run_id) lists the step runs of a run with their ids.');
  END IF;
  IF step_output."limit" IS NULL OR step_output."limit" NOT BETWEEN 1 AND 10000 THEN
    PERFORM pgautomator._raise('PA002', format('step_output limit must be from 1 to 10000 (got %s)', coalesce(step_output."limit"::text, 'NULL')),
      'field: limit', 'Read on with after_id => the last id received.');
  END IF;
  RETURN QUERY
    SELECT jsonb_build_object('id', l.id, 'logged_at', l.logged_at, 'stream', l.stream, 'chunk', l.chunk)
      FROM pgautomator.step_log l
     WHERE l.step_run_id = step_output.step_run_id AND l.id > coalesce(step_output.after_id, 0)
     ORDER BY l.id
     LIMIT step_output."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.step_output(bigint, bigint, int) IS
$c$The output a step attempt has streamed so far, as chunks {"id", "logged_at", "stream" (stdout, stderr, notice, info), "chunk"}, oldest first. To follow a running step, call again with after_id set to the last id received (the step_output NOTIFY event says when there is more). The whole bounded output of a finished attempt is also in get_run.
Arguments: step_run_id (from get_run or the running view); after_id, only chunks after this id (default 0: from the start); "limit", at most this many chunks (1..10000, default 1000).
Errors: PA002 bad limit; PA010 no such step run; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.step_output(bigint, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.step_output(bigint, bigint, int) TO pgautomator_viewer;

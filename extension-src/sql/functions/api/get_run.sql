CREATE OR REPLACE FUNCTION pgautomator.get_run(run_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  run jsonb;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  SELECT to_jsonb(v) INTO run FROM pgautomator.runs v WHERE v.id = get_run.run_id;
  IF run IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('run %s does not exist', coalesce(get_run.run_id::text, 'NULL')), 'field: run_id',
      'SELECT id, job, state FROM pgautomator.list_runs(); lists recent runs (old ones may have been purged by retention).');
  END IF;
  RETURN jsonb_build_object(
    'run', run,
    'steps', coalesce((SELECT jsonb_agg(to_jsonb(sr) - 'run_id' - 'job' ORDER BY sr.id)
                         FROM pgautomator.step_runs sr WHERE sr.run_id = get_run.run_id), '[]'));
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.get_run(bigint) IS
$c$One run as JSON: {"run": the runs view row, "steps": [every step attempt in the order they ran: position, step, attempt, retries, agent, state, started_at, finished_at, duration, exit_code, message, output, output_bytes]}.
Arguments: run_id.
Errors: PA010 no such run; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.get_run(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.get_run(bigint) TO pgautomator_viewer;

CREATE OR REPLACE FUNCTION pgautomator.remove_step(job text, step text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid       bigint;
  sid       bigint;
  pos       int;
  referrers text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(remove_step.job, true);
  sid := pgautomator._step_id(jid, remove_step.step, true);
  referrers := ARRAY(SELECT x.name FROM pgautomator.step x
                      WHERE x.job_id = jid AND x.id <> sid AND sid IN (x.on_success_goto, x.on_failure_goto)
                      ORDER BY x.position);
  IF cardinality(referrers) > 0 THEN
    PERFORM pgautomator._raise('PA021',
      format('step %L of job %L is the goto target of step(s) %s', remove_step.step, remove_step.job, array_to_string(referrers, ', ')),
      'field: step',
      format('Point them elsewhere first, e.g. SELECT pgautomator.update_step(%L, %L, on_success => ''next'', on_failure => ''quit_failure'');',
             remove_step.job, referrers[1]));
  END IF;
  -- Past step runs keep their history (step_name and position) with step_id NULL.
  DELETE FROM pgautomator.step x WHERE x.id = sid RETURNING x.position INTO pos;
  UPDATE pgautomator.step x SET position = x.position - 1, updated_at = now() WHERE x.job_id = jid AND x.position > pos;
  UPDATE pgautomator.job x SET updated_at = now() WHERE x.id = jid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.remove_step(text, text) IS
$c$Removes a step from a job; the steps after it move up, so positions stay 1..n. Past runs keep the step's output in their history.
Arguments: job, the job's name; step, the step's name.
Errors: PA010 no such job or step; PA021 another step goes to it (on_success_goto / on_failure_goto; the message lists them); PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.remove_step(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.remove_step(text, text) TO pgautomator_admin;

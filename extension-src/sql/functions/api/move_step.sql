CREATE OR REPLACE FUNCTION pgautomator.move_step(job text, step text, "position" int)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid  bigint;
  sid  bigint;
  src  int;
  dst  int := move_step."position";
  n    int;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(move_step.job, true);
  sid := pgautomator._step_id(jid, move_step.step, true);
  SELECT x.position INTO src FROM pgautomator.step x WHERE x.id = sid;
  SELECT count(*) INTO n FROM pgautomator.step x WHERE x.job_id = jid;
  IF dst IS NULL OR dst NOT BETWEEN 1 AND n THEN
    PERFORM pgautomator._raise('PA002',
      format('step position must be from 1 to %s for job %L (got %s)', n, move_step.job, coalesce(dst::text, 'NULL')),
      'field: position', 'Give the position the step should have; 1 is first.');
  END IF;
  IF dst = src THEN
    RETURN;
  END IF;
  -- One statement moves the step and shifts those in between (the unique position constraint is
  -- DEFERRABLE, so it is checked when the statement ends).
  UPDATE pgautomator.step x
     SET position = CASE WHEN x.id = sid THEN dst
                         WHEN dst < src THEN x.position + 1
                         ELSE x.position - 1 END,
         updated_at = now()
   WHERE x.job_id = jid AND x.position BETWEEN least(src, dst) AND greatest(src, dst);
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
COMMENT ON FUNCTION pgautomator.move_step(text, text, int) IS
$c$Moves a step to another position of its job; the steps in between shift by one, so positions stay 1..n. Goto targets follow the steps (they name steps, not positions).
Arguments: job, the job's name; step, the step's name; "position", the new position, 1..n.
Errors: PA002 position out of 1..n; PA010 no such job or step; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.move_step('backup', 'vacuum', 1);$c$;
REVOKE ALL ON FUNCTION pgautomator.move_step(text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.move_step(text, text, int) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator._step_id(job_id bigint, step text, for_update boolean DEFAULT false, field text DEFAULT 'step')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT s.id INTO found FROM pgautomator.step s WHERE s.job_id = _step_id.job_id AND s.name = _step_id.step FOR UPDATE;
  ELSE
    SELECT s.id INTO found FROM pgautomator.step s WHERE s.job_id = _step_id.job_id AND s.name = _step_id.step;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010',
      format('step %L of job %L does not exist', step, (SELECT j.name FROM pgautomator.job j WHERE j.id = _step_id.job_id)),
      'field: ' || field,
      format('SELECT pgautomator.get_job(%L) -> ''steps''; lists the job''s steps.', (SELECT j.name FROM pgautomator.job j WHERE j.id = _step_id.job_id)));
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._step_id(bigint, text, boolean, text) IS 'The id of the step named step in the job job_id (optionally locked), or PA010 whose DETAIL names field.';

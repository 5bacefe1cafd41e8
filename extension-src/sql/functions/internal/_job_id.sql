CREATE OR REPLACE FUNCTION pgautomator._job_id(job text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT j.id INTO found FROM pgautomator.job j WHERE j.name = job FOR UPDATE;
  ELSE
    SELECT j.id INTO found FROM pgautomator.job j WHERE j.name = job;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('job %L does not exist', job), 'field: job',
      'SELECT name FROM pgautomator.jobs; lists the jobs.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._job_id(text, boolean) IS 'The id of the job named job (optionally locked), or PA010.';

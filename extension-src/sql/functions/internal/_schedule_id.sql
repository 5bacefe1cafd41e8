CREATE OR REPLACE FUNCTION pgautomator._schedule_id(schedule text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT s.id INTO found FROM pgautomator.schedule s WHERE s.name = schedule FOR UPDATE;
  ELSE
    SELECT s.id INTO found FROM pgautomator.schedule s WHERE s.name = schedule;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('schedule %L does not exist', schedule), 'field: schedule',
      'SELECT name FROM pgautomator.schedules; lists the schedules.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._schedule_id(text, boolean) IS 'The id of the schedule named schedule (optionally locked), or PA010.';

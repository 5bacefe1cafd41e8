CREATE OR REPLACE FUNCTION pgautomator._operator_id(operator text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT t.id INTO found FROM pgautomator.operator t WHERE t.name = operator FOR UPDATE;
  ELSE
    SELECT t.id INTO found FROM pgautomator.operator t WHERE t.name = operator;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('operator %L does not exist', operator), 'field: operator',
      'SELECT name FROM pgautomator.list_operators(); lists the operators.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._operator_id(text, boolean) IS 'The id of the operator named operator (optionally locked), or PA010.';

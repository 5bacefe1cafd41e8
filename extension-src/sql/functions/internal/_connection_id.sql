CREATE OR REPLACE FUNCTION pgautomator._connection_id(connection text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT t.id INTO found FROM pgautomator.connection t WHERE t.name = connection FOR UPDATE;
  ELSE
    SELECT t.id INTO found FROM pgautomator.connection t WHERE t.name = connection;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('connection %L does not exist', connection), 'field: connection',
      'SELECT name FROM pgautomator.list_connections(); lists the connections.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._connection_id(text, boolean) IS 'The id of the connection named connection (optionally locked), or PA010.';

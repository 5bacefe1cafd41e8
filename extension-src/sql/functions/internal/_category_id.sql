CREATE OR REPLACE FUNCTION pgautomator._category_id(category text, for_update boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found bigint;
BEGIN
  IF for_update THEN
    SELECT t.id INTO found FROM pgautomator.category t WHERE t.name = category FOR UPDATE;
  ELSE
    SELECT t.id INTO found FROM pgautomator.category t WHERE t.name = category;
  END IF;
  IF found IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('category %L does not exist', category), 'field: category',
      'SELECT name FROM pgautomator.list_categories(); lists the categories.');
  END IF;
  RETURN found;
END
$$;
COMMENT ON FUNCTION pgautomator._category_id(text, boolean) IS 'The id of the category named category (optionally locked), or PA010.';

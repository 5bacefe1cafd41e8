CREATE OR REPLACE FUNCTION pgautomator._check_operator(o pgautomator.operator)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._check_name(o.name, 'operator name', 100);
  -- Mail settings list operator names and addresses side by side; no @ keeps them apart.
  IF strpos(o.name, '@') > 0 THEN
    PERFORM pgautomator._raise('PA002', format('operator name must not contain @ (got "%s")', o.name), 'field: name',
      'Name the person or team (e.g. dba-team) and give the address as email.');
  END IF;
  IF o.email IS NULL OR o.email !~ '^[^@\s]+@[^@\s]+$' THEN
    PERFORM pgautomator._raise('PA002', format('operator email must be a mail address (got %s)', coalesce('"' || o.email || '"', 'NULL')),
      'field: email', 'For example: email => ''dba@example.com''.');
  END IF;
  IF o.enabled IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'operator enabled must be true or false (got NULL)', 'field: enabled', 'Pass true or false.');
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_operator(pgautomator.operator) IS 'Validates a would-be operator row (name without @, a mail address), raising PA002 naming the bad field; shared by create_operator and update_operator.';

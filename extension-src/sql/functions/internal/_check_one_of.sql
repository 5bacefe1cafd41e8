CREATE OR REPLACE FUNCTION pgautomator._check_one_of(value text, allowed text[], what text, field text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF value IS NULL OR NOT value = ANY (allowed) THEN
    PERFORM pgautomator._raise('PA002',
      format('%s must be one of %s (got %s)', what, array_to_string(allowed, ', '), coalesce('"' || value || '"', 'NULL')),
      'field: ' || field,
      format('Pass %s => %L (or another of the listed values).', field, allowed[1]));
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_one_of(text, text[], text, text) IS 'Raises PA002 (message: "<what> must be one of a, b, c (got "x")", DETAIL field: <field>) unless value is one of allowed.';

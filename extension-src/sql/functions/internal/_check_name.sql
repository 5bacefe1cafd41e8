CREATE OR REPLACE FUNCTION pgautomator._check_name(value text, what text, max_length int, field text DEFAULT 'name')
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- Names are what people type in psql and see in the UI: no blank ones, no surrounding spaces.
  IF value IS NULL OR btrim(value) = '' OR length(value) > max_length OR value <> btrim(value) THEN
    PERFORM pgautomator._raise('PA002',
      format('%s must be 1 to %s characters without leading or trailing spaces (got %s)',
             what, max_length, coalesce('"' || value || '"', 'NULL')),
      'field: ' || field,
      format('Pass a name such as %s => %L.', field, 'nightly-backup'));
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_name(text, text, int, text) IS 'Raises PA002 unless value is a usable object name: not NULL or blank, at most max_length characters, no leading or trailing spaces.';

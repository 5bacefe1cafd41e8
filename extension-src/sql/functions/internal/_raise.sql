CREATE OR REPLACE FUNCTION pgautomator._raise(code text, message text, detail text DEFAULT NULL, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = coalesce(detail, ''), HINT = coalesce(hint, '');
END
$$;
COMMENT ON FUNCTION pgautomator._raise(text, text, text, text) IS 'Raises one of our errors (SQLSTATE class PA, see extension-src/sql/README.md) with DETAIL and HINT.';

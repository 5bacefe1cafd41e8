CREATE OR REPLACE FUNCTION pgautomator._dsn_has_password(dsn text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- URL form with a password in the user info: scheme://user:secret@host/...
  SELECT dsn ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@]*:[^/?#]+@'
  -- key/value (libpq "password=", ADO/ODBC "Password=" / "PWD=") or URL query (?password=, &sslpassword=)
      OR dsn ~* '(^|[\s;?&])(ssl)?(password|passwd|pwd)\s*='
$$;
COMMENT ON FUNCTION pgautomator._dsn_has_password(text) IS 'True when a connection string carries a password: user:secret@ in a URL, or a password=/pwd=/sslpassword= key in key/value form or in a URL query.';

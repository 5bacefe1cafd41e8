CREATE OR REPLACE FUNCTION pgautomator._check_connection(c pgautomator.connection)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._check_name(c.name, 'connection name', 100);
  -- mssql was accepted once though no agent could run it: SQL Server is reached through ODBC.
  IF c.driver = 'mssql' THEN
    PERFORM pgautomator._raise('PA002', 'connection driver mssql is not supported: SQL Server is reached with driver odbc', 'field: driver',
      'Pass driver => ''odbc'' and an ODBC connection string without password, e.g. dsn => ''Driver={ODBC Driver 18 for SQL Server};Server=db;Database=sales;Uid=app'', with secret_ref for the password (docs/agent.md, SQL steps).');
  END IF;
  PERFORM pgautomator._check_one_of(c.driver, ARRAY['postgres', 'mysql', 'mariadb', 'sqlite', 'odbc'], 'connection driver', 'driver');
  IF c.dsn IS NULL OR btrim(c.dsn) = '' THEN
    PERFORM pgautomator._raise('PA002', 'connection dsn must not be empty', 'field: dsn',
      'For example: dsn => ''postgres://app@db.example.com:5432/sales'' (no password), or a file path for sqlite.');
  END IF;
  -- Secrets never live here in clear. The message does not repeat the dsn: it holds the password.
  IF pgautomator._dsn_has_password(c.dsn) THEN
    PERFORM pgautomator._raise('PA002', 'connection dsn must not contain a password', 'field: dsn',
      'Remove the password from the dsn and pass secret_ref => ''env:NAME'' (an environment variable on the agent host) or ''file:NAME'' (an entry of the agent''s secrets file); the agent fills it in.');
  END IF;
  PERFORM pgautomator._check_secret_ref(c.secret_ref, 'secret_ref');
END
$$;
COMMENT ON FUNCTION pgautomator._check_connection(pgautomator.connection) IS 'Validates a would-be connection row (name, driver, a dsn without a password, secret_ref env:NAME or file:NAME), raising PA002 naming the first bad field; shared by create_connection and update_connection.';

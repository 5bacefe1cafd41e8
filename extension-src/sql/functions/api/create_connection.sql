CREATE OR REPLACE FUNCTION pgautomator.create_connection(name text, driver text, dsn text, secret_ref text DEFAULT NULL, description text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c pgautomator.connection;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  c.name := create_connection.name;
  c.driver := create_connection.driver;
  c.dsn := create_connection.dsn;
  c.secret_ref := create_connection.secret_ref;
  c.description := create_connection.description;
  PERFORM pgautomator._check_connection(c);
  IF EXISTS (SELECT 1 FROM pgautomator.connection x WHERE x.name = c.name) THEN
    PERFORM pgautomator._raise('PA020', format('connection %L already exists', c.name), 'field: name',
      format('Choose another name, or change it with pgautomator.update_connection(%L, ...).', c.name));
  END IF;
  BEGIN
    INSERT INTO pgautomator.connection (name, driver, dsn, secret_ref, description)
    VALUES (c.name, c.driver, c.dsn, c.secret_ref, c.description)
    RETURNING id INTO c.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('connection %L already exists', c.name), 'field: name',
      'Another session created it a moment ago; choose another name.');
  END;
  RETURN c.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.create_connection(text, text, text, text, text) IS
$c$Creates a named target for SQL steps and returns its id. No secret is stored: the dsn carries no password, and secret_ref says where the agent finds it on its own host.
Arguments: name, unique (1..100 characters); driver, postgres, mysql, mariadb, sqlite or odbc (any database with an ODBC driver on the agent host: SQL Server, Oracle, Db2...; mssql is refused: use odbc); dsn, the connection string without password (postgres://app@db:5432/sales, mysql://app@db/sales, a SQLite file path, an ODBC string such as Driver={ODBC Driver 18 for SQL Server};Server=db;Database=sales;Uid=app or DSN=name...); secret_ref, env:NAME (an environment variable of the agent) or file:NAME (an entry of the agent's secrets file), or NULL when no password is needed; description.
Errors: PA002 a bad value, a dsn that contains a password (user:secret@host, password=..., pwd=...), or a malformed secret_ref; PA020 a connection of that name exists; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.create_connection('sales', 'postgres', 'postgres://report@db.example.com/sales', 'env:SALES_PASSWORD');$c$;
REVOKE ALL ON FUNCTION pgautomator.create_connection(text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.create_connection(text, text, text, text, text) TO pgautomator_admin;

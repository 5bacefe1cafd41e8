CREATE TABLE pgautomator.connection (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  driver       text NOT NULL CHECK (driver IN ('postgres', 'mysql', 'mariadb', 'sqlite', 'odbc')),
  dsn          text NOT NULL,
  secret_ref   text CHECK (secret_ref ~ '^(env|file):[A-Za-z0-9_.-]+$'),
  description  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE pgautomator.connection IS 'Named targets of SQL steps. The password is never stored: secret_ref names where the agent host keeps it.';
COMMENT ON COLUMN pgautomator.connection.name IS 'Unique connection name that SQL steps refer to.';
COMMENT ON COLUMN pgautomator.connection.driver IS 'postgres, mysql, mariadb, sqlite or odbc (any database with an ODBC driver on the agent host: SQL Server, Oracle, Db2...).';
COMMENT ON COLUMN pgautomator.connection.dsn IS 'Connection string or path without the password (postgres://user@host/db, mysql://user@host/db, a SQLite file path).';
COMMENT ON COLUMN pgautomator.connection.secret_ref IS 'Where the agent finds the password: env:NAME (an environment variable) or file:NAME (an entry of the agent''s secrets file).';
COMMENT ON COLUMN pgautomator.connection.description IS 'Free text.';
COMMENT ON COLUMN pgautomator.connection.created_at IS 'When the connection was created.';
COMMENT ON COLUMN pgautomator.connection.updated_at IS 'When the connection was last changed.';

CREATE OR REPLACE VIEW pgautomator.connections AS
SELECT c.id,
       c.name,
       c.driver,
       c.dsn,
       c.secret_ref,
       c.description,
       (SELECT count(*) FROM pgautomator.step s WHERE s.connection_id = c.id)::int AS steps,
       c.created_at,
       c.updated_at
  FROM pgautomator.connection c;
COMMENT ON VIEW pgautomator.connections IS 'Named targets of SQL steps (no secrets are stored: secret_ref says where the agent finds the password). Read with pgautomator.list_connections().';
COMMENT ON COLUMN pgautomator.connections.secret_ref IS 'env:NAME or file:NAME, resolved on the agent host.';
COMMENT ON COLUMN pgautomator.connections.steps IS 'Number of steps that use the connection.';

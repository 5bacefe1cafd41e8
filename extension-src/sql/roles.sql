-- Group roles (cluster-wide, so created only when missing; NOLOGIN: grant them to login roles
-- with pgautomator.grant_role()). Admin includes operator includes viewer; agent stands apart.
DO $roles$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
  IF NOT pg_catalog.pg_has_role('pgautomator_operator', 'pgautomator_viewer', 'MEMBER') THEN
    GRANT pgautomator_viewer TO pgautomator_operator;
  END IF;
  IF NOT pg_catalog.pg_has_role('pgautomator_admin', 'pgautomator_operator', 'MEMBER') THEN
    GRANT pgautomator_operator TO pgautomator_admin;
  END IF;
END
$roles$;
COMMENT ON ROLE pgautomator_viewer IS 'pgAutomator: reads jobs, schedules, runs and agents through the API.';
COMMENT ON ROLE pgautomator_operator IS 'pgAutomator: viewer, plus start, kill, enable and disable jobs.';
COMMENT ON ROLE pgautomator_admin IS 'pgAutomator: operator, plus create, change and delete every object.';
COMMENT ON ROLE pgautomator_agent IS 'pgAutomator: the agent protocol only (register, heartbeat, claim, report).';
-- Nothing in the schema is for PUBLIC: each function is granted to the roles that need it (grants.sql).
REVOKE ALL ON SCHEMA pgautomator FROM PUBLIC;
GRANT USAGE ON SCHEMA pgautomator TO pgautomator_viewer, pgautomator_agent;

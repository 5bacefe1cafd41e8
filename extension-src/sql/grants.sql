-- Privileges of the whole schema, run last (and replayed by every upgrade script, so everything
-- here must be idempotent). Each function file grants its own EXECUTE; this file closes the rest.

-- Tables are nobody's: every role reads and writes through functions (DESIGN.md section 1).
-- (ALL TABLES includes the views, granted again just below.)
REVOKE ALL ON ALL TABLES IN SCHEMA pgautomator FROM PUBLIC, pgautomator_viewer, pgautomator_operator, pgautomator_admin, pgautomator_agent;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA pgautomator FROM PUBLIC, pgautomator_viewer, pgautomator_operator, pgautomator_admin, pgautomator_agent;

-- The read models, for psql users (operator and admin inherit viewer). The views run with their
-- owner's rights, so SELECT on a view never opens the table beneath it.
GRANT SELECT ON
  pgautomator.agents,
  pgautomator.alerts,
  pgautomator.categories,
  pgautomator.connections,
  pgautomator.job_triggers,
  pgautomator.jobs,
  pgautomator.operators,
  pgautomator.running,
  pgautomator.runs,
  pgautomator.schedules,
  pgautomator.step_runs
TO pgautomator_viewer;

-- Safety net: a function created without its own REVOKE is still closed to PUBLIC
-- (CREATE FUNCTION grants EXECUTE to PUBLIC by default).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA pgautomator FROM PUBLIC;

-- job.steps_payload follows every change of what it is made of: a job's steps (any field the
-- payload holds, a step added, moved or removed, a goto target's position) and the connections its
-- SQL steps use. Triggers, not the API functions: every path that writes steps (add_step,
-- update_step, move_step, remove_step, copy_job, import_jobs, the cascades of a deleted step or
-- job) keeps it without knowing. Step changes are rare; a claim reads the column.
-- Locks: the API locks the job row before its steps (_job_id(..., true)), as claims do (_fire_due),
-- so updating the job row here adds no lock order of its own.
CREATE OR REPLACE FUNCTION pgautomator._keep_steps_payload() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- A step's columns the payload leaves out: a change of these alone (update_operator renames
  -- recipients in many steps' email_to) rebuilds nothing. Any other column counts, a new one too.
  c_not_in_payload CONSTANT text[] := '{email_on,email_to,email_from,email_subject,email_body,created_at,updated_at}';
BEGIN
  IF TG_TABLE_NAME = 'step' AND TG_OP = 'UPDATE' AND to_jsonb(OLD) - c_not_in_payload = to_jsonb(NEW) - c_not_in_payload THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'connection' THEN
    UPDATE pgautomator.job j SET steps_payload = pgautomator._steps_payload(j.id)
     WHERE j.id IN (SELECT st.job_id FROM pgautomator.step st WHERE st.connection_id = NEW.id);
  ELSE
    -- The step's job before and after (OLD is NULL on INSERT, NEW on DELETE; the same job, or two
    -- when a step moves to another job).
    UPDATE pgautomator.job j SET steps_payload = pgautomator._steps_payload(j.id) WHERE j.id IN (OLD.job_id, NEW.job_id);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgautomator._keep_steps_payload() IS 'Trigger: rebuilds job.steps_payload (_steps_payload) of the jobs whose steps or connections changed.';
REVOKE ALL ON FUNCTION pgautomator._keep_steps_payload() FROM PUBLIC;

CREATE OR REPLACE TRIGGER step_keeps_steps_payload
  AFTER INSERT OR DELETE OR UPDATE ON pgautomator.step
  FOR EACH ROW EXECUTE FUNCTION pgautomator._keep_steps_payload();
CREATE OR REPLACE TRIGGER connection_keeps_steps_payload
  AFTER UPDATE OF name, driver, dsn, secret_ref ON pgautomator.connection
  FOR EACH ROW WHEN ((OLD.name, OLD.driver, OLD.dsn, OLD.secret_ref) IS DISTINCT FROM (NEW.name, NEW.driver, NEW.dsn, NEW.secret_ref))
  EXECUTE FUNCTION pgautomator._keep_steps_payload();

-- An agent whose report was committed but whose answer never came (the connection broke, the
-- server restarted right after the commit) keeps the report in its spool and sends it again. The
-- database then finds the attempt or run ended already. When it ended exactly as this entry says,
-- by this agent, the entry is a repeat of what is recorded: answered ok, so that the agent neither
-- keeps it nor warns that a result was dropped. Anything else stays refused (PA030).
CREATE OR REPLACE FUNCTION pgautomator._repeats_recorded_end(entry jsonb, acts_for bigint)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s_state text;
  s_exit  int;
  s_run   bigint;
  s_agent bigint;
  r_state text;
  r_agent bigint;
  l       jsonb := CASE WHEN entry ->> 'op' = 'end_step' THEN entry ELSE entry -> 'last_step' END;
  a_name  text;
  a_role  name;
BEGIN
  IF entry ->> 'op' = 'end_run' THEN
    SELECT r.state, r.agent_id INTO r_state, r_agent FROM pgautomator.job_run r WHERE r.id = (entry ->> 'run_id')::bigint;
    IF r_state IS DISTINCT FROM entry ->> 'state' THEN
      RETURN false;
    END IF;
  END IF;
  IF jsonb_typeof(l) = 'object' THEN
    SELECT s.state, s.exit_code, s.job_run_id, s.agent_id INTO s_state, s_exit, s_run, s_agent
      FROM pgautomator.step_run s WHERE s.id = (l ->> 'step_run_id')::bigint;
    IF s_state IS DISTINCT FROM l ->> 'state' OR s_exit IS DISTINCT FROM (l ->> 'exit_code')::int
       OR (entry ->> 'op' = 'end_run' AND s_run IS DISTINCT FROM (entry ->> 'run_id')::bigint) THEN
      RETURN false;
    END IF;
    r_agent := coalesce(r_agent, s_agent);
  END IF;
  -- Only the agent that reported it may be told its report is recorded.
  IF r_agent IS NULL THEN
    RETURN false;
  END IF;
  IF r_agent IS DISTINCT FROM _repeats_recorded_end.acts_for THEN
    SELECT a.name, a.db_role INTO a_name, a_role FROM pgautomator.agent a WHERE a.id = r_agent;
    PERFORM pgautomator._check_agent_role(a_name, a_role);
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION pgautomator._repeats_recorded_end(jsonb, bigint) IS
  'Whether an agent_report end_step or end_run entry refused as not running (PA030) repeats what is recorded: the attempt (and run) ended '
  'in that state (and exit code), by the caller''s agent (PA040 otherwise). agent_report then answers it ok with "repeat": true.';
REVOKE ALL ON FUNCTION pgautomator._repeats_recorded_end(jsonb, bigint) FROM PUBLIC;

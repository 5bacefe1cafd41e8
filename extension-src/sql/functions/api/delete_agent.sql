CREATE OR REPLACE FUNCTION pgautomator.delete_agent(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  aid   bigint;
  a     pgautomator.agent;
  jobs  text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  aid := pgautomator._agent_id(delete_agent.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT x.* INTO a FROM pgautomator.agent x WHERE x.id = aid;
  IF a.state <> 'offline' THEN
    PERFORM pgautomator._raise('PA030', format('agent %L is %s', a.name, a.state), 'field: name',
      'Stop the agent first (it goes offline when it stops, or when it is declared dead after dead_after of silence, see docs/agent-protocol.md).');
  END IF;
  -- A job pinned to the agent would silently become runnable anywhere (job.agent_id ON DELETE SET NULL).
  jobs := ARRAY(SELECT j.name FROM pgautomator.job j WHERE j.agent_id = a.id ORDER BY j.name);
  IF cardinality(jobs) > 0 THEN
    PERFORM pgautomator._raise('PA021', format('agent %L is the only agent allowed to run job(s) %s', a.name, array_to_string(jobs, ', ')),
      'field: name',
      format('Pin them to another agent or clear the pin first: SELECT pgautomator.update_job(%L, clear => ''{agent}'');', jobs[1]));
  END IF;
  -- Runs of on_abandon = wait jobs still waiting for it (_rescue_dead_agents): it will not come
  -- back, so they are recorded abandoned (not retried: wait never retries elsewhere).
  PERFORM pgautomator._abandon_runs(
    ARRAY(SELECT r.id FROM pgautomator.job_run r WHERE r.agent_id = a.id AND r.state = 'running'),
    format('agent %s was deleted while the run waited for it (on_abandon wait)', a.name));
  DELETE FROM pgautomator.agent x WHERE x.id = a.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.delete_agent(text) IS
$c$Forgets a decommissioned agent. Past runs stay in the history, without the agent's name; runs of on_abandon = wait jobs still waiting for it are recorded abandoned (not retried). An agent that starts again under the same name simply registers anew.
Arguments: name, the agent's name.
Errors: PA010 no such agent; PA021 jobs are pinned to it (the message lists them); PA030 the agent is online or draining; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_agent(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_agent(text) TO pgautomator_admin;

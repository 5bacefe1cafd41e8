CREATE OR REPLACE FUNCTION pgautomator.undrain_agent(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  aid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  aid := pgautomator._agent_id(undrain_agent.name, true);  -- a statement of its own: it must raise (README.md)
  UPDATE pgautomator.agent a SET drained_at = NULL, drained_by = NULL
   WHERE a.id = aid AND a.drained_at IS NOT NULL;
  IF FOUND THEN
    -- The agent claims again from its next heartbeat (state online); the event wakes listeners now.
    PERFORM pgautomator._notify('agent_online', jsonb_build_object('agent', undrain_agent.name, 'reason', 'undrained'));
  END IF;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.undrain_agent(text) IS
$c$Ends an admin's drain (drain_agent): the agent claims runs again from its next heartbeat. An agent that drains itself (agent_stop(drain)) is not changed: it is stopping. Undraining an agent that is not drained changes nothing.
Arguments: name, the agent's name.
Errors: PA010 no such agent; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.undrain_agent('db-host-1');$c$;
REVOKE ALL ON FUNCTION pgautomator.undrain_agent(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.undrain_agent(text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.drain_agent(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  aid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  aid := pgautomator._agent_id(drain_agent.name, true);  -- a statement of its own: it must raise (README.md)
  -- Draining again keeps the first drain's time and role. An offline agent may be drained too: it
  -- comes back drained. The agent learns it at its next heartbeat (state draining) and claim_runs
  -- hands it nothing meanwhile; the runs it has go on to their end.
  UPDATE pgautomator.agent a SET drained_at = now(), drained_by = pgautomator._caller()
   WHERE a.id = aid AND a.drained_at IS NULL;
  IF FOUND THEN
    PERFORM pgautomator._notify('agent_offline', jsonb_build_object('agent', drain_agent.name, 'reason', 'drained'));
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
COMMENT ON FUNCTION pgautomator.drain_agent(text) IS
$c$Drains an agent: it claims no new runs and finishes the runs it is running (so it can be stopped or patched without killing work). It stays drained across restarts until undrain_agent; list_agents shows it draining. Draining again changes nothing.
Arguments: name, the agent's name.
Errors: PA010 no such agent; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.drain_agent('db-host-1');$c$;
REVOKE ALL ON FUNCTION pgautomator.drain_agent(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.drain_agent(text) TO pgautomator_admin;

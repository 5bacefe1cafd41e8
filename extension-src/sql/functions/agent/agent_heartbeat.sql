CREATE OR REPLACE FUNCTION pgautomator.agent_heartbeat(name text, running bigint[] DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
-- Walk the indexes in order and stop early, whatever stale statistics suggest (see _claim_candidates).
SET enable_sort = off
-- Disabled plan nodes inflate cost estimates past jit_above_cost; JIT then cost 95-300 ms a call.
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _agent_heartbeat, which tests call with another).
  RETURN pgautomator._agent_heartbeat(agent_heartbeat.name, agent_heartbeat.running, now());
END
$$;
COMMENT ON FUNCTION pgautomator.agent_heartbeat(text, bigint[]) IS
  'Agent protocol: the agent is alive. Records the heartbeat, rescues dead agents'' runs, times out overdue runs and applies history '
  'retention now and then. Returns {"state", "kill": run ids to kill (kill requested, or listed in running but no longer running on '
  'this agent), "next_due_in": seconds to the next fire this agent could run (null: none), "queued": runs it could claim now (at most 10000), '
  '"mail_due": mails it could deliver now (at most 100; 0 without SMTP settings), "smtp": its SMTP settings as register_agent gives them}. '
  'PA030 when the agent is offline: register again.';
REVOKE ALL ON FUNCTION pgautomator.agent_heartbeat(text, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.agent_heartbeat(text, bigint[]) TO pgautomator_agent;

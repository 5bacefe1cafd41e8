-- The console's first screen in one call (issue 15): what ran, what fails, what is late, who runs
-- what, and what fires next.
CREATE OR REPLACE FUNCTION pgautomator.overview()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- Now, by the database clock (the body is _overview).
  RETURN pgautomator._overview(now());
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.overview() IS
$c$The overview screen as one JSON document, by the database clock: {"at": now; "hours": the last 24 hours, oldest first, each {"hour": its start (UTC hour boundaries), "runs": {state: count of the runs that ended in it}}; "now": {"running", "queued", "jobs", "jobs_enabled"}; "failing": jobs whose last run with an outcome did not succeed (killed, cancelled and skipped runs are passed over), latest first, at most 50, each {"job", "run_id", "state", "finished_at", "message"}, and "failing_count" (all of them); "late": due more than a minute ago and not started, oldest first, each {"job", "kind": queued (a run waiting for an agent: "run_id") or unclaimed (a fire no agent has claimed: "schedule"), "due_at"}, at most 50 of each kind; "agents": every agent, offline ones last, each {"name", "host", "state", "alive" (heartbeated within its lease), "last_heartbeat_at", "max_concurrent", "runs": [{"run_id", "job", "started_at", "step" (running now)}]}; "next_fires": the next 10 fires ahead, each {"job", "schedule", "at"}}.
Errors: PA040 caller is not pgautomator_viewer (or above).
Example: SELECT jsonb_pretty(pgautomator.overview());$c$;
REVOKE ALL ON FUNCTION pgautomator.overview() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.overview() TO pgautomator_viewer;

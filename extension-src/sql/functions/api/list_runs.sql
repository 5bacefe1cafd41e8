CREATE OR REPLACE FUNCTION pgautomator.list_runs(
  job text DEFAULT NULL,
  state text DEFAULT NULL,
  agent text DEFAULT NULL,
  since timestamptz DEFAULT NULL,
  until timestamptz DEFAULT NULL,
  "limit" int DEFAULT 100,
  before_id bigint DEFAULT NULL
)
RETURNS SETOF pgautomator.runs
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  aid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF list_runs.job IS NOT NULL THEN
    jid := pgautomator._job_id(list_runs.job);
  END IF;
  IF list_runs.agent IS NOT NULL THEN
    aid := pgautomator._agent_id(list_runs.agent);
  END IF;
  IF list_runs.state IS NOT NULL THEN
    PERFORM pgautomator._check_one_of(list_runs.state,
      ARRAY['queued', 'running', 'succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped'], 'run state', 'state');
  END IF;
  IF list_runs."limit" IS NULL OR list_runs."limit" NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('list_runs limit must be from 1 to 1000 (got %s)', coalesce(list_runs."limit"::text, 'NULL')),
      'field: limit', 'Page with before_id => the smallest id of the previous page.');
  END IF;
  -- Keyset paging on id (newest first): stable under concurrent inserts, index-backed.
  RETURN QUERY
    SELECT v.* FROM pgautomator.runs v
     WHERE (jid IS NULL OR v.job_id = jid)
       AND (list_runs.state IS NULL OR v.state = list_runs.state)
       AND (aid IS NULL OR v.agent = list_runs.agent)
       AND (list_runs.since IS NULL OR v.scheduled_for >= list_runs.since)
       AND (list_runs.until IS NULL OR v.scheduled_for < list_runs.until)
       AND (list_runs.before_id IS NULL OR v.id < list_runs.before_id)
     ORDER BY v.id DESC
     LIMIT list_runs."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint) IS
$c$Run history, newest first (rows of the runs view), filtered and paged.
Arguments: job, agent: only that job's or agent's runs; state: only runs in that state (queued, running, succeeded, failed, killed, timed_out, abandoned, cancelled, skipped); since / until: runs due (scheduled_for) at or after since and before until; "limit": page size 1..1000 (default 100); before_id: the next page, i.e. runs with a smaller id than the last one seen.
Errors: PA002 bad state or limit; PA010 no such job or agent; PA040 caller is not pgautomator_viewer (or above).
Example: SELECT id, job, state, started_at, duration FROM pgautomator.list_runs(job => 'backup', "limit" => 20);$c$;
REVOKE ALL ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint) TO pgautomator_viewer;

CREATE OR REPLACE FUNCTION pgautomator.timeline(
  since timestamptz DEFAULT now() - interval '6 hours',
  until timestamptz DEFAULT now(),
  "limit" int DEFAULT 10000
)
RETURNS SETOF jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF timeline.since IS NULL OR timeline.until IS NULL OR timeline.until < timeline.since THEN
    PERFORM pgautomator._raise('PA002',
      format('timeline needs since <= until (got %s .. %s)', coalesce(timeline.since::text, 'NULL'), coalesce(timeline.until::text, 'NULL')),
      'field: until', 'For example: since => now() - interval ''1 day'', until => now().');
  END IF;
  IF timeline."limit" IS NULL OR timeline."limit" NOT BETWEEN 1 AND 100000 THEN
    PERFORM pgautomator._raise('PA002', format('timeline limit must be from 1 to 100000 (got %s)', coalesce(timeline."limit"::text, 'NULL')),
      'field: limit', 'Narrow the window with since and until instead.');
  END IF;
  -- Runs whose bar [started_at, finished_at or now] overlaps [since, until]; never-started runs have no bar.
  RETURN QUERY
    SELECT jsonb_build_object('job', j.name, 'run_id', r.id, 'state', r.state, 'trigger', r.trigger,
                              'agent', a.name, 'scheduled_for', r.scheduled_for,
                              'started_at', r.started_at, 'finished_at', r.finished_at,
                              -- trigger = job: the run whose end started this one, to draw the link.
                              'upstream_run_id', r.upstream_run_id)
      FROM pgautomator.job_run r
      JOIN pgautomator.job j ON j.id = r.job_id
      LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
     WHERE r.started_at IS NOT NULL
       AND r.started_at <= timeline.until
       AND (r.finished_at IS NULL OR r.finished_at >= timeline.since)
     ORDER BY r.started_at, r.id
     LIMIT timeline."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.timeline(timestamptz, timestamptz, int) IS
$c$The runs to draw as bars on a timeline: every run that started and whose span (started_at to finished_at, or to now while running) overlaps [since, until], as {"job", "run_id", "state", "trigger", "agent", "scheduled_for", "started_at", "finished_at" (null while running), "upstream_run_id" (trigger = job: the run whose end started it, to draw the link; else null)}, in order of start.
Arguments: since (default 6 hours ago), until (default now); "limit", at most this many runs (default 10000).
Errors: PA002 since after until, or a bad limit; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.timeline(timestamptz, timestamptz, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.timeline(timestamptz, timestamptz, int) TO pgautomator_viewer;

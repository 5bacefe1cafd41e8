CREATE OR REPLACE FUNCTION pgautomator.metrics()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
-- Whole-table aggregates over run history: a hash aggregate is the right plan here, and JIT
-- compilation costs more than it saves at these sizes (measured in bench/metrics.ts).
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- Histogram bounds (seconds), Prometheus "le" buckets; +Inf is the count.
  c_duration CONSTANT float8[] := '{1,5,15,60,300,900,3600,14400,86400}';
  c_lateness CONSTANT float8[] := '{0.1,0.5,1,5,15,60,300,3600}';
  runs     jsonb;
  duration jsonb;
  lateness jsonb;
  current  record;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- One scan of the finished runs for all three: counts per job and final state, and the two
  -- histograms (grouping sets; measured 2-3x cheaper than a scan each, bench/metrics.ts). These are
  -- over the retained history: retention lowers them, so read them as gauges of the history kept.
  -- width_bucket gives the number of bounds <= the value: bucket b holds values below bound b+1,
  -- cumulated below. date_part, not extract: extract's numeric result cost a third of the time.
  WITH g AS (
    SELECT GROUPING(x.job_id, x.state, x.db, x.lb) AS set, x.job_id, x.state, x.db, x.lb,
           count(*) AS n, sum(x.dur) AS dsum, sum(x.late) AS lsum
      FROM (SELECT r.job_id, r.state,
                   date_part('epoch', r.finished_at - r.started_at) AS dur,
                   greatest(date_part('epoch', r.started_at - r.scheduled_for), 0) AS late,
                   width_bucket(date_part('epoch', r.finished_at - r.started_at), c_duration) AS db,
                   width_bucket(greatest(date_part('epoch', r.started_at - r.scheduled_for), 0), c_lateness) AS lb
              FROM pgautomator.job_run r
             WHERE r.finished_at IS NOT NULL) x
     GROUP BY GROUPING SETS ((x.job_id, x.state), (x.db), (x.lb))
  ), d AS (
    SELECT g.db AS b, g.n, g.dsum AS total FROM g WHERE g.set = 13 AND g.db IS NOT NULL  -- runs that never started have no duration
  ), l AS (
    SELECT g.lb AS b, g.n, g.lsum AS total FROM g WHERE g.set = 14 AND g.lb IS NOT NULL
  )
  SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(j.name, g.state, g.n)), '[]')
            FROM g JOIN pgautomator.job j ON j.id = g.job_id WHERE g.set = 3),
         jsonb_build_object(
           'bounds', to_jsonb(c_duration),
           'buckets', (SELECT jsonb_agg((SELECT coalesce(sum(d.n), 0) FROM d WHERE d.b < i) ORDER BY i) FROM generate_series(1, cardinality(c_duration)) i),
           'count', (SELECT coalesce(sum(d.n), 0) FROM d),
           'sum', (SELECT coalesce(sum(d.total), 0) FROM d)),
         jsonb_build_object(
           'bounds', to_jsonb(c_lateness),
           'buckets', (SELECT jsonb_agg((SELECT coalesce(sum(l.n), 0) FROM l WHERE l.b < i) ORDER BY i) FROM generate_series(1, cardinality(c_lateness)) i),
           'count', (SELECT coalesce(sum(l.n), 0) FROM l),
           'sum', (SELECT coalesce(sum(l.total), 0) FROM l))
    INTO runs, duration, lateness;

  SELECT (SELECT count(*) FROM pgautomator.job_run r WHERE r.state = 'queued') AS queued,
         (SELECT count(*) FROM pgautomator.job_run r WHERE r.state = 'running') AS running,
         (SELECT count(*) FROM pgautomator.agent a
           WHERE a.state <> 'offline' AND a.last_heartbeat_at >= now() - pgautomator._dead_after(a.heartbeat_interval)) AS agents_online,
         (SELECT count(*) FROM pgautomator.notification n WHERE n.state IN ('pending', 'sending')) AS outbox,
         (SELECT count(*) FROM pgautomator.alerts v WHERE v.open) AS alerts_open
    INTO current;

  RETURN jsonb_build_object(
    'runs', runs,
    'duration_seconds', duration,
    'lateness_seconds', lateness,
    'queued', current.queued,
    'running', current.running,
    'agents_online', current.agents_online,
    'outbox_pending', current.outbox,
    'alerts_open', current.alerts_open);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.metrics()  IS
$c$Everything GET /metrics exposes (Prometheus), in one call: runs: [[job, state, count], ...], finished runs per job and final state in the retained history (arrays, not objects: a third of the cost with 10,000 jobs); duration_seconds and lateness_seconds: histograms of the finished runs that started ({bounds, buckets: cumulative counts of runs below each bound, count, sum}); queued and running runs now; agents_online (heartbeat within dead_after); outbox_pending (mail not sent yet); alerts_open (the alerts view's open rows, no_agent included).
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.metrics() TO pgautomator_viewer;

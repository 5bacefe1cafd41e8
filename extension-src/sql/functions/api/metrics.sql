CREATE OR REPLACE FUNCTION pgautomator.metrics()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
-- Reads run_count (a row per job and final state) and the small live sets only; the run history
-- is never scanned (bench/metrics.ts: 10,000 jobs, up to 1,000,000 runs). JIT compilation would
-- cost more than the few tens of thousands of counter rows it could speed up.
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_duration CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  c_lateness CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
  runs     jsonb;
  duration jsonb;
  lateness jsonb;
  current  record;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- Counters since install (run_count, written as runs end): retention does not lower them. The
  -- histograms are the sums over jobs and states of the per-bucket counts, cumulated below (bucket
  -- i of the payload: runs below bound i); their count is every run that started (+Inf).
  WITH h AS (
    SELECT u.kind, u.i, sum(u.n) AS n
      FROM pgautomator.run_count c
     CROSS JOIN LATERAL (SELECT 'd' AS kind, d.i, d.n FROM unnest(c.duration_buckets) WITH ORDINALITY d(n, i)
                         UNION ALL
                         SELECT 'l', l.i, l.n FROM unnest(c.lateness_buckets) WITH ORDINALITY l(n, i)) u
     GROUP BY u.kind, u.i
  ), s AS (
    SELECT coalesce(sum(c.duration_sum), 0) AS dsum, coalesce(sum(c.lateness_sum), 0) AS lsum FROM pgautomator.run_count c
  )
  SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(j.name, c.state, c.runs)), '[]')
            FROM pgautomator.run_count c JOIN pgautomator.job j ON j.id = c.job_id),
         jsonb_build_object(
           'bounds', to_jsonb(c_duration),
           'buckets', (SELECT jsonb_agg((SELECT coalesce(sum(h.n), 0) FROM h WHERE h.kind = 'd' AND h.i <= b) ORDER BY b) FROM generate_series(1, cardinality(c_duration)) b),
           'count', (SELECT coalesce(sum(h.n), 0) FROM h WHERE h.kind = 'd'),
           'sum', (SELECT s.dsum FROM s)),
         jsonb_build_object(
           'bounds', to_jsonb(c_lateness),
           'buckets', (SELECT jsonb_agg((SELECT coalesce(sum(h.n), 0) FROM h WHERE h.kind = 'l' AND h.i <= b) ORDER BY b) FROM generate_series(1, cardinality(c_lateness)) b),
           'count', (SELECT coalesce(sum(h.n), 0) FROM h WHERE h.kind = 'l'),
           'sum', (SELECT s.lsum FROM s))
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
$c$Everything GET /metrics exposes (Prometheus), in one call: runs: [[job, state, count], ...], runs that reached each final state per job since install (counters: retention does not lower them; arrays, not objects: a third of the cost with 10,000 jobs); duration_seconds and lateness_seconds: histograms of those runs that started ({bounds, buckets: cumulative counts of runs below each bound, count, sum}); queued and running runs now; agents_online (heartbeat within dead_after); outbox_pending (mail not sent yet); alerts_open (the alerts view's open rows, no_agent included).
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.metrics() TO pgautomator_viewer;

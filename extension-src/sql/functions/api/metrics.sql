CREATE OR REPLACE FUNCTION pgautomator.metrics()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
-- Reads run_count (a row per job and final state), the runs ended since its last fold
-- (run_count_delta, about a minute of them) and the small live sets only; the run history
-- is never scanned (bench/metrics.ts: 10,000 jobs, up to 1,000,000 runs). JIT compilation would
-- cost more than the few tens of thousands of counter rows it could speed up.
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_duration CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  c_lateness CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
  d_counts numeric[];
  l_counts numeric[];
  d_sum    float8;
  l_sum    float8;
  runs     jsonb;
  duration jsonb;
  lateness jsonb;
  current  record;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- Counters since install: run_count, plus the runs ended since its last fold (run_count_delta,
  -- grouped as run_count rows by _run_count_rows), read in one statement: a fold moves runs from
  -- one to the other in a statement of its own, so this snapshot sees each run once. Retention
  -- does not lower them. The histograms: per-bucket counts summed over jobs and states, by
  -- subscript (one pass; unnesting the arrays and grouping by position cost six times as much with
  -- 20,000 rows). The subscripts follow _run_histogram_bounds: 9 duration bounds and 8 lateness
  -- bounds, plus the +Inf bucket each (pgtap/metrics_counters.sql checks the counts against the
  -- history).
  WITH c AS (
    SELECT k.job_id, k.state, k.runs, k.duration_buckets, k.duration_sum, k.lateness_buckets, k.lateness_sum
      FROM pgautomator.run_count k
    UNION ALL
    SELECT n.job_id, n.state, n.runs, n.duration_buckets, n.duration_sum, n.lateness_buckets, n.lateness_sum
      FROM pgautomator._run_count_rows(ARRAY(SELECT d FROM pgautomator.run_count_delta d)) n)
  SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(j.name, s.state, s.runs)), '[]')
            FROM (SELECT c.job_id, c.state, sum(c.runs) AS runs FROM c GROUP BY c.job_id, c.state) s
            JOIN pgautomator.job j ON j.id = s.job_id),
         ARRAY[sum(c.duration_buckets[1]), sum(c.duration_buckets[2]), sum(c.duration_buckets[3]), sum(c.duration_buckets[4]),
               sum(c.duration_buckets[5]), sum(c.duration_buckets[6]), sum(c.duration_buckets[7]), sum(c.duration_buckets[8]),
               sum(c.duration_buckets[9]), sum(c.duration_buckets[10])],
         ARRAY[sum(c.lateness_buckets[1]), sum(c.lateness_buckets[2]), sum(c.lateness_buckets[3]), sum(c.lateness_buckets[4]),
               sum(c.lateness_buckets[5]), sum(c.lateness_buckets[6]), sum(c.lateness_buckets[7]), sum(c.lateness_buckets[8]),
               sum(c.lateness_buckets[9])],
         coalesce(sum(c.duration_sum), 0), coalesce(sum(c.lateness_sum), 0)
    INTO runs, d_counts, l_counts, d_sum, l_sum
    FROM c;
  duration := pgautomator._histogram_json(c_duration, d_counts, d_sum);
  lateness := pgautomator._histogram_json(c_lateness, l_counts, l_sum);

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

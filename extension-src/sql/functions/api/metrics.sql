CREATE OR REPLACE FUNCTION pgautomator.metrics()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
-- Reads run_count (a row per job and final state), run_histogram (two rows), the runs ended
-- since the last fold (run_count_delta, about a minute of them) and the small live sets only; the run history
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
  -- Counters since install: run_count and run_histogram, plus the runs ended since the last fold
  -- (run_count_delta), read in one statement: a fold moves runs from one to the others in a
  -- statement of its own, so this snapshot sees each run once. Retention does not lower them.
  WITH pending AS MATERIALIZED (
    SELECT d.job_id, d.state, d.duration, d.lateness FROM pgautomator.run_count_delta d
  ), hist AS (
    SELECT h.kind, h.buckets, h.sum FROM pgautomator.run_histogram h
    UNION ALL
    SELECT n.kind, n.buckets, n.sum
      FROM pgautomator._run_histograms(ARRAY(SELECT p.duration FROM pending p), ARRAY(SELECT p.lateness FROM pending p)) n
  ), summed AS (
    -- Bucket by bucket over the stored row and the pending one, per kind.
    SELECT h.kind, u.i, sum(u.n) AS n
      FROM hist h CROSS JOIN LATERAL unnest(h.buckets) WITH ORDINALITY AS u(n, i)
     GROUP BY h.kind, u.i
  )
  SELECT (SELECT coalesce(jsonb_agg(jsonb_build_array(j.name, s.state, s.runs)), '[]')
            FROM (SELECT c.job_id, c.state, sum(c.runs) AS runs
                    FROM (SELECT k.job_id, k.state, k.runs FROM pgautomator.run_count k
                          UNION ALL
                          SELECT p.job_id, p.state, 1 FROM pending p) c
                   GROUP BY c.job_id, c.state) s
            JOIN pgautomator.job j ON j.id = s.job_id),
         (SELECT array_agg(s.n ORDER BY s.i) FROM summed s WHERE s.kind = 'duration'),
         (SELECT array_agg(s.n ORDER BY s.i) FROM summed s WHERE s.kind = 'lateness'),
         (SELECT coalesce(sum(h.sum), 0) FROM hist h WHERE h.kind = 'duration'),
         (SELECT coalesce(sum(h.sum), 0) FROM hist h WHERE h.kind = 'lateness')
    INTO runs, d_counts, l_counts, d_sum, l_sum;
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
$c$Everything GET /metrics exposes (Prometheus), in one call: runs: [[job, state, count], ...], runs that reached each final state per job since install (counters: retention does not lower them; arrays, not objects: a third of the cost with 10,000 jobs); duration_seconds and lateness_seconds: histograms of those runs that started, over all jobs (deleted jobs' runs included: never lowered) ({bounds, buckets: cumulative counts of runs below each bound, count, sum}); queued and running runs now; agents_online (heartbeat within dead_after); outbox_pending (mail not sent yet); alerts_open (the alerts view's open rows, no_agent included).
Errors: PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.metrics() TO pgautomator_viewer;

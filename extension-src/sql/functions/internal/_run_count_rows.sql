-- Ended runs (run_count_delta rows) as run_count rows: per job and state, the count, and per
-- histogram the count of each bucket as a whole array (element i, 1-based: the values v with
-- bounds[i-1] <= v < bounds[i], width_bucket's numbering plus one; the last, those at or past the
-- last bound) and the sum. Runs that never started (cancelled, skipped) are counted, in no bucket
-- and in no sum. Rows of jobs deleted since are left out. The one place the bucket rule is written:
-- the fold adds these rows to run_count, metrics() adds them to run_count's as it reads.
-- Ordered by job and state: the order in which the fold locks counter rows. (plpgsql: its plan is
-- kept, where a sql function with a SET clause is planned again at every call.)
CREATE OR REPLACE FUNCTION pgautomator._run_count_rows(deltas pgautomator.run_count_delta[])
RETURNS SETOF pgautomator.run_count
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN QUERY
  SELECT g.job_id, g.state, g.n,
         ARRAY(SELECT cardinality(array_positions(g.dbs, k))::bigint FROM generate_series(1, cardinality(b.d) + 1) AS k ORDER BY k),
         g.dsum,
         ARRAY(SELECT cardinality(array_positions(g.lbs, k))::bigint FROM generate_series(1, cardinality(b.l) + 1) AS k ORDER BY k),
         g.lsum
    FROM (SELECT pgautomator._run_histogram_bounds('duration') AS d, pgautomator._run_histogram_bounds('lateness') AS l) b
   CROSS JOIN LATERAL (
          SELECT x.job_id, x.state, count(*) AS n,
                 array_agg(width_bucket(x.duration, b.d) + 1) AS dbs, coalesce(sum(x.duration), 0) AS dsum,
                 array_agg(width_bucket(x.lateness, b.l) + 1) AS lbs, coalesce(sum(x.lateness), 0) AS lsum
            FROM unnest(_run_count_rows.deltas) AS x
           GROUP BY x.job_id, x.state) g
   WHERE EXISTS (SELECT 1 FROM pgautomator.job j WHERE j.id = g.job_id)
   ORDER BY g.job_id, g.state;
END
$$;
COMMENT ON FUNCTION pgautomator._run_count_rows(pgautomator.run_count_delta[]) IS
  'Ended runs (run_count_delta rows) grouped as run_count rows (per job and state: count, duration and lateness histograms as per-bucket arrays, sums), jobs that still exist only, in (job_id, state) order.';
REVOKE ALL ON FUNCTION pgautomator._run_count_rows(pgautomator.run_count_delta[]) FROM PUBLIC;

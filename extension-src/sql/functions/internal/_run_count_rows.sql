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
DECLARE
  d_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('duration');
  l_bounds CONSTANT float8[] := pgautomator._run_histogram_bounds('lateness');
BEGIN
  -- One aggregate pass, a count per bucket by subscript: the bounds' sizes are written out here,
  -- as in metrics() and the fold (with a subquery per bucket per group, and the arrays added by
  -- unnest, the fold cost 21 us per run folded instead of 13: bench/README.md, session 11). A
  -- change of the bounds must change all three; this stops it being missed.
  IF cardinality(d_bounds) <> 9 OR cardinality(l_bounds) <> 8 THEN
    RAISE EXCEPTION 'pgautomator._run_count_rows: the histogram bounds changed (% and % bounds); update its bucket lists and metrics()''s', cardinality(d_bounds), cardinality(l_bounds);
  END IF;
  RETURN QUERY
  SELECT g.job_id, g.state, count(*),
         ARRAY[count(*) FILTER (WHERE g.db = 1), count(*) FILTER (WHERE g.db = 2), count(*) FILTER (WHERE g.db = 3),
               count(*) FILTER (WHERE g.db = 4), count(*) FILTER (WHERE g.db = 5), count(*) FILTER (WHERE g.db = 6),
               count(*) FILTER (WHERE g.db = 7), count(*) FILTER (WHERE g.db = 8), count(*) FILTER (WHERE g.db = 9),
               count(*) FILTER (WHERE g.db = 10)],
         coalesce(sum(g.duration), 0),
         ARRAY[count(*) FILTER (WHERE g.lb = 1), count(*) FILTER (WHERE g.lb = 2), count(*) FILTER (WHERE g.lb = 3),
               count(*) FILTER (WHERE g.lb = 4), count(*) FILTER (WHERE g.lb = 5), count(*) FILTER (WHERE g.lb = 6),
               count(*) FILTER (WHERE g.lb = 7), count(*) FILTER (WHERE g.lb = 8), count(*) FILTER (WHERE g.lb = 9)],
         coalesce(sum(g.lateness), 0)
    FROM (SELECT x.job_id, x.state, x.duration, x.lateness,
                 width_bucket(x.duration, d_bounds) + 1 AS db, width_bucket(x.lateness, l_bounds) + 1 AS lb
            FROM unnest(_run_count_rows.deltas) AS x) g
   WHERE EXISTS (SELECT 1 FROM pgautomator.job j WHERE j.id = g.job_id)
   GROUP BY g.job_id, g.state
   ORDER BY g.job_id, g.state;
END
$$;
COMMENT ON FUNCTION pgautomator._run_count_rows(pgautomator.run_count_delta[]) IS
  'Ended runs (run_count_delta rows) grouped as run_count rows (per job and state: count, duration and lateness histograms as per-bucket arrays, sums), jobs that still exist only, in (job_id, state) order.';
REVOKE ALL ON FUNCTION pgautomator._run_count_rows(pgautomator.run_count_delta[]) FROM PUBLIC;

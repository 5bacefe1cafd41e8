-- Ended runs as run_histogram rows, from their durations and latenesses (run_count_delta's
-- columns, seconds): per kind (duration, lateness), the count of each bucket as a whole array
-- (element i, 1-based: the values v with bounds[i-1] <= v < bounds[i], width_bucket's numbering
-- plus one; the last, those at or past the last bound) and the sum. NULL values (runs that never
-- started: cancelled, skipped) are in no bucket and no sum. Both kinds, with zero counts when the
-- arrays are empty. The one place the bucket rule is written: the fold adds these rows to
-- run_histogram, metrics() adds them to run_histogram's as it reads.
-- (plpgsql: its plan is kept, where a sql function with a SET clause is planned again at every call.)
CREATE OR REPLACE FUNCTION pgautomator._run_histograms(durations float8[], latenesses float8[])
RETURNS TABLE (kind text, buckets bigint[], sum float8)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- Each value's bucket worked out once, then counted per bucket with array_positions over those
  -- integers. (A join of the buckets with the values evaluated every value once per bucket: 10 us
  -- per run folded; the runs' rows as an array of run_count_delta, unnested per kind, 4 us:
  -- bench/README.md, session 11.)
  RETURN QUERY
  SELECT k.kind,
         ARRAY(SELECT cardinality(array_positions(k.bs, i))::bigint FROM generate_series(1, cardinality(k.bounds) + 1) AS i ORDER BY i),
         k.total
    FROM (SELECT n.kind, n.bounds,
                 -- A NULL value has a NULL bucket, which array_positions never matches.
                 ARRAY(SELECT width_bucket(v, n.bounds) + 1 FROM unnest(n.vals) AS v) AS bs,
                 coalesce((SELECT sum(v) FROM unnest(n.vals) AS v), 0) AS total
            FROM (VALUES ('duration', pgautomator._run_histogram_bounds('duration'), _run_histograms.durations),
                         ('lateness', pgautomator._run_histogram_bounds('lateness'), _run_histograms.latenesses)) AS n(kind, bounds, vals)) k
   ORDER BY k.kind;
END
$$;
COMMENT ON FUNCTION pgautomator._run_histograms(float8[], float8[]) IS
  'Ended runs as run_histogram rows, from their durations and latenesses in seconds (NULL: never started, left out): per kind (duration, lateness), the count of each bucket of _run_histogram_bounds(kind) and the sum.';
REVOKE ALL ON FUNCTION pgautomator._run_histograms(float8[], float8[]) FROM PUBLIC;

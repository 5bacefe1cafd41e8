-- The bounds (seconds) of the run histograms, Prometheus "le" buckets (+Inf is the count): in one
-- place, since run_histogram stores counts per bucket of exactly these bounds (tables/172-run_histogram.sql).
-- plpgsql, not sql: a sql function with a SET clause is not inlined and is planned again in every
-- statement that calls it, which once cost the counting of run ends most of its time (measured
-- when each end added to its bucket in place).
CREATE OR REPLACE FUNCTION pgautomator._run_histogram_bounds(kind text)
RETURNS float8[]
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE kind WHEN 'duration' THEN '{1,5,15,60,300,900,3600,14400,86400}'::float8[]
                   WHEN 'lateness' THEN '{0.1,0.5,1,5,15,60,300,3600}'::float8[] END;
END
$$;
COMMENT ON FUNCTION pgautomator._run_histogram_bounds(text) IS 'Bounds in seconds of the run histograms of metrics() and run_histogram: kind duration or lateness.';
REVOKE ALL ON FUNCTION pgautomator._run_histogram_bounds(text) FROM PUBLIC;

-- Per-bucket counts of values for a histogram (run_count's arrays): element i+1 counts the values
-- with width_bucket(v, bounds) = i, i.e. bounds[i] <= v < bounds[i+1]; NULLs count nowhere.
CREATE OR REPLACE FUNCTION pgautomator._bucket_counts(vals float8[], bounds float8[])
RETURNS bigint[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT array_agg((SELECT count(*) FROM unnest(vals) v WHERE width_bucket(v, bounds) = i) ORDER BY i)
    FROM generate_series(0, cardinality(bounds)) i
$$;
COMMENT ON FUNCTION pgautomator._bucket_counts(float8[], float8[]) IS 'Histogram counts of vals per bucket of bounds (cardinality(bounds) + 1 buckets, not cumulated; the last: at or past the last bound).';
REVOKE ALL ON FUNCTION pgautomator._bucket_counts(float8[], float8[]) FROM PUBLIC;

-- A histogram of metrics()'s payload from per-bucket counts (run_histogram's layout: one count per
-- bucket of bounds, then the +Inf bucket): {bounds, buckets: cumulative counts below each bound,
-- count: all of them, sum}. A NULL element (the sum over no counters at all) counts 0.
CREATE OR REPLACE FUNCTION pgautomator._histogram_json(bounds float8[], counts numeric[], total float8)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
           'bounds', to_jsonb(bounds),
           'buckets', (SELECT jsonb_agg(w.below ORDER BY w.i)
                         FROM (SELECT u.i, sum(coalesce(u.n, 0)) OVER (ORDER BY u.i) AS below
                                 FROM unnest(counts[1:cardinality(bounds)]) WITH ORDINALITY u(n, i)) w),
           'count', (SELECT coalesce(sum(u.n), 0) FROM unnest(counts) u(n)),
           'sum', coalesce(total, 0))
$$;
COMMENT ON FUNCTION pgautomator._histogram_json(float8[], numeric[], float8) IS 'metrics(): a histogram as JSON {bounds, buckets (cumulative), count, sum} from per-bucket counts (the last: past the last bound).';
REVOKE ALL ON FUNCTION pgautomator._histogram_json(float8[], numeric[], float8) FROM PUBLIC;

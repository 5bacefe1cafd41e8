-- Adds n runs of job_id that ended in state to run_count: n to runs, n to duration bucket db and
-- lateness bucket lb (1-based positions in the arrays; NULL: the runs never started, no bucket),
-- and the sums. The row is written at zero the first time the job reaches the state. Called by
-- _count_ended_runs only, which says in what order (locks).
CREATE OR REPLACE FUNCTION pgautomator._add_run_count(job_id bigint, state text, n bigint, db int, dsum float8, lb int, lsum float8,
                                                      d_bounds float8[], l_bounds float8[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  FOR attempt IN 1 .. 2 LOOP
    -- By position: a slice before, the bucket plus n, a slice after.
    UPDATE pgautomator.run_count c
       SET runs = c.runs + n,
           duration_buckets = CASE WHEN db IS NULL THEN c.duration_buckets
                                   ELSE c.duration_buckets[:db - 1] || (c.duration_buckets[db] + n) || c.duration_buckets[db + 1:] END,
           duration_sum = c.duration_sum + dsum,
           lateness_buckets = CASE WHEN lb IS NULL THEN c.lateness_buckets
                                   ELSE c.lateness_buckets[:lb - 1] || (c.lateness_buckets[lb] + n) || c.lateness_buckets[lb + 1:] END,
           lateness_sum = c.lateness_sum + lsum
     WHERE c.job_id = _add_run_count.job_id AND c.state = _add_run_count.state;
    EXIT WHEN FOUND;
    -- The job's first run in this state: its row at zero, then the UPDATE again (a concurrent
    -- first end of the same job and state may have written the row meanwhile: DO NOTHING).
    INSERT INTO pgautomator.run_count (job_id, state, runs, duration_buckets, duration_sum, lateness_buckets, lateness_sum)
    VALUES (_add_run_count.job_id, _add_run_count.state, 0, array_fill(0::bigint, ARRAY[cardinality(d_bounds) + 1]), 0,
            array_fill(0::bigint, ARRAY[cardinality(l_bounds) + 1]), 0)
    ON CONFLICT ON CONSTRAINT run_count_pkey DO NOTHING;
  END LOOP;
END
$$;
COMMENT ON FUNCTION pgautomator._add_run_count(bigint, text, bigint, int, float8, int, float8, float8[], float8[]) IS
  'run_count += n runs of job_id in state, in duration bucket db and lateness bucket lb (NULL: none), with their sums (_count_ended_runs).';
REVOKE ALL ON FUNCTION pgautomator._add_run_count(bigint, text, bigint, int, float8, int, float8, float8[], float8[]) FROM PUBLIC;

-- Moves the ended runs counted in run_count_delta into run_count: the delta rows this statement
-- sees are deleted and their counts added to the counter rows, in one statement, so a reader of
-- both tables (metrics()) sees every run once, before, during and after. Rows committed while it
-- runs are not seen by its DELETE and wait for the next fold. Two folds at once: the second one's
-- DELETE waits for the first's rows and skips them once deleted (READ COMMITTED), so no run is
-- added twice; the counter rows are locked in (job_id, state) order, so they cannot deadlock.
-- Called by _retention_pass (at most once a minute, whoever heartbeats); tests call it directly.
-- Returns how many runs were moved (including those of deleted jobs, dropped).
CREATE OR REPLACE FUNCTION pgautomator._fold_run_counts()
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  moved bigint;
BEGIN
  WITH gone AS (
    DELETE FROM pgautomator.run_count_delta d
    RETURNING ROW(d.job_id, d.state, d.duration, d.lateness)::pgautomator.run_count_delta AS d),
  added AS (
    INSERT INTO pgautomator.run_count AS c (job_id, state, runs, duration_buckets, duration_sum, lateness_buckets, lateness_sum)
    SELECT n.job_id, n.state, n.runs, n.duration_buckets, n.duration_sum, n.lateness_buckets, n.lateness_sum
      FROM pgautomator._run_count_rows(ARRAY(SELECT g.d FROM gone g)) AS n
    ON CONFLICT ON CONSTRAINT run_count_pkey DO UPDATE
       -- Bucket by bucket, the subscripts written out as in _run_count_rows (which checks the
       -- bounds' sizes; it says what unnesting the arrays cost).
       SET runs = c.runs + excluded.runs,
           duration_buckets = ARRAY[c.duration_buckets[1] + excluded.duration_buckets[1], c.duration_buckets[2] + excluded.duration_buckets[2],
                                    c.duration_buckets[3] + excluded.duration_buckets[3], c.duration_buckets[4] + excluded.duration_buckets[4],
                                    c.duration_buckets[5] + excluded.duration_buckets[5], c.duration_buckets[6] + excluded.duration_buckets[6],
                                    c.duration_buckets[7] + excluded.duration_buckets[7], c.duration_buckets[8] + excluded.duration_buckets[8],
                                    c.duration_buckets[9] + excluded.duration_buckets[9], c.duration_buckets[10] + excluded.duration_buckets[10]],
           duration_sum = c.duration_sum + excluded.duration_sum,
           lateness_buckets = ARRAY[c.lateness_buckets[1] + excluded.lateness_buckets[1], c.lateness_buckets[2] + excluded.lateness_buckets[2],
                                    c.lateness_buckets[3] + excluded.lateness_buckets[3], c.lateness_buckets[4] + excluded.lateness_buckets[4],
                                    c.lateness_buckets[5] + excluded.lateness_buckets[5], c.lateness_buckets[6] + excluded.lateness_buckets[6],
                                    c.lateness_buckets[7] + excluded.lateness_buckets[7], c.lateness_buckets[8] + excluded.lateness_buckets[8],
                                    c.lateness_buckets[9] + excluded.lateness_buckets[9]],
           lateness_sum = c.lateness_sum + excluded.lateness_sum
    RETURNING 1)
  SELECT count(*) INTO moved FROM gone;
  RETURN moved;
END
$$;
COMMENT ON FUNCTION pgautomator._fold_run_counts() IS
  'Moves the runs counted in run_count_delta into run_count (per job and state, histograms added bucket by bucket) in one statement; drops those of deleted jobs. Called by _retention_pass. Returns the runs moved.';
REVOKE ALL ON FUNCTION pgautomator._fold_run_counts() FROM PUBLIC;

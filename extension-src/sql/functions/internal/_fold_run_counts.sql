-- Moves the ended runs counted in run_count_delta into run_count (per job and state) and
-- run_histogram (over all jobs): the delta rows this statement sees are deleted and their counts
-- added, in one statement, so a reader of all three tables (metrics()) sees every run once, before,
-- during and after. Rows committed while it runs are not seen by its DELETE and wait for the next
-- fold. Two folds at once: the second one's DELETE waits for the first's rows and skips them once
-- deleted (READ COMMITTED), so no run is added twice; the counter rows are locked in (job_id, state)
-- order, then the two histogram rows, so they cannot deadlock. Rows of jobs deleted since add to
-- the histograms (never lowered: tables/172-run_histogram.sql) but to no job's counter.
-- Called by _retention_pass (at most once a minute, whoever heartbeats); tests call it directly.
-- Returns how many runs were moved.
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
    RETURNING d.job_id, d.state, d.duration, d.lateness),
  counted AS (
    INSERT INTO pgautomator.run_count AS c (job_id, state, runs)
    SELECT g.job_id, g.state, count(*)
      FROM gone g
     WHERE EXISTS (SELECT 1 FROM pgautomator.job j WHERE j.id = g.job_id)
     GROUP BY g.job_id, g.state
     ORDER BY g.job_id, g.state
    ON CONFLICT ON CONSTRAINT run_count_pkey DO UPDATE SET runs = c.runs + excluded.runs
    RETURNING 1),
  binned AS (
    INSERT INTO pgautomator.run_histogram AS h (kind, buckets, sum)
    SELECT n.kind, n.buckets, n.sum
      FROM pgautomator._run_histograms(ARRAY(SELECT g.duration FROM gone g), ARRAY(SELECT g.lateness FROM gone g)) AS n
     WHERE EXISTS (SELECT 1 FROM gone)
    ON CONFLICT (kind) DO UPDATE
       SET buckets = ARRAY(SELECT x.have + x.add FROM unnest(h.buckets, excluded.buckets) WITH ORDINALITY AS x(have, add, i) ORDER BY x.i),
           sum = h.sum + excluded.sum
    RETURNING 1)
  SELECT count(*) INTO moved FROM gone;
  RETURN moved;
END
$$;
COMMENT ON FUNCTION pgautomator._fold_run_counts() IS
  'Moves the runs counted in run_count_delta into run_count (per job and state; jobs deleted since are left out) and run_histogram (duration and lateness over all jobs) in one statement. Called by _retention_pass. Returns the runs moved.';
REVOKE ALL ON FUNCTION pgautomator._fold_run_counts() FROM PUBLIC;

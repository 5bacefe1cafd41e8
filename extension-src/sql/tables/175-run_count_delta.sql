-- Ended runs not yet added to run_count and run_histogram: one narrow row per run, appended in the
-- transaction that ends it (_count_ended_runs), moved into those two about once a minute
-- (_fold_run_counts, from the retention pass of an agent's heartbeat). metrics() reads all three,
-- so a scrape counts a run from the commit that ended it, folded or not.
--
-- Why not run_count directly: every run's end then upserted its job's counter row (a read of the
-- key, a new version of a row of two arrays, its lock held until commit), about a tenth of the
-- database's CPU per no-op run (bench/README.md, session 10's what-ifs); and runs of one job and
-- state that ended at once waited for each other's commits on that row. An insert here locks
-- nothing another run's end needs, and a fold adds a minute of runs to each counter row once.
--
-- No key, no index, no foreign key, no CHECK: the rows are only written by _count_ended_runs from
-- job_run rows, which are checked, and only read whole (metrics() and the fold). A deleted job's
-- rows stay until the next fold, which adds them to the histograms (never lowered) and to no
-- job's counter; until then its job is gone from metrics()'s join, as its run_count rows are
-- (ON DELETE CASCADE).
CREATE TABLE pgautomator.run_count_delta (
  job_id   bigint NOT NULL,
  state    text NOT NULL,
  duration float8,
  lateness float8
);
COMMENT ON TABLE pgautomator.run_count_delta IS 'Ended runs not yet added to run_count and run_histogram, one row each: written as runs end, folded into both about once a minute (_fold_run_counts). metrics() reads all three.';
COMMENT ON COLUMN pgautomator.run_count_delta.job_id IS 'The run''s job (no foreign key: the fold adds the runs of deleted jobs to the histograms only).';
COMMENT ON COLUMN pgautomator.run_count_delta.state IS 'The final state the run reached.';
COMMENT ON COLUMN pgautomator.run_count_delta.duration IS 'finished_at - started_at, seconds; NULL for a run that never started.';
COMMENT ON COLUMN pgautomator.run_count_delta.lateness IS 'started_at - scheduled_for, seconds, at least 0; NULL for a run that never started.';

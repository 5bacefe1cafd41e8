-- The histograms of metrics() (GET /metrics), over all jobs: how long the ended runs that started
-- lasted, and how late they started. Added to by the fold (_fold_run_counts) with the runs of
-- run_count_delta; metrics() adds the runs not folded yet. One row per histogram, written by the
-- fold alone (folds take turns: _retention_pass), so a fold costs two row updates whatever the
-- number of jobs.
--
-- Never lowered, by retention or by deleting a job: these are Prometheus counters without a job
-- label (pgautomator_run_duration_seconds, pgautomator_run_lateness_seconds), and a counter that
-- goes down reads as a reset, which rate() turns into a spike. (Until 2026-12-06 they were kept
-- per job and state in run_count, and a deleted job took its runs out of them.)
--
-- buckets holds one count per bucket, not cumulated: element i (1-based) counts the values v with
-- bounds[i-1] <= v < bounds[i] (width_bucket), the last one those at or past the last bound (+Inf);
-- bounds are _run_histogram_bounds(kind). Changing the bounds is a schema change: an upgrade
-- rebuilds these arrays (the old ones cannot be split).
CREATE TABLE pgautomator.run_histogram (
  kind    text PRIMARY KEY CHECK (kind IN ('duration', 'lateness')),
  buckets bigint[] NOT NULL,
  sum     float8 NOT NULL
);
COMMENT ON TABLE pgautomator.run_histogram IS 'Histograms of the ended runs that started, over all jobs since install: duration (finished_at - started_at) and lateness (started_at - scheduled_for, at least 0), seconds. Added to by _fold_run_counts; never lowered. Read by metrics(), with run_count_delta.';
COMMENT ON COLUMN pgautomator.run_histogram.kind IS 'duration or lateness.';
COMMENT ON COLUMN pgautomator.run_histogram.buckets IS 'How many values fell within each bucket of _run_histogram_bounds(kind), one count per bucket (not cumulated), the last past the last bound.';
COMMENT ON COLUMN pgautomator.run_histogram.sum IS 'Sum of the values, seconds.';

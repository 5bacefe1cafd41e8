-- Counters of ended runs, for metrics() (GET /metrics): one row per job and final state. A run is
-- counted in the transaction that ends it, as a row of run_count_delta (_count_ended_runs), and
-- added here with the runs of about a minute (_fold_run_counts); metrics() reads both. Retention
-- never lowers them. So a scrape reads at most (jobs x final states) small rows instead of
-- scanning the run history (measured in bench/metrics.ts: 1.5 s at 100,000 runs, 3.4 s at
-- 500,000), and the figures are Prometheus counters: they only grow, whatever retention deletes. A
-- deleted job takes its rows with it (its series disappear from the scrape, as Prometheus expects
-- of a target's series). The histograms of those runs, over all jobs, are run_histogram's.
--
-- One row per job and state, not one global row, and written by the fold alone: runs that end at
-- once, of any jobs, do not wait for each other on a counter row (tables/175-run_count_delta.sql).
--
-- Installing or upgrading: there is no released version without this table (0.1.0 is the first,
-- and not released yet), so no upgrade script initialises it. Were an install to gain it over
-- existing history, the upgrade script would count that history once, in the same statements the
-- benchmark uses: SELECT pgautomator._count_ended_runs(array_agg(id)) FROM pgautomator.job_run
-- WHERE finished_at IS NOT NULL; SELECT pgautomator._fold_run_counts();
CREATE TABLE pgautomator.run_count (
  job_id           bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  state            text NOT NULL CHECK (state IN ('succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped')),
  runs             bigint NOT NULL CHECK (runs >= 0),
  PRIMARY KEY (job_id, state)
);
COMMENT ON TABLE pgautomator.run_count IS 'Counters of ended runs per job and final state since install (or since the job was created), added to from run_count_delta about once a minute (_fold_run_counts); retention does not lower them. Read by metrics(), with run_count_delta.';
COMMENT ON COLUMN pgautomator.run_count.job_id IS 'The job.';
COMMENT ON COLUMN pgautomator.run_count.state IS 'The final state the runs reached.';
COMMENT ON COLUMN pgautomator.run_count.runs IS 'How many runs of the job reached this state.';

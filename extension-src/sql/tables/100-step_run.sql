CREATE TABLE pgautomator.step_run (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_run_id    bigint NOT NULL REFERENCES pgautomator.job_run (id) ON DELETE CASCADE,
  step_id       bigint REFERENCES pgautomator.step (id) ON DELETE SET NULL,
  position      int NOT NULL,
  step_name     text NOT NULL,
  attempt       int NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  agent_id      bigint REFERENCES pgautomator.agent (id) ON DELETE SET NULL,
  state         text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed', 'killed', 'timed_out', 'abandoned')),
  started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at   timestamptz,
  exit_code     int,
  message       text,
  output        text,
  output_bytes  bigint NOT NULL DEFAULT 0,
  CONSTRAINT step_run_finished_states CHECK ((finished_at IS NULL) = (state = 'running'))
)
-- Room on each page for the attempt's end: it changes no indexed column, so with space on the
-- row's own page it is a HOT update and writes none of the three indexes. Rows are appended, so
-- the page of a short attempt has usually room left at its end (measured with
-- bench/cost-per-run.ts: 96-98 % of the ends HOT at fillfactor 100, 100 % at 80); the longer an
-- attempt runs, the more rows are appended after it and the fuller its page is at its end.
WITH (fillfactor = 80);
CREATE INDEX step_run_job_run_id_idx ON pgautomator.step_run (job_run_id, id);
-- (step_id, id): a step's last attempts across runs (list_step_runs), newest first; also the probe of ON DELETE SET NULL.
CREATE INDEX step_run_step_id_idx ON pgautomator.step_run (step_id, id);
COMMENT ON TABLE pgautomator.step_run IS 'One attempt of one step within a run.';
COMMENT ON COLUMN pgautomator.step_run.job_run_id IS 'The run this attempt belongs to.';
COMMENT ON COLUMN pgautomator.step_run.step_id IS 'The step (NULL once the step is deleted; position and step_name keep the history readable).';
COMMENT ON COLUMN pgautomator.step_run.position IS 'The step''s position when it ran.';
COMMENT ON COLUMN pgautomator.step_run.step_name IS 'The step''s name when it ran.';
COMMENT ON COLUMN pgautomator.step_run.attempt IS '1 for the first try, 2.. for retries.';
COMMENT ON COLUMN pgautomator.step_run.agent_id IS 'The agent that ran the attempt.';
COMMENT ON COLUMN pgautomator.step_run.state IS 'running -> succeeded | failed | killed | timed_out | abandoned.';
COMMENT ON COLUMN pgautomator.step_run.started_at IS 'When the attempt began (database clock).';
COMMENT ON COLUMN pgautomator.step_run.finished_at IS 'When it ended.';
COMMENT ON COLUMN pgautomator.step_run.exit_code IS 'Exit code of a shell step.';
COMMENT ON COLUMN pgautomator.step_run.message IS 'Error or summary (row counts of a SQL step).';
COMMENT ON COLUMN pgautomator.step_run.output IS 'Captured output, bounded: head and tail kept, output_bytes says how much there was.';
COMMENT ON COLUMN pgautomator.step_run.output_bytes IS 'Total bytes of output produced, including what was not kept.';

CREATE TABLE pgautomator.step_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  step_run_id  bigint NOT NULL REFERENCES pgautomator.step_run (id) ON DELETE CASCADE,
  logged_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  stream       text NOT NULL DEFAULT 'stdout' CHECK (stream IN ('stdout', 'stderr', 'notice', 'info')),
  chunk        text NOT NULL
);
CREATE INDEX step_log_step_run_id_idx ON pgautomator.step_log (step_run_id, id);
COMMENT ON TABLE pgautomator.step_log IS 'Output of a running step, streamed by the agent in chunks (bounded per step run).';
COMMENT ON COLUMN pgautomator.step_log.step_run_id IS 'The attempt that produced the output.';
COMMENT ON COLUMN pgautomator.step_log.logged_at IS 'When the chunk arrived.';
COMMENT ON COLUMN pgautomator.step_log.stream IS 'stdout, stderr, notice (server notices of SQL steps) or info (agent remarks).';
COMMENT ON COLUMN pgautomator.step_log.chunk IS 'A piece of output.';

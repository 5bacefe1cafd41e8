CREATE OR REPLACE VIEW pgautomator.step_runs AS
SELECT sr.id,
       sr.job_run_id AS run_id,
       j.name AS job,
       sr.step_id,
       sr.position,
       sr.step_name AS step,
       sr.attempt,
       sr.attempt - 1 AS retries,
       a.name AS agent,
       sr.state,
       sr.started_at,
       sr.finished_at,
       coalesce(sr.finished_at, now()) - sr.started_at AS duration,
       sr.exit_code,
       sr.message,
       sr.output,
       sr.output_bytes
  FROM pgautomator.step_run sr
  JOIN pgautomator.job_run r ON r.id = sr.job_run_id
  JOIN pgautomator.job j ON j.id = r.job_id
  LEFT JOIN pgautomator.agent a ON a.id = sr.agent_id;
COMMENT ON VIEW pgautomator.step_runs IS 'Every attempt of every step, with exit code and captured output. pgautomator.get_run(run_id) returns a run with its step runs.';
COMMENT ON COLUMN pgautomator.step_runs.run_id IS 'The run the attempt belongs to.';
COMMENT ON COLUMN pgautomator.step_runs.step IS 'The step''s name when it ran.';
COMMENT ON COLUMN pgautomator.step_runs.attempt IS '1 for the first try, 2.. for retries.';
COMMENT ON COLUMN pgautomator.step_runs.retries IS 'Retries before this attempt (attempt - 1).';
COMMENT ON COLUMN pgautomator.step_runs.duration IS 'finished_at - started_at; for a running attempt, the time so far.';
COMMENT ON COLUMN pgautomator.step_runs.output IS 'Captured output (bounded: head and tail); output_bytes says how much there was. Live chunks: pgautomator.step_output().';

CREATE OR REPLACE VIEW pgautomator.runs AS
SELECT r.id,
       r.job_id,
       j.name AS job,
       a.name AS agent,
       r.trigger,
       s.name AS schedule,
       r.scheduled_for,
       r.queued_at,
       r.started_at,
       r.finished_at,
       coalesce(r.finished_at, CASE WHEN r.state = 'running' THEN now() END) - r.started_at AS duration,
       r.state,
       r.message,
       r.attempt,
       r.retry_of,
       r.start_position,
       r.requested_by,
       r.kill_requested_at,
       r.kill_requested_by,
       r.deadline_at,
       r.started_at - r.scheduled_for AS lateness
  FROM pgautomator.job_run r
  JOIN pgautomator.job j ON j.id = r.job_id
  LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
  LEFT JOIN pgautomator.schedule s ON s.id = r.schedule_id;
COMMENT ON VIEW pgautomator.runs IS 'Every run of every job (history and current). Read with pgautomator.list_runs() (newest first, paged) or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.runs.job IS 'Job name.';
COMMENT ON COLUMN pgautomator.runs.agent IS 'The agent that ran it (NULL while queued).';
COMMENT ON COLUMN pgautomator.runs.trigger IS 'schedule, manual, retry or api.';
COMMENT ON COLUMN pgautomator.runs.schedule IS 'The schedule that fired it, for scheduled runs.';
COMMENT ON COLUMN pgautomator.runs.duration IS 'finished_at - started_at; for a running run, the time so far.';
COMMENT ON COLUMN pgautomator.runs.attempt IS '1, or more for a retry of an abandoned run.';
COMMENT ON COLUMN pgautomator.runs.requested_by IS 'The role that started it by hand.';
COMMENT ON COLUMN pgautomator.runs.lateness IS 'started_at - scheduled_for: how late the run began.';

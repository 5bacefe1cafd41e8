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
       r.started_at - r.scheduled_for AS lateness,
       r.upstream_run_id,
       CASE r.trigger
         WHEN 'schedule' THEN format('schedule %s', coalesce(s.name, '(deleted)'))
         WHEN 'manual' THEN format('started by %s', r.requested_by)
         WHEN 'retry' THEN format('retry of run %s', r.retry_of)
         WHEN 'job' THEN format('end of run %s of job %s', r.upstream_run_id,
                                coalesce((SELECT uj.name FROM pgautomator.job_run ur JOIN pgautomator.job uj ON uj.id = ur.job_id
                                           WHERE ur.id = r.upstream_run_id), '(purged)'))
         ELSE r.trigger END AS cause
  FROM pgautomator.job_run r
  JOIN pgautomator.job j ON j.id = r.job_id
  LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
  LEFT JOIN pgautomator.schedule s ON s.id = r.schedule_id;
COMMENT ON VIEW pgautomator.runs IS 'Every run of every job (history and current). Read with pgautomator.list_runs() (newest first, paged) or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.runs.job IS 'Job name.';
COMMENT ON COLUMN pgautomator.runs.agent IS 'The agent that ran it (NULL while queued).';
COMMENT ON COLUMN pgautomator.runs.trigger IS 'schedule, manual, retry, api or job (the end of an upstream run, see job_triggers).';
COMMENT ON COLUMN pgautomator.runs.schedule IS 'The schedule that fired it, for scheduled runs.';
COMMENT ON COLUMN pgautomator.runs.duration IS 'finished_at - started_at; for a running run, the time so far.';
COMMENT ON COLUMN pgautomator.runs.attempt IS '1, or more for a retry of an abandoned run.';
COMMENT ON COLUMN pgautomator.runs.requested_by IS 'The role that started it by hand.';
COMMENT ON COLUMN pgautomator.runs.lateness IS 'started_at - scheduled_for: how late the run began.';
COMMENT ON COLUMN pgautomator.runs.upstream_run_id IS 'trigger = job: the upstream run whose end started this one.';
COMMENT ON COLUMN pgautomator.runs.cause IS 'Why the run exists, in words: the schedule, who started it, the run it retries, or the upstream run (and job) whose end started it.';

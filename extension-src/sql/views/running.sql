CREATE OR REPLACE VIEW pgautomator.running AS
SELECT r.id,
       r.job_id,
       j.name AS job,
       r.state,
       a.name AS agent,
       -- Drained by an admin (drain_agent): draining, as the agents view says.
       CASE WHEN a.state = 'online' AND a.drained_at IS NOT NULL THEN 'draining' ELSE a.state END AS agent_state,
       r.trigger,
       s.name AS schedule,
       r.scheduled_for,
       r.queued_at,
       r.started_at,
       now() - r.started_at AS elapsed,
       r.deadline_at,
       r.attempt,
       r.requested_by,
       r.kill_requested_at,
       r.kill_requested_by,
       r.message,
       cs.id AS step_run_id,
       cs.position AS step_position,
       cs.step_name AS step,
       cs.attempt AS step_attempt,
       cs.started_at AS step_started_at
  FROM pgautomator.job_run r
  JOIN pgautomator.job j ON j.id = r.job_id
  LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
  LEFT JOIN pgautomator.schedule s ON s.id = r.schedule_id
  LEFT JOIN LATERAL (SELECT sr.id, sr.position, sr.step_name, sr.attempt, sr.started_at
                       FROM pgautomator.step_run sr
                      WHERE sr.job_run_id = r.id AND sr.state = 'running'
                      ORDER BY sr.id DESC
                      LIMIT 1) cs ON true
 WHERE r.state IN ('queued', 'running');
COMMENT ON VIEW pgautomator.running IS 'Runs that are not finished: running (with the step it is on) and queued (waiting for an agent). Read with pgautomator.list_running().';
COMMENT ON COLUMN pgautomator.running.state IS 'running or queued.';
COMMENT ON COLUMN pgautomator.running.agent_state IS 'State of the run''s agent: online, draining, or offline (declared dead; a run of an on_abandon = wait job stays running and waits for it, its message says since when).';
COMMENT ON COLUMN pgautomator.running.elapsed IS 'now() - started_at (NULL while queued).';
COMMENT ON COLUMN pgautomator.running.kill_requested_at IS 'When someone asked to kill it (the agent is stopping it).';
COMMENT ON COLUMN pgautomator.running.message IS 'Why a running run is as it is: set while a run of an on_abandon = wait job waits for its offline agent (cleared when the agent resumes it).';
COMMENT ON COLUMN pgautomator.running.step_run_id IS 'The step attempt running now (NULL between steps or while queued); stream its output with pgautomator.step_output().';
COMMENT ON COLUMN pgautomator.running.step_position IS 'Position of the step running now.';
COMMENT ON COLUMN pgautomator.running.step IS 'Name of the step running now.';
COMMENT ON COLUMN pgautomator.running.step_attempt IS 'Attempt number of that step (2.. when retrying).';

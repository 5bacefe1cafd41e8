CREATE OR REPLACE VIEW pgautomator.jobs AS
SELECT j.id,
       j.name,
       j.description,
       c.name AS category,
       j.enabled,
       j.paused_reason,
       j.owner,
       a.name AS agent,
       j.agent_tags,
       j.overlap,
       j.misfire,
       j.misfire_grace,
       j.timeout,
       j.on_abandon,
       j.abandon_retries,
       j.keep_runs,
       j.keep_age,
       (SELECT count(*) FROM pgautomator.step s WHERE s.job_id = j.id)::int AS steps,
       ARRAY(SELECT sc.name
               FROM pgautomator.job_schedule js
               JOIN pgautomator.schedule sc ON sc.id = js.schedule_id
              WHERE js.job_id = j.id
              ORDER BY sc.name) AS schedules,
       (SELECT min(js.next_fire_at) FROM pgautomator.job_schedule js WHERE js.job_id = j.id) AS next_run_at,
       lr.id AS last_run_id,
       lr.state AS last_run_state,
       lr.finished_at AS last_run_finished_at,
       j.created_at,
       j.updated_at
  FROM pgautomator.job j
  LEFT JOIN pgautomator.category c ON c.id = j.category_id
  LEFT JOIN pgautomator.agent a ON a.id = j.agent_id
  LEFT JOIN LATERAL (SELECT r.id, r.state, r.finished_at
                       FROM pgautomator.job_run r
                      WHERE r.job_id = j.id AND r.state <> 'queued'
                      ORDER BY r.id DESC
                      LIMIT 1) lr ON true;
COMMENT ON VIEW pgautomator.jobs IS 'Jobs as people read them: names instead of ids, step count, schedules, next fire and last run. Read with pgautomator.list_jobs() or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.jobs.category IS 'Category name, if any.';
COMMENT ON COLUMN pgautomator.jobs.paused_reason IS 'Why the job was disabled, when someone said.';
COMMENT ON COLUMN pgautomator.jobs.agent IS 'The one agent allowed to run the job; NULL: any agent carrying agent_tags.';
COMMENT ON COLUMN pgautomator.jobs.steps IS 'Number of steps.';
COMMENT ON COLUMN pgautomator.jobs.schedules IS 'Names of the attached schedules.';
COMMENT ON COLUMN pgautomator.jobs.next_run_at IS 'Earliest next fire over the attached schedules; NULL when disabled or nothing will fire.';
COMMENT ON COLUMN pgautomator.jobs.last_run_id IS 'The latest run that left the queue (running, finished, skipped or cancelled).';
COMMENT ON COLUMN pgautomator.jobs.last_run_state IS 'State of that run.';
COMMENT ON COLUMN pgautomator.jobs.last_run_finished_at IS 'When that run finished (NULL while it runs).';

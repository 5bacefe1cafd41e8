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
       j.updated_at,
       -- The figures of the jobs list (issue 15), from the job's last 20 runs that ran to an end:
       -- a bounded walk down job_run_job_id_idx per job, so the list stays one query whose cost
       -- grows with the jobs, not with the history. Measured (2026-12-05, 10,000 jobs, 100k runs,
       -- backend CPU per list_jobs() call, 2 cores under load 20-40): 173 ms before, 310 ms with them.
       lr.finished_at - lr.started_at AS last_duration,
       recent.avg_duration,
       coalesce(recent.durations, '{}') AS recent_durations,
       recent.success_rate
  FROM pgautomator.job j
  LEFT JOIN pgautomator.category c ON c.id = j.category_id
  LEFT JOIN pgautomator.agent a ON a.id = j.agent_id
  LEFT JOIN LATERAL (SELECT r.id, r.state, r.started_at, r.finished_at
                       FROM pgautomator.job_run r
                      WHERE r.job_id = j.id AND r.state <> 'queued'
                      ORDER BY r.id DESC
                      LIMIT 1) lr ON true
  LEFT JOIN LATERAL (SELECT avg(d.finished_at - d.started_at) AS avg_duration,
                            array_agg(round(extract(epoch FROM d.finished_at - d.started_at)::numeric, 3)::float8 ORDER BY d.id) AS durations,
                            -- Killed runs are someone's decision, not an outcome (as status() counts failing jobs).
                            (count(*) FILTER (WHERE d.state = 'succeeded'))::float8
                              / nullif(count(*) FILTER (WHERE d.state IN ('succeeded', 'failed', 'timed_out', 'abandoned')), 0) AS success_rate
                       FROM (SELECT r.id, r.state, r.started_at, r.finished_at
                               FROM pgautomator.job_run r
                              WHERE r.job_id = j.id AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL
                              ORDER BY r.id DESC
                              LIMIT 20) d) recent ON true;
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
COMMENT ON COLUMN pgautomator.jobs.last_duration IS 'How long the last run took (NULL while it runs or if it never started).';
COMMENT ON COLUMN pgautomator.jobs.avg_duration IS 'Average duration of the last 20 runs that started and ended (any outcome).';
COMMENT ON COLUMN pgautomator.jobs.recent_durations IS 'Durations in seconds of those last 20 runs, oldest first (the trend the console draws).';
COMMENT ON COLUMN pgautomator.jobs.success_rate IS 'Share (0 to 1) of succeeded runs among those last 20 runs that ran to an outcome (succeeded, failed, timed_out, abandoned; killed runs are passed over); NULL when there is none.';

CREATE TABLE pgautomator.job_schedule (
  job_id        bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  schedule_id   bigint NOT NULL REFERENCES pgautomator.schedule (id) ON DELETE CASCADE,
  next_fire_at  timestamptz,
  last_fire_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, schedule_id)
);
CREATE INDEX job_schedule_next_fire_at_idx ON pgautomator.job_schedule (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX job_schedule_schedule_id_idx ON pgautomator.job_schedule (schedule_id);
COMMENT ON TABLE pgautomator.job_schedule IS 'Which schedules fire which jobs, with the next fire the database computed for each pair.';
COMMENT ON COLUMN pgautomator.job_schedule.job_id IS 'The job fired.';
COMMENT ON COLUMN pgautomator.job_schedule.schedule_id IS 'The schedule that fires it.';
COMMENT ON COLUMN pgautomator.job_schedule.next_fire_at IS 'Next instant this schedule fires this job; NULL when it never fires again or the job or schedule is disabled. Maintained by the database.';
COMMENT ON COLUMN pgautomator.job_schedule.last_fire_at IS 'The latest fire turned into a run (or recorded skipped).';
COMMENT ON COLUMN pgautomator.job_schedule.created_at IS 'When the schedule was attached.';

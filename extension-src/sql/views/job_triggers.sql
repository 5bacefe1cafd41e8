CREATE OR REPLACE VIEW pgautomator.job_triggers AS
SELECT t.id,
       j.name AS job,
       u.name AS after,
       t.outcome,
       t.delay,
       t.created_by,
       t.created_at
  FROM pgautomator.job_trigger t
  JOIN pgautomator.job j ON j.id = t.job_id
  JOIN pgautomator.job u ON u.id = t.after_job_id;
COMMENT ON VIEW pgautomator.job_triggers IS 'Dependencies between jobs: job starts when a run of after ends with outcome, after delay. Read with pgautomator.list_job_triggers() or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.job_triggers.job IS 'The downstream job, started by the trigger.';
COMMENT ON COLUMN pgautomator.job_triggers.after IS 'The upstream job whose runs'' ends start it.';
COMMENT ON COLUMN pgautomator.job_triggers.outcome IS 'succeeded, failed (failed, killed, timed_out, abandoned) or finished (either).';
COMMENT ON COLUMN pgautomator.job_triggers.delay IS 'How long after the upstream run''s end the downstream run is due.';
COMMENT ON COLUMN pgautomator.job_triggers.created_by IS 'Who added it.';
COMMENT ON COLUMN pgautomator.job_triggers.created_at IS 'When it was added.';

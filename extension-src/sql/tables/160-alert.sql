CREATE TABLE pgautomator.alert (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id           bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('freshness', 'duration')),
  job_run_id       bigint REFERENCES pgautomator.job_run (id) ON DELETE SET NULL,
  message          text NOT NULL,
  raised_at        timestamptz NOT NULL,
  cleared_at       timestamptz,
  cleared_by_run_id bigint REFERENCES pgautomator.job_run (id) ON DELETE SET NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  name,
  CONSTRAINT alert_duration_has_run CHECK (kind <> 'duration' OR job_run_id IS NOT NULL OR cleared_at IS NOT NULL)
);
-- One open alert per job for freshness, one per run for duration: a sweep that runs twice raises nothing twice.
CREATE UNIQUE INDEX alert_open_freshness_unique ON pgautomator.alert (job_id) WHERE kind = 'freshness' AND cleared_at IS NULL;
CREATE UNIQUE INDEX alert_duration_unique ON pgautomator.alert (job_run_id) WHERE kind = 'duration';
CREATE INDEX alert_open_idx ON pgautomator.alert (raised_at) WHERE cleared_at IS NULL;
CREATE INDEX alert_job_id_idx ON pgautomator.alert (job_id, id DESC);
CREATE INDEX alert_cleared_by_run_id_idx ON pgautomator.alert (cleared_by_run_id) WHERE cleared_by_run_id IS NOT NULL;
COMMENT ON TABLE pgautomator.alert IS 'Alerts raised by alert rules: open until cleared (freshness: by the job''s next success; duration: by the run''s end); acknowledged with acknowledge_alert.';
COMMENT ON COLUMN pgautomator.alert.job_id IS 'The job concerned.';
COMMENT ON COLUMN pgautomator.alert.kind IS 'freshness or duration.';
COMMENT ON COLUMN pgautomator.alert.job_run_id IS 'duration: the run that runs too long.';
COMMENT ON COLUMN pgautomator.alert.message IS 'What is wrong, in words.';
COMMENT ON COLUMN pgautomator.alert.raised_at IS 'When the database raised it (the sweep''s clock).';
COMMENT ON COLUMN pgautomator.alert.cleared_at IS 'When it was cleared; NULL while open.';
COMMENT ON COLUMN pgautomator.alert.cleared_by_run_id IS 'The run whose success (freshness) or end (duration) cleared it.';
COMMENT ON COLUMN pgautomator.alert.acknowledged_at IS 'When someone acknowledged it.';
COMMENT ON COLUMN pgautomator.alert.acknowledged_by IS 'Who acknowledged it.';

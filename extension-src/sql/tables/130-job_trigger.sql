-- Dependencies between jobs: a run of after_job_id that ends with a matching outcome starts job_id
-- (after delay). Many to many; add_job_trigger refuses cycles (PA050).
CREATE TABLE pgautomator.job_trigger (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id        bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  after_job_id  bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  outcome       text NOT NULL DEFAULT 'succeeded' CHECK (outcome IN ('succeeded', 'failed', 'finished')),
  delay         interval NOT NULL DEFAULT '0' CHECK (delay >= '0'),
  created_by    name NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT job_trigger_not_self CHECK (job_id <> after_job_id),
  -- The index every run end probes (_run_ended), by the upstream job.
  CONSTRAINT job_trigger_unique UNIQUE (after_job_id, job_id)
);
CREATE INDEX job_trigger_job_id_idx ON pgautomator.job_trigger (job_id);
COMMENT ON TABLE pgautomator.job_trigger IS 'Job dependencies: when a run of after_job_id ends with outcome, job_id is started (trigger = job) after delay.';
COMMENT ON COLUMN pgautomator.job_trigger.job_id IS 'The downstream job, started by the trigger.';
COMMENT ON COLUMN pgautomator.job_trigger.after_job_id IS 'The upstream job whose runs'' ends are watched.';
COMMENT ON COLUMN pgautomator.job_trigger.outcome IS 'succeeded (the upstream run succeeded), failed (it ended failed, killed, timed_out or abandoned without retry) or finished (either).';
COMMENT ON COLUMN pgautomator.job_trigger.delay IS 'How long after the upstream run''s end the downstream run is due.';
COMMENT ON COLUMN pgautomator.job_trigger.created_by IS 'The role that added the trigger.';
COMMENT ON COLUMN pgautomator.job_trigger.created_at IS 'When it was added.';

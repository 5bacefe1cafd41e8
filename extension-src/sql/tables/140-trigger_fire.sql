-- Triggered starts not yet decided: written in the transaction that records the upstream run's end
-- (so an agent dying after its report loses none), turned into runs by the claim sweep once due
-- (_fire_triggers), under the downstream job's overlap policy as it stands then.
CREATE TABLE pgautomator.trigger_fire (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id           bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  upstream_run_id  bigint NOT NULL REFERENCES pgautomator.job_run (id) ON DELETE CASCADE,
  due_at           timestamptz NOT NULL,
  CONSTRAINT trigger_fire_unique UNIQUE (upstream_run_id, job_id)
);
CREATE INDEX trigger_fire_due_idx ON pgautomator.trigger_fire (due_at);
CREATE INDEX trigger_fire_job_id_idx ON pgautomator.trigger_fire (job_id);
COMMENT ON TABLE pgautomator.trigger_fire IS 'Pending starts of downstream jobs (job_trigger), due at due_at; the claim sweep turns them into runs with trigger = job.';
COMMENT ON COLUMN pgautomator.trigger_fire.job_id IS 'The downstream job to start.';
COMMENT ON COLUMN pgautomator.trigger_fire.upstream_run_id IS 'The run whose end caused it.';
COMMENT ON COLUMN pgautomator.trigger_fire.due_at IS 'The upstream run''s end plus the trigger''s delay: the run''s scheduled_for.';

CREATE TABLE pgautomator.job_run (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id             bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  -- A soft reference, not a foreign key: the check cost a probe and a share lock on the schedule
  -- row per fire (measured: 6 ms of 22 to insert 1,000 fires, and the row locks of concurrent
  -- claimers on the same schedule became multixacts), and ON DELETE SET NULL needed an index of
  -- its own, written by every fire and every claim. Schedule ids are never reused, so a deleted
  -- schedule's runs keep a dangling id; the views join schedule with LEFT JOIN and read NULL.
  schedule_id        bigint,
  trigger            text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'retry', 'api', 'job')),
  scheduled_for      timestamptz NOT NULL,
  queued_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at         timestamptz,
  finished_at        timestamptz,
  deadline_at        timestamptz,
  agent_id           bigint REFERENCES pgautomator.agent (id) ON DELETE SET NULL,
  state              text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped')),
  message            text,
  requested_by       name,
  start_position     int NOT NULL DEFAULT 1 CHECK (start_position >= 1),
  attempt            int NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  retry_of           bigint REFERENCES pgautomator.job_run (id) ON DELETE SET NULL,
  kill_requested_at  timestamptz,
  kill_requested_by  name,
  upstream_run_id    bigint REFERENCES pgautomator.job_run (id) ON DELETE SET NULL,
  CONSTRAINT job_run_finished_states CHECK ((finished_at IS NULL) = (state IN ('queued', 'running')))
);
-- A fire can never run twice: one row per job, schedule and scheduled instant.
CREATE UNIQUE INDEX job_run_fire_unique ON pgautomator.job_run (job_id, schedule_id, scheduled_for) WHERE trigger = 'schedule';
-- The state-partial indexes are shaped so that each hot query can use exactly one of them. Right
-- after statistics were taken while nothing was queued or running (a quiet night, then a burst of
-- fires), the planner believes every such index empty and picks among the usable ones at random:
-- measured, it scanned all running runs once per claim candidate. So:
--  - claim_runs walks the queue in this order and stops at its limit (state = 'queued' only);
CREATE INDEX job_run_queued_idx ON pgautomator.job_run (scheduled_for, id) WHERE state = 'queued';
--  - a job's active runs (overlap policies, "is a run of this job running?", the running view);
CREATE INDEX job_run_active_idx ON pgautomator.job_run (job_id, state) WHERE state IN ('queued', 'running');
--  - an agent's running runs (capacity, rescuer, agent_stop); the agent_id test keeps it out of
--    the per-job probes above;
CREATE INDEX job_run_agent_running_idx ON pgautomator.job_run (agent_id) WHERE state = 'running' AND agent_id IS NOT NULL;
--  - the deadline reaper (_reap_overdue_runs), on every heartbeat and claim.
CREATE INDEX job_run_deadline_idx ON pgautomator.job_run (deadline_at) WHERE state = 'running' AND deadline_at IS NOT NULL;
CREATE INDEX job_run_job_id_idx ON pgautomator.job_run (job_id, id DESC);
CREATE INDEX job_run_finished_at_idx ON pgautomator.job_run (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX job_run_retry_of_idx ON pgautomator.job_run (retry_of) WHERE retry_of IS NOT NULL;
-- A run ending starts each downstream job at most once (trigger = job); also the index that
-- ON DELETE SET NULL of upstream_run_id probes when retention deletes the upstream run.
CREATE UNIQUE INDEX job_run_upstream_unique ON pgautomator.job_run (upstream_run_id, job_id) WHERE trigger = 'job';
COMMENT ON TABLE pgautomator.job_run IS 'One execution of a job: from its fire or manual start through its outcome.';
COMMENT ON COLUMN pgautomator.job_run.job_id IS 'The job run.';
COMMENT ON COLUMN pgautomator.job_run.schedule_id IS 'The schedule that fired it (trigger = schedule, or a retry of such a run). Not a foreign key: it stays when the schedule is deleted, which then no longer names it.';
COMMENT ON COLUMN pgautomator.job_run.trigger IS 'schedule, manual (start_job by a person), retry (an abandoned run queued again), api, job (the end of a run of another job, through job_trigger: upstream_run_id).';
COMMENT ON COLUMN pgautomator.job_run.scheduled_for IS 'The instant the run was due (the fire, or the moment of a manual start).';
COMMENT ON COLUMN pgautomator.job_run.queued_at IS 'When the row was written.';
COMMENT ON COLUMN pgautomator.job_run.started_at IS 'When an agent claimed it (database clock).';
COMMENT ON COLUMN pgautomator.job_run.finished_at IS 'When it reached a final state.';
COMMENT ON COLUMN pgautomator.job_run.deadline_at IS 'started_at + job timeout: the reaper records timed_out past it.';
COMMENT ON COLUMN pgautomator.job_run.agent_id IS 'The agent that ran it.';
COMMENT ON COLUMN pgautomator.job_run.state IS 'queued -> running -> succeeded | failed | killed | timed_out | abandoned; queued -> cancelled | skipped.';
COMMENT ON COLUMN pgautomator.job_run.message IS 'Why it ended as it did.';
COMMENT ON COLUMN pgautomator.job_run.requested_by IS 'The role that started it by hand.';
COMMENT ON COLUMN pgautomator.job_run.start_position IS 'The step position the run starts at.';
COMMENT ON COLUMN pgautomator.job_run.attempt IS '1, or more for a retry of an abandoned run.';
COMMENT ON COLUMN pgautomator.job_run.retry_of IS 'The abandoned run this one retries.';
COMMENT ON COLUMN pgautomator.job_run.kill_requested_at IS 'When kill_run was called for it.';
COMMENT ON COLUMN pgautomator.job_run.kill_requested_by IS 'Who called kill_run.';
COMMENT ON COLUMN pgautomator.job_run.upstream_run_id IS 'trigger = job: the run of the upstream job whose end started this one (NULL once retention deleted it).';

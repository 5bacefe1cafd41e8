CREATE TABLE pgautomator.job (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  description        text,
  category_id        bigint REFERENCES pgautomator.category (id) ON DELETE SET NULL,
  enabled            boolean NOT NULL DEFAULT true,
  paused_reason      text,
  owner              name NOT NULL,
  agent_id           bigint REFERENCES pgautomator.agent (id) ON DELETE SET NULL,
  agent_tags         text[] NOT NULL DEFAULT '{}',
  overlap            text NOT NULL DEFAULT 'skip' CHECK (overlap IN ('skip', 'queue_one', 'queue_all', 'cancel_previous', 'allow')),
  misfire            text NOT NULL DEFAULT 'run_once' CHECK (misfire IN ('run_once', 'run_all', 'skip')),
  misfire_grace      interval NOT NULL DEFAULT '1 minute' CHECK (misfire_grace >= '0'),
  timeout            interval CHECK (timeout > '0'),
  on_abandon         text NOT NULL DEFAULT 'fail' CHECK (on_abandon IN ('fail', 'retry', 'wait')),
  abandon_retries    int NOT NULL DEFAULT 1 CHECK (abandon_retries BETWEEN 0 AND 100),
  keep_runs          int CHECK (keep_runs > 0),
  keep_age           interval CHECK (keep_age > '0'),
  email_on           text[] NOT NULL DEFAULT '{}' CHECK (email_on <@ ARRAY['start', 'success', 'failure', 'completion']),
  email_to           text[] NOT NULL DEFAULT '{}',
  email_from         text,
  email_subject      text,
  email_body         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- Derived, never written by the API: kept by triggers on step and connection (_keep_steps_payload).
  steps_payload      jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX job_category_id_idx ON pgautomator.job (category_id);
CREATE INDEX job_agent_id_idx ON pgautomator.job (agent_id);
COMMENT ON TABLE pgautomator.job IS 'A unit of work: ordered steps, run by an agent when a schedule fires or someone starts it.';
COMMENT ON COLUMN pgautomator.job.name IS 'Unique job name.';
COMMENT ON COLUMN pgautomator.job.description IS 'Free text.';
COMMENT ON COLUMN pgautomator.job.category_id IS 'The category the job belongs to, if any.';
COMMENT ON COLUMN pgautomator.job.enabled IS 'A disabled job fires on no schedule (manual starts still work); enabling resumes from now.';
COMMENT ON COLUMN pgautomator.job.paused_reason IS 'Why the job was disabled, when someone said.';
COMMENT ON COLUMN pgautomator.job.owner IS 'The role that created the job.';
COMMENT ON COLUMN pgautomator.job.agent_id IS 'The one agent allowed to run the job; NULL: any agent carrying agent_tags.';
COMMENT ON COLUMN pgautomator.job.agent_tags IS 'Tags an agent must all carry to run the job.';
COMMENT ON COLUMN pgautomator.job.overlap IS 'When a fire comes while a run is queued or running: skip (record it skipped), queue_one (keep at most one waiting), queue_all, cancel_previous (kill the running one), allow (run side by side).';
COMMENT ON COLUMN pgautomator.job.misfire IS 'Fires missed by more than misfire_grace (no agent was up): run_once (run the latest, record the rest skipped), run_all, skip (record all skipped).';
COMMENT ON COLUMN pgautomator.job.misfire_grace IS 'How late a fire may start and still count as on time.';
COMMENT ON COLUMN pgautomator.job.timeout IS 'Longest a run may take; the agent kills it, and the database reaper records timed_out as a backstop.';
COMMENT ON COLUMN pgautomator.job.on_abandon IS 'When the agent running a run of the job goes silent past dead_after (dies, or is cut off): fail (record the run abandoned), retry (abandoned, and queued again up to abandon_retries times) or wait (the run stays running, its steps are not fenced, and the database waits for that agent to come back and resume it; abandoned without retry if the agent comes back without it; bounded by the job timeout). See docs/agent-protocol.md, Liveness.';
COMMENT ON COLUMN pgautomator.job.abandon_retries IS 'How many times an abandoned run is queued again when on_abandon = retry.';
COMMENT ON COLUMN pgautomator.job.keep_runs IS 'History retention: keep at most this many finished runs of the job (NULL: the global setting).';
COMMENT ON COLUMN pgautomator.job.keep_age IS 'History retention: delete finished runs older than this (NULL: the global setting).';
COMMENT ON COLUMN pgautomator.job.email_on IS 'Run events that send mail: start, success, failure, completion.';
COMMENT ON COLUMN pgautomator.job.email_to IS 'Recipients: operator names or mail addresses.';
COMMENT ON COLUMN pgautomator.job.email_from IS 'From address (default: the sending agent''s smtp_from).';
COMMENT ON COLUMN pgautomator.job.email_subject IS 'Subject template; {{job}}, {{run_id}}, {{state}}, {{agent}}, {{started_at}}, {{finished_at}}, {{duration}}, {{message}}, {{step}}, {{output}} are filled in.';
COMMENT ON COLUMN pgautomator.job.email_body IS 'Body template, same placeholders as email_subject.';
COMMENT ON COLUMN pgautomator.job.created_at IS 'When the job was created.';
COMMENT ON COLUMN pgautomator.job.updated_at IS 'When the job was last changed.';
COMMENT ON COLUMN pgautomator.job.steps_payload IS 'The job''s steps as claim_runs hands them to an agent (docs/agent-protocol.md; _steps_payload), kept up to date by triggers on step and connection: built once per change of the steps instead of once per claimed run.';

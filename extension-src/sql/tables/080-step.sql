CREATE TABLE pgautomator.step (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id            bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  position          int NOT NULL CHECK (position >= 1),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  enabled           boolean NOT NULL DEFAULT true,
  kind              text NOT NULL CHECK (kind IN ('shell', 'sql')),
  command           text NOT NULL,
  shell             text CHECK (shell IN ('sh', 'bash', 'cmd', 'powershell', 'pwsh')),
  connection_id     bigint REFERENCES pgautomator.connection (id) ON DELETE RESTRICT,
  working_dir       text,
  env               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(env) = 'object'),
  success_codes     int[] NOT NULL DEFAULT '{0}',
  timeout           interval CHECK (timeout > '0'),
  retries           int NOT NULL DEFAULT 0 CHECK (retries BETWEEN 0 AND 100),
  retry_delay       interval NOT NULL DEFAULT '0' CHECK (retry_delay >= '0'),
  retry_backoff     float8 NOT NULL DEFAULT 1 CHECK (retry_backoff BETWEEN 1 AND 10),
  on_success        text NOT NULL DEFAULT 'next' CHECK (on_success IN ('next', 'goto', 'quit_success', 'quit_failure')),
  on_success_goto   bigint REFERENCES pgautomator.step (id) ON DELETE SET NULL,
  on_failure        text NOT NULL DEFAULT 'quit_failure' CHECK (on_failure IN ('next', 'goto', 'quit_success', 'quit_failure')),
  on_failure_goto   bigint REFERENCES pgautomator.step (id) ON DELETE SET NULL,
  email_on          text[] NOT NULL DEFAULT '{}' CHECK (email_on <@ ARRAY['start', 'success', 'failure', 'completion']),
  email_to          text[] NOT NULL DEFAULT '{}',
  email_from        text,
  email_subject     text,
  email_body        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT step_position_unique UNIQUE (job_id, position) DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT step_name_unique UNIQUE (job_id, name),
  CONSTRAINT step_sql_needs_connection CHECK ((kind = 'sql') = (connection_id IS NOT NULL)),
  CONSTRAINT step_shell_only_for_shell CHECK (kind = 'shell' OR shell IS NULL)
);
CREATE INDEX step_connection_id_idx ON pgautomator.step (connection_id);
COMMENT ON TABLE pgautomator.step IS 'The ordered steps of a job: a shell command on the agent''s host or SQL against a named connection.';
COMMENT ON COLUMN pgautomator.step.job_id IS 'The job the step belongs to.';
COMMENT ON COLUMN pgautomator.step.position IS 'Order within the job, 1..n without gaps (move_step renumbers).';
COMMENT ON COLUMN pgautomator.step.name IS 'Step name, unique within its job.';
COMMENT ON COLUMN pgautomator.step.enabled IS 'A disabled step is passed over as if it succeeded.';
COMMENT ON COLUMN pgautomator.step.kind IS 'shell: a command run by the agent host''s shell; sql: a script run against connection.';
COMMENT ON COLUMN pgautomator.step.command IS 'The shell command line, or the SQL script (several statements allowed).';
COMMENT ON COLUMN pgautomator.step.shell IS 'Shell of a shell step: sh, bash, cmd, powershell, pwsh; NULL: the host''s default (sh, or cmd on Windows).';
COMMENT ON COLUMN pgautomator.step.connection_id IS 'Target of a sql step.';
COMMENT ON COLUMN pgautomator.step.working_dir IS 'Working directory of a shell step (default: the agent''s).';
COMMENT ON COLUMN pgautomator.step.env IS 'Extra environment variables of a shell step (an object of strings).';
COMMENT ON COLUMN pgautomator.step.success_codes IS 'Exit codes of a shell step that count as success.';
COMMENT ON COLUMN pgautomator.step.timeout IS 'Longest one attempt may take before the agent kills it.';
COMMENT ON COLUMN pgautomator.step.retries IS 'How many times a failed attempt is retried.';
COMMENT ON COLUMN pgautomator.step.retry_delay IS 'Wait before the first retry.';
COMMENT ON COLUMN pgautomator.step.retry_backoff IS 'Each further retry waits this factor longer (1: constant delay).';
COMMENT ON COLUMN pgautomator.step.on_success IS 'After success: next, goto (on_success_goto), quit_success, quit_failure.';
COMMENT ON COLUMN pgautomator.step.on_success_goto IS 'The step to go to after success when on_success = goto.';
COMMENT ON COLUMN pgautomator.step.on_failure IS 'After failure (retries spent): next, goto (on_failure_goto), quit_success, quit_failure.';
COMMENT ON COLUMN pgautomator.step.on_failure_goto IS 'The step to go to after failure when on_failure = goto.';
COMMENT ON COLUMN pgautomator.step.email_on IS 'Step events that send mail: start, success, failure, completion.';
COMMENT ON COLUMN pgautomator.step.email_to IS 'Recipients: operator names or mail addresses.';
COMMENT ON COLUMN pgautomator.step.email_from IS 'From address (default: the sending agent''s smtp_from).';
COMMENT ON COLUMN pgautomator.step.email_subject IS 'Subject template (placeholders as job.email_subject).';
COMMENT ON COLUMN pgautomator.step.email_body IS 'Body template.';
COMMENT ON COLUMN pgautomator.step.created_at IS 'When the step was added.';
COMMENT ON COLUMN pgautomator.step.updated_at IS 'When the step was last changed.';

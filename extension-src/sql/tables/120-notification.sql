CREATE TABLE pgautomator.notification (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_run_id       bigint REFERENCES pgautomator.job_run (id) ON DELETE CASCADE,
  step_run_id      bigint REFERENCES pgautomator.step_run (id) ON DELETE CASCADE,
  event            text NOT NULL CHECK (event IN ('start', 'success', 'failure', 'completion', 'alert', 'test')),
  recipients       text[] NOT NULL,
  sender           text,
  subject          text NOT NULL,
  body             text NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- ON DELETE CASCADE: a test of a deleted agent's relay has nobody left to send it.
  agent_id         bigint REFERENCES pgautomator.agent (id) ON DELETE CASCADE,
  claimed_by       bigint REFERENCES pgautomator.agent (id) ON DELETE SET NULL,
  claimed_at       timestamptz,
  sent_at          timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_pending_idx ON pgautomator.notification (next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX notification_job_run_id_idx ON pgautomator.notification (job_run_id);
CREATE INDEX notification_step_run_id_idx ON pgautomator.notification (step_run_id);
CREATE INDEX notification_agent_id_idx ON pgautomator.notification (agent_id) WHERE agent_id IS NOT NULL;
COMMENT ON TABLE pgautomator.notification IS 'Outbox of mail, written in the same transaction as the outcome that caused it, delivered by an agent with SMTP settings.';
COMMENT ON COLUMN pgautomator.notification.job_run_id IS 'The run the mail is about.';
COMMENT ON COLUMN pgautomator.notification.step_run_id IS 'The step attempt the mail is about, for step mail.';
COMMENT ON COLUMN pgautomator.notification.event IS 'start, success, failure or completion (run mail), alert (an alert raised: job_run_id is NULL or the run concerned), test (send_test_mail: job_run_id is NULL).';
COMMENT ON COLUMN pgautomator.notification.agent_id IS 'The only agent that may deliver it (send_test_mail of one agent''s SMTP settings); NULL: any agent with SMTP settings.';
COMMENT ON COLUMN pgautomator.notification.recipients IS 'Mail addresses (operator names already resolved).';
COMMENT ON COLUMN pgautomator.notification.sender IS 'From address; NULL: the sending agent''s smtp_from.';
COMMENT ON COLUMN pgautomator.notification.subject IS 'Subject, templates filled in.';
COMMENT ON COLUMN pgautomator.notification.body IS 'Body, templates filled in.';
COMMENT ON COLUMN pgautomator.notification.state IS 'pending -> sending -> sent | failed (after the last attempt).';
COMMENT ON COLUMN pgautomator.notification.attempts IS 'Delivery attempts so far.';
COMMENT ON COLUMN pgautomator.notification.next_attempt_at IS 'Earliest time of the next attempt (backoff after a failure).';
COMMENT ON COLUMN pgautomator.notification.claimed_by IS 'The agent delivering it.';
COMMENT ON COLUMN pgautomator.notification.claimed_at IS 'When that agent claimed it; a claim older than 5 minutes is handed out again.';
COMMENT ON COLUMN pgautomator.notification.sent_at IS 'When the SMTP server accepted it.';
COMMENT ON COLUMN pgautomator.notification.last_error IS 'The last delivery error.';
COMMENT ON COLUMN pgautomator.notification.created_at IS 'When the outcome that caused it was recorded.';

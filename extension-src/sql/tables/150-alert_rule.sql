-- What to watch per job: freshness (a dead man's switch: the job must succeed at least every
-- threshold) and duration (a run still running after threshold). Evaluated by the database in the
-- sweeps of claims and heartbeats (_evaluate_alerts), never by one agent alone.
CREATE TABLE pgautomator.alert_rule (
  job_id      bigint NOT NULL REFERENCES pgautomator.job (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('freshness', 'duration')),
  threshold   interval NOT NULL CHECK (threshold > '0'),
  -- freshness only: when the alert is due if no success comes first (the last success, or the
  -- rule's creation, plus threshold); NULL while its alert is open. Indexed, so a sweep reads only
  -- the rules that are due, whatever their number.
  due_at      timestamptz,
  created_by  name NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, kind)
);
CREATE INDEX alert_rule_due_idx ON pgautomator.alert_rule (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX alert_rule_duration_idx ON pgautomator.alert_rule (job_id) WHERE kind = 'duration';
COMMENT ON TABLE pgautomator.alert_rule IS 'Alert rules per job: freshness (must succeed at least every threshold) and duration (warn when a run runs longer than threshold). Set with set_job_alert.';
COMMENT ON COLUMN pgautomator.alert_rule.job_id IS 'The job watched.';
COMMENT ON COLUMN pgautomator.alert_rule.kind IS 'freshness or duration.';
COMMENT ON COLUMN pgautomator.alert_rule.threshold IS 'freshness: the longest time without a success; duration: the longest run.';
COMMENT ON COLUMN pgautomator.alert_rule.due_at IS 'freshness: when the alert is raised unless the job succeeds first; NULL while it is raised (and for duration rules).';
COMMENT ON COLUMN pgautomator.alert_rule.created_by IS 'The role that set the rule.';
COMMENT ON COLUMN pgautomator.alert_rule.created_at IS 'When the rule was set.';

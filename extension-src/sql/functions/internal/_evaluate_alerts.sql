-- Raises the alerts that are due at `at`: called by the sweeps of every claim and heartbeat (as the
-- rescue of dead agents is), so alerts do not depend on any one agent being alive. With no agent
-- at all nothing runs and nothing is evaluated: the alerts view says so itself (kind no_agent).
CREATE OR REPLACE FUNCTION pgautomator._evaluate_alerts(at timestamptz DEFAULT now())
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  rule   record;
  raised int := 0;
  new_id bigint;
BEGIN
  -- Freshness: rules whose deadline passed (alert_rule_due_idx; nothing due: one probe).
  FOR rule IN
    SELECT ar.job_id, ar.threshold, ar.due_at, j.name AS job,
           (SELECT max(r.finished_at) FROM pgautomator.job_run r WHERE r.job_id = ar.job_id AND r.state = 'succeeded') AS last_success
      FROM pgautomator.alert_rule ar
      JOIN pgautomator.job j ON j.id = ar.job_id
     WHERE ar.due_at <= _evaluate_alerts.at
     ORDER BY ar.due_at
     LIMIT 1000
       FOR UPDATE OF ar SKIP LOCKED
  LOOP
    -- A success since the deadline was set (successes do not move it while no alert is open,
    -- _run_ended): the next deadline follows from it.
    IF rule.last_success + rule.threshold > _evaluate_alerts.at THEN
      UPDATE pgautomator.alert_rule ar SET due_at = rule.last_success + rule.threshold WHERE ar.job_id = rule.job_id AND ar.kind = 'freshness';
      CONTINUE;
    END IF;
    UPDATE pgautomator.alert_rule ar SET due_at = NULL WHERE ar.job_id = rule.job_id AND ar.kind = 'freshness';
    INSERT INTO pgautomator.alert (job_id, kind, message, raised_at)
    VALUES (rule.job_id, 'freshness',
            CASE WHEN rule.last_success IS NULL
                 THEN format('job %s has not succeeded since the rule was set, and must succeed at least every %s', rule.job, rule.threshold)
                 ELSE format('job %s last succeeded at %s and must succeed at least every %s', rule.job, rule.last_success, rule.threshold) END,
            _evaluate_alerts.at)
    ON CONFLICT DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
      PERFORM pgautomator._alert_raised(new_id);
      raised := raised + 1;
    END IF;
  END LOOP;

  -- Duration: running runs of jobs with a duration rule that passed it and have no alert yet.
  -- Driven by the (few) duration rules, each probing its job's running runs through job_run_active_idx.
  FOR rule IN
    SELECT r.id AS run_id, r.job_id, r.started_at, ar.threshold, j.name AS job
      FROM pgautomator.alert_rule ar
      JOIN pgautomator.job j ON j.id = ar.job_id
      JOIN pgautomator.job_run r ON r.job_id = ar.job_id AND r.state = 'running'
     WHERE ar.kind = 'duration'
       AND r.started_at <= _evaluate_alerts.at - ar.threshold
       AND NOT EXISTS (SELECT 1 FROM pgautomator.alert x WHERE x.job_run_id = r.id AND x.kind = 'duration')
     LIMIT 1000
  LOOP
    INSERT INTO pgautomator.alert (job_id, kind, job_run_id, message, raised_at)
    VALUES (rule.job_id, 'duration', rule.run_id,
            format('run %s of job %s has been running since %s, longer than %s', rule.run_id, rule.job, rule.started_at, rule.threshold),
            _evaluate_alerts.at)
    ON CONFLICT DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
      PERFORM pgautomator._alert_raised(new_id);
      raised := raised + 1;
    END IF;
  END LOOP;
  RETURN raised;
END
$$;
COMMENT ON FUNCTION pgautomator._evaluate_alerts(timestamptz) IS
  'Raises due alerts at `at`: freshness rules whose deadline passed without a success, and running runs longer than their job''s '
  'duration rule (one alert each; mail and an alert_raised event through _alert_raised). Called by claim and heartbeat sweeps. '
  'Returns how many were raised.';
REVOKE ALL ON FUNCTION pgautomator._evaluate_alerts(timestamptz) FROM PUBLIC;

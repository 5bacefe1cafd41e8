CREATE OR REPLACE FUNCTION pgautomator.set_job_alert(job text, kind text, threshold interval)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_one_of(set_job_alert.kind, ARRAY['freshness', 'duration'], 'alert kind', 'kind');
  IF set_job_alert.threshold IS NOT NULL AND set_job_alert.threshold <= interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('alert threshold must be a positive interval, or NULL to remove the rule (got %s)', set_job_alert.threshold),
      'field: threshold', 'For example: threshold => ''1 day'' (freshness: must succeed at least daily; duration: warn after a day).');
  END IF;
  jid := pgautomator._job_id(set_job_alert.job);
  IF set_job_alert.threshold IS NULL THEN
    -- Removing a rule clears what it raised: nobody would clear it otherwise.
    DELETE FROM pgautomator.alert_rule ar WHERE ar.job_id = jid AND ar.kind = set_job_alert.kind;
    UPDATE pgautomator.alert x SET cleared_at = now() WHERE x.job_id = jid AND x.kind = set_job_alert.kind AND x.cleared_at IS NULL;
    RETURN;
  END IF;
  -- Freshness counts from the last success, or from now when there was none: a new rule gives the
  -- job one full threshold. An open freshness alert stays open (due_at NULL) until a success.
  INSERT INTO pgautomator.alert_rule AS ar (job_id, kind, threshold, due_at, created_by)
  VALUES (jid, set_job_alert.kind, set_job_alert.threshold,
          CASE WHEN set_job_alert.kind = 'freshness'
               THEN coalesce((SELECT max(r.finished_at) FROM pgautomator.job_run r WHERE r.job_id = jid AND r.state = 'succeeded'), now())
                    + set_job_alert.threshold END,
          pgautomator._caller())
  ON CONFLICT ON CONSTRAINT alert_rule_pkey DO UPDATE
    SET threshold = excluded.threshold,
        due_at = CASE WHEN EXISTS (SELECT 1 FROM pgautomator.alert x WHERE x.job_id = jid AND x.kind = 'freshness' AND x.cleared_at IS NULL)
                      THEN NULL ELSE excluded.due_at END;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_job_alert(text, text, interval) IS
$c$Sets (or with threshold NULL removes) an alert rule of a job. freshness: the job must succeed at least every threshold (a dead man's switch), else one alert is raised, cleared by its next success. duration: a run still running after threshold raises an alert (the job timeout kills; this only warns), cleared when the run ends. The database evaluates rules in the sweeps of agents' claims and heartbeats; a raised alert mails the job's email_to recipients through the outbox, sends an alert_raised event and shows in the alerts view.
Arguments: job; kind: freshness or duration; threshold: a positive interval, or NULL to remove the rule (which clears its open alerts).
Errors: PA002 bad kind or threshold; PA010 no such job; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.set_job_alert('backup', 'freshness', '1 day');$c$;
REVOKE ALL ON FUNCTION pgautomator.set_job_alert(text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_job_alert(text, text, interval) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.acknowledge_alert(alert_id bigint)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  al pgautomator.alert;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_operator');
  SELECT x.* INTO al FROM pgautomator.alert x WHERE x.id = acknowledge_alert.alert_id FOR UPDATE;
  IF al.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('alert %s does not exist', coalesce(acknowledge_alert.alert_id::text, 'NULL')), 'field: alert_id',
      'SELECT id, job, kind, message FROM pgautomator.list_alerts(); lists the open alerts.');
  END IF;
  IF al.acknowledged_at IS NOT NULL THEN
    PERFORM pgautomator._raise('PA030', format('alert %s was already acknowledged by %s at %s', al.id, al.acknowledged_by, al.acknowledged_at),
      'field: alert_id', 'Nothing to do; an alert is acknowledged once.');
  END IF;
  UPDATE pgautomator.alert x SET acknowledged_at = now(), acknowledged_by = pgautomator._caller() WHERE x.id = al.id;
  PERFORM pgautomator._notify('alert_acknowledged', jsonb_build_object('alert_id', al.id));
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.acknowledge_alert(bigint) IS
$c$Acknowledges an alert (someone is on it): records who and when. The alert stays open until its cause clears it (the job's next success, or the run's end).
Arguments: alert_id, from the alerts view.
Errors: PA010 no such alert; PA030 already acknowledged; PA040 caller is not pgautomator_operator (or admin).$c$;
REVOKE ALL ON FUNCTION pgautomator.acknowledge_alert(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.acknowledge_alert(bigint) TO pgautomator_operator;

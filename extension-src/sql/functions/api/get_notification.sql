CREATE OR REPLACE FUNCTION pgautomator.get_notification(id bigint)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n pgautomator.notification;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  SELECT x.* INTO n FROM pgautomator.notification x WHERE x.id = get_notification.id;
  IF n.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('notification %s does not exist', coalesce(get_notification.id::text, 'NULL')), 'field: id',
      'Mail is deleted with the run it is about (retention); send_test_mail returns the id of a test mail.');
  END IF;
  RETURN jsonb_build_object(
    'id', n.id, 'event', n.event, 'run_id', n.job_run_id, 'recipients', to_jsonb(n.recipients), 'subject', n.subject,
    'state', n.state, 'attempts', n.attempts, 'last_error', n.last_error, 'created_at', n.created_at, 'sent_at', n.sent_at,
    'agent', (SELECT x.name FROM pgautomator.agent x WHERE x.id = n.agent_id),
    'claimed_by', (SELECT x.name FROM pgautomator.agent x WHERE x.id = n.claimed_by));
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.get_notification(bigint) IS
$c$One mail of the outbox as JSON: {id, event, run_id, recipients, subject, state (pending, sending, sent, failed), attempts, last_error, created_at, sent_at, agent (the only agent that may send it, or null), claimed_by (the agent sending or that sent it)}. The body is left out.
Arguments: id, the notification id (send_test_mail returns it).
Errors: PA010 no such notification; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.get_notification(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.get_notification(bigint) TO pgautomator_admin;

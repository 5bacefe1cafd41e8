CREATE OR REPLACE FUNCTION pgautomator.send_test_mail("to" text, agent text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a      pgautomator.agent;
  aid    bigint;
  new_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  IF send_test_mail."to" IS NULL OR send_test_mail."to" !~ '^[^@\s<>,;]+@[^@\s<>,;]+$' THEN
    PERFORM pgautomator._raise('PA002', format('"to" must be one mail address, got %s', coalesce(quote_literal(send_test_mail."to"), 'NULL')),
      'field: to', 'Write the address the test mail goes to, such as dba@example.com.');
  END IF;
  IF send_test_mail.agent IS NOT NULL THEN
    aid := pgautomator._agent_id(send_test_mail.agent);  -- a statement of its own: it must raise (README.md)
    SELECT x.* INTO a FROM pgautomator.agent x WHERE x.id = aid;
    -- Refused now rather than left waiting in the outbox for an agent that cannot send it.
    IF a.smtp_host IS NULL THEN
      PERFORM pgautomator._raise('PA030', format('agent %L has no SMTP settings', a.name), 'field: agent',
        format('Set its SMTP relay first: SELECT pgautomator.set_agent_smtp(%L, host => ''smtp.example.com'');', a.name));
    END IF;
    IF a.state <> 'online' THEN
      PERFORM pgautomator._raise('PA030', format('agent %L is %s; only an online agent sends mail', a.name, a.state), 'field: agent',
        'Start the agent, then send the test again.');
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM pgautomator.agent x WHERE x.smtp_host IS NOT NULL AND x.state = 'online') THEN
    PERFORM pgautomator._raise('PA030', 'no online agent has SMTP settings, so nothing would send the test mail', 'field: agent',
      'Give an agent an SMTP relay: SELECT pgautomator.set_agent_smtp(''agent-name'', host => ''smtp.example.com'');');
  END IF;
  -- Through the outbox, as every mail: the agent's own relay, sender and retries are what is tested.
  INSERT INTO pgautomator.notification (event, recipients, subject, body, agent_id)
  VALUES ('test', ARRAY[send_test_mail."to"],
          '[pgAutomator] test mail' || coalesce(' from agent ' || a.name, ''),
          format(E'This is a test mail sent by pgAutomator%s at the request of %s.\nIf you read it, job mail will reach you.\n',
                 coalesce(' through the SMTP relay of agent ' || a.name, ''), pgautomator._caller()),
          a.id)
  RETURNING id INTO new_id;
  RETURN new_id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.send_test_mail(text, text) IS
$c$Puts a test mail in the outbox, to check an SMTP relay end to end: the agent named (else any online agent with SMTP settings) sends it at its next heartbeat, with the retries of any mail. Follow it with get_notification(id): state pending, sending, sent or failed (last_error says why).
Arguments: to, one mail address; agent, the agent whose SMTP settings to test (NULL: any).
Returns the notification id.
Errors: PA002 to is not one mail address; PA010 no such agent; PA030 the agent has no SMTP settings or is not online (or, without agent, no online agent has SMTP settings); PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.send_test_mail('dba@example.com', agent => 'db-host-1');$c$;
REVOKE ALL ON FUNCTION pgautomator.send_test_mail(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.send_test_mail(text, text) TO pgautomator_admin;

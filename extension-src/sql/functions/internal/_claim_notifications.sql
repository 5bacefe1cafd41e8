CREATE OR REPLACE FUNCTION pgautomator._claim_notifications(name text, max int DEFAULT 10, at timestamptz DEFAULT now())
RETURNS SETOF jsonb
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of its public wrapper (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_lease        CONSTANT interval := '5 minutes';  -- a claim not answered by then is handed out again
  c_max_attempts CONSTANT int := 5;
  a pgautomator.agent;
BEGIN
  IF _claim_notifications.max IS NULL OR _claim_notifications.max NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('max must be 1..1000, got %s', coalesce(_claim_notifications.max::text, 'NULL')),
      'field: max', 'Pass how many mails the agent sends in one go.');
  END IF;
  a := pgautomator._acting_agent(_claim_notifications.name);
  IF a.smtp_host IS NULL OR a.state <> 'online' THEN
    RETURN;  -- only an online agent with SMTP settings delivers mail
  END IF;

  -- A claim whose lease ran out after the last allowed attempt: that attempt's outcome never came.
  UPDATE pgautomator.notification n
     SET state = 'failed', last_error = coalesce(n.last_error || '; ', '') || format('no outcome reported for attempt %s by its agent', n.attempts)
   WHERE n.state = 'sending' AND n.next_attempt_at <= _claim_notifications.at AND n.attempts >= c_max_attempts;

  -- next_attempt_at is the backoff of a pending mail and the lease end of one being sent, so
  -- one index (notification_pending_idx) finds both kinds of due mail.
  RETURN QUERY
  WITH due AS (
    SELECT n.id
      FROM pgautomator.notification n
     WHERE n.state IN ('pending', 'sending') AND n.next_attempt_at <= _claim_notifications.at
       -- A test mail of one agent's SMTP settings (send_test_mail) is that agent's alone.
       AND (n.agent_id IS NULL OR n.agent_id = a.id)
     ORDER BY n.next_attempt_at, n.id
     LIMIT _claim_notifications.max
       FOR UPDATE SKIP LOCKED
  )
  UPDATE pgautomator.notification n
     SET state = 'sending', attempts = n.attempts + 1, claimed_by = a.id, claimed_at = _claim_notifications.at,
         next_attempt_at = _claim_notifications.at + c_lease
    FROM due
   WHERE n.id = due.id
  RETURNING jsonb_build_object('id', n.id, 'recipients', to_jsonb(n.recipients), 'sender', coalesce(n.sender, a.smtp_from),
                               'subject', n.subject, 'body', n.body, 'attempt', n.attempts);
END
$$;
COMMENT ON FUNCTION pgautomator._claim_notifications(text, int, timestamptz) IS
  'The body of claim_notifications with the clock as an argument. Granted to nobody: claim_notifications passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._claim_notifications(text, int, timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION pgautomator.claim_notifications(name text, max int DEFAULT 10, at timestamptz DEFAULT now())
RETURNS SETOF jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_lease        CONSTANT interval := '5 minutes';  -- a claim not answered by then is handed out again
  c_max_attempts CONSTANT int := 5;
  a pgautomator.agent;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF claim_notifications.max IS NULL OR claim_notifications.max NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('max must be 1..1000, got %s', coalesce(claim_notifications.max::text, 'NULL')),
      'field: max', 'Pass how many mails the agent sends in one go.');
  END IF;
  a := pgautomator._acting_agent(claim_notifications.name);
  IF a.smtp_host IS NULL OR a.state <> 'online' THEN
    RETURN;  -- only an online agent with SMTP settings delivers mail
  END IF;

  -- A claim whose lease ran out after the last allowed attempt: that attempt's outcome never came.
  UPDATE pgautomator.notification n
     SET state = 'failed', last_error = coalesce(n.last_error || '; ', '') || format('no outcome reported for attempt %s by its agent', n.attempts)
   WHERE n.state = 'sending' AND n.next_attempt_at <= claim_notifications.at AND n.attempts >= c_max_attempts;

  -- next_attempt_at is the backoff of a pending mail and the lease end of one being sent, so
  -- one index (notification_pending_idx) finds both kinds of due mail.
  RETURN QUERY
  WITH due AS (
    SELECT n.id
      FROM pgautomator.notification n
     WHERE n.state IN ('pending', 'sending') AND n.next_attempt_at <= claim_notifications.at
     ORDER BY n.next_attempt_at, n.id
     LIMIT claim_notifications.max
       FOR UPDATE SKIP LOCKED
  )
  UPDATE pgautomator.notification n
     SET state = 'sending', attempts = n.attempts + 1, claimed_by = a.id, claimed_at = claim_notifications.at,
         next_attempt_at = claim_notifications.at + c_lease
    FROM due
   WHERE n.id = due.id
  RETURNING jsonb_build_object('id', n.id, 'recipients', to_jsonb(n.recipients), 'sender', coalesce(n.sender, a.smtp_from),
                               'subject', n.subject, 'body', n.body, 'attempt', n.attempts);
END
$$;
COMMENT ON FUNCTION pgautomator.claim_notifications(text, int, timestamptz) IS
  'Agent protocol: hands an online agent that has SMTP settings up to max mails to deliver from the outbox: pending ones due for '
  '(another) attempt, and ones claimed more than 5 minutes ago without an outcome. Each claim counts as an attempt. Returns '
  '{"id", "recipients", "sender" (the agent''s smtp_from when the job set none), "subject", "body", "attempt"} per mail.';
REVOKE ALL ON FUNCTION pgautomator.claim_notifications(text, int, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.claim_notifications(text, int, timestamptz) TO pgautomator_agent;

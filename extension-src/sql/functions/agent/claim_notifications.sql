CREATE OR REPLACE FUNCTION pgautomator.claim_notifications(name text, max int DEFAULT 10)
RETURNS SETOF jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _claim_notifications, which tests call with another).
  RETURN QUERY SELECT pgautomator._claim_notifications(claim_notifications.name, claim_notifications.max, now());
END
$$;
COMMENT ON FUNCTION pgautomator.claim_notifications(text, int) IS
  'Agent protocol: hands an online agent that has SMTP settings up to max mails to deliver from the outbox: pending ones due for '
  '(another) attempt, and ones claimed more than 5 minutes ago without an outcome. Each claim counts as an attempt. Returns '
  '{"id", "recipients", "sender" (the agent''s smtp_from when the job set none), "subject", "body", "attempt"} per mail.';
REVOKE ALL ON FUNCTION pgautomator.claim_notifications(text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.claim_notifications(text, int) TO pgautomator_agent;

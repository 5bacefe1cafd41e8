CREATE OR REPLACE FUNCTION pgautomator.notification_sent(id bigint)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _notification_sent, which tests call with another).
  PERFORM pgautomator._notification_sent(notification_sent.id, now());
END
$$;
COMMENT ON FUNCTION pgautomator.notification_sent(bigint) IS
  'Agent protocol: the SMTP server accepted notification id. PA030 when it is not being sent (already reported).';
REVOKE ALL ON FUNCTION pgautomator.notification_sent(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.notification_sent(bigint) TO pgautomator_agent;

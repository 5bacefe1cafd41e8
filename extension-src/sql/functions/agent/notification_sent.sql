CREATE OR REPLACE FUNCTION pgautomator.notification_sent(id bigint, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n pgautomator.notification;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  n := pgautomator._claimed_notification(notification_sent.id);
  UPDATE pgautomator.notification x SET state = 'sent', sent_at = notification_sent.at WHERE x.id = n.id;
END
$$;
COMMENT ON FUNCTION pgautomator.notification_sent(bigint, timestamptz) IS
  'Agent protocol: the SMTP server accepted notification id. PA030 when it is not being sent (already reported).';
REVOKE ALL ON FUNCTION pgautomator.notification_sent(bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.notification_sent(bigint, timestamptz) TO pgautomator_agent;

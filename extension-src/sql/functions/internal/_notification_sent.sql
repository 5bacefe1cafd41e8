CREATE OR REPLACE FUNCTION pgautomator._notification_sent(id bigint, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of its public wrapper (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n pgautomator.notification;
BEGIN
  n := pgautomator._claimed_notification(_notification_sent.id);
  UPDATE pgautomator.notification x SET state = 'sent', sent_at = _notification_sent.at WHERE x.id = n.id;
END
$$;
COMMENT ON FUNCTION pgautomator._notification_sent(bigint, timestamptz) IS
  'The body of notification_sent with the clock as an argument. Granted to nobody: notification_sent passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._notification_sent(bigint, timestamptz) FROM PUBLIC;

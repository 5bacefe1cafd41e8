CREATE OR REPLACE FUNCTION pgautomator.notification_failed(id bigint, error text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The database clock decides, never the caller (the body is _notification_failed, which tests call with another).
  PERFORM pgautomator._notification_failed(notification_failed.id, notification_failed.error, now());
END
$$;
COMMENT ON FUNCTION pgautomator.notification_failed(bigint, text) IS
  'Agent protocol: delivering notification id failed with error. It is tried again after 1, 2, 4 and 8 minutes, and recorded failed after the 5th attempt.';
REVOKE ALL ON FUNCTION pgautomator.notification_failed(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.notification_failed(bigint, text) TO pgautomator_agent;

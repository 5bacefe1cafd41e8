CREATE OR REPLACE FUNCTION pgautomator.notification_failed(id bigint, error text, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_max_attempts CONSTANT int := 5;
  n pgautomator.notification;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  n := pgautomator._claimed_notification(notification_failed.id);
  -- Backoff 1, 2, 4, 8 minutes after attempts 1..4; the 5th failure is final.
  UPDATE pgautomator.notification x
     SET state = CASE WHEN x.attempts >= c_max_attempts THEN 'failed' ELSE 'pending' END,
         last_error = left(notification_failed.error, 2000),
         next_attempt_at = CASE WHEN x.attempts >= c_max_attempts THEN x.next_attempt_at
                                ELSE notification_failed.at + interval '1 minute' * power(2, x.attempts - 1) END,
         claimed_by = NULL, claimed_at = NULL
   WHERE x.id = n.id;
END
$$;
COMMENT ON FUNCTION pgautomator.notification_failed(bigint, text, timestamptz) IS
  'Agent protocol: delivering notification id failed with error. It is tried again after 1, 2, 4 and 8 minutes, and recorded failed after the 5th attempt.';
REVOKE ALL ON FUNCTION pgautomator.notification_failed(bigint, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.notification_failed(bigint, text, timestamptz) TO pgautomator_agent;

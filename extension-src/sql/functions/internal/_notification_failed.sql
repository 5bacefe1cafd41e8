CREATE OR REPLACE FUNCTION pgautomator._notification_failed(id bigint, error text, at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of its public wrapper (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_max_attempts CONSTANT int := 5;
  n pgautomator.notification;
BEGIN
  n := pgautomator._claimed_notification(_notification_failed.id);
  -- Backoff 1, 2, 4, 8 minutes after attempts 1..4; the 5th failure is final.
  UPDATE pgautomator.notification x
     SET state = CASE WHEN x.attempts >= c_max_attempts THEN 'failed' ELSE 'pending' END,
         last_error = left(_notification_failed.error, 2000),
         next_attempt_at = CASE WHEN x.attempts >= c_max_attempts THEN x.next_attempt_at
                                ELSE _notification_failed.at + interval '1 minute' * power(2, x.attempts - 1) END,
         claimed_by = NULL, claimed_at = NULL
   WHERE x.id = n.id;
END
$$;
COMMENT ON FUNCTION pgautomator._notification_failed(bigint, text, timestamptz) IS
  'The body of notification_failed with the clock as an argument. Granted to nobody: notification_failed passes the database clock; tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._notification_failed(bigint, text, timestamptz) FROM PUBLIC;

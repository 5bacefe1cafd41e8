CREATE OR REPLACE FUNCTION pgautomator._claimed_notification(id bigint) RETURNS pgautomator.notification
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n pgautomator.notification;
  agent_name text;
  agent_role name;
BEGIN
  SELECT x.* INTO n FROM pgautomator.notification x WHERE x.id = _claimed_notification.id FOR UPDATE;
  IF n.id IS NULL THEN
    PERFORM pgautomator._raise('PA010', format('notification %s does not exist', coalesce(_claimed_notification.id::text, 'NULL')),
      'field: id', 'The id comes from claim_notifications; the mail may have been purged with its run.');
  END IF;
  SELECT a.name, a.db_role INTO agent_name, agent_role FROM pgautomator.agent a WHERE a.id = n.claimed_by;
  IF n.claimed_by IS NOT NULL THEN
    PERFORM pgautomator._check_agent_role(agent_name, agent_role);
  END IF;
  IF n.state <> 'sending' THEN
    PERFORM pgautomator._raise('PA030', format('notification %s is %s, not being sent', n.id, n.state), 'field: id',
      'Report the outcome of a mail once, after claim_notifications handed it out.');
  END IF;
  RETURN n;
END
$$;
COMMENT ON FUNCTION pgautomator._claimed_notification(bigint) IS 'The notification id, locked, after checking that it is being sent (PA030) by an agent the caller may act as (PA040); PA010 when unknown.';
REVOKE ALL ON FUNCTION pgautomator._claimed_notification(bigint) FROM PUBLIC;

-- Outage is not death: when an agent is heard of (heartbeat, claim, registration) and no agent
-- online or draining had been heard of within two of its own heartbeat intervals before, everyone
-- was silent at once. That is the database's outage (or the network's in front of it), not the
-- death of every agent: the moment contact resumed is recorded (setting contact, {"resumed_at"}),
-- and the rescuer counts silence from it (_rescue_dead_agents), so the first agent back does not
-- declare the others dead.
-- a: the agent heard of, as it was before this contact (NULL: one registering); at: the moment.
-- Cheap on the hot path: when the agent itself was heard of within two intervals (the usual case),
-- somebody was, and nothing is read; otherwise one aggregate over the small agent table.
CREATE OR REPLACE FUNCTION pgautomator._note_contact(a pgautomator.agent, at timestamptz)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF a.state IN ('online', 'draining') AND a.last_heartbeat_at >= _note_contact.at - 2 * a.heartbeat_interval THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM pgautomator.agent x
              WHERE x.state IN ('online', 'draining') AND x.last_heartbeat_at >= _note_contact.at - 2 * x.heartbeat_interval) THEN
    RETURN false;
  END IF;
  INSERT INTO pgautomator.setting AS v (name, value) VALUES ('contact', jsonb_build_object('resumed_at', _note_contact.at))
  ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now()
   WHERE coalesce((v.value ->> 'resumed_at')::timestamptz, '-infinity') < _note_contact.at;
  RETURN true;
END
$$;
COMMENT ON FUNCTION pgautomator._note_contact(pgautomator.agent, timestamptz) IS
  'Called when agent a (as it was before; NULL for a registration) is heard of at at: when no agent online or draining had heartbeated '
  'within two of its own intervals before, nobody could reach the database, and at is recorded as setting contact {"resumed_at"} '
  '(the rescuer counts silence from it). Returns whether it recorded.';
REVOKE ALL ON FUNCTION pgautomator._note_contact(pgautomator.agent, timestamptz) FROM PUBLIC;

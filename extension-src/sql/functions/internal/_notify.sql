-- One event: _notify_each with one payload, so the channel, the payload shape and which events go
-- out while nobody watches are decided in one place.
CREATE OR REPLACE FUNCTION pgautomator._notify(event text, payload jsonb DEFAULT '{}') RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- The same test as _notify_each's, made here first: while nobody watches, a progress event (one
  -- per run end) costs no further call, which is a statement of its own.
  IF pgautomator._is_progress_event(_notify.event) AND NOT pgautomator._events_watched() THEN
    RETURN;
  END IF;
  PERFORM pgautomator._notify_each(_notify.event, ARRAY[_notify.payload]);
END
$$;
COMMENT ON FUNCTION pgautomator._notify(text, jsonb) IS 'Sends NOTIFY pgautomator with {"event": event, ...payload}; delivered at commit. Progress events (run_started, run_finished, step_output) only while someone watches (watch_events).';

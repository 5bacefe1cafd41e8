-- Whether someone watches the live progress events (watch_events called within its window).
CREATE OR REPLACE FUNCTION pgautomator._events_watched() RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN coalesce((SELECT (s.value #>> '{}')::timestamptz > now() FROM pgautomator.setting s WHERE s.name = 'events_watched_until'), false);
END
$$;
COMMENT ON FUNCTION pgautomator._events_watched() IS 'True while the window opened by watch_events() lasts: progress events (run_started, run_finished, step_output) are sent then.';
REVOKE ALL ON FUNCTION pgautomator._events_watched() FROM PUBLIC;

-- Public: a watcher (the gateway, while browsers hold an event stream; a person in psql) asks for
-- the live progress events. They are off otherwise, because notifying costs every run a turn at a
-- cluster-wide lock at commit (see _notify).
CREATE OR REPLACE FUNCTION pgautomator.watch_events(seconds int DEFAULT 60)
RETURNS timestamptz
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  until timestamptz;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF watch_events.seconds IS NULL OR watch_events.seconds NOT BETWEEN 1 AND 3600 THEN
    PERFORM pgautomator._raise('PA002', format('seconds must be from 1 to 3600 (got %s)', coalesce(watch_events.seconds::text, 'NULL')),
      'field: seconds', 'Call watch_events again before the window ends to keep watching (the gateway asks for 90 s every 30 s).');
  END IF;
  -- The window only grows: one watcher's short window never cuts another's longer one.
  INSERT INTO pgautomator.setting AS s (name, value)
  VALUES ('events_watched_until', to_jsonb(now() + make_interval(secs => watch_events.seconds)))
  ON CONFLICT (name) DO UPDATE
     SET value = to_jsonb(greatest(coalesce((s.value #>> '{}')::timestamptz, '-infinity'), (excluded.value #>> '{}')::timestamptz)),
         updated_at = now()
  RETURNING (s.value #>> '{}')::timestamptz INTO until;
  RETURN until;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.watch_events(int) IS
$c$Asks for the live progress events on NOTIFY channel pgautomator for the next `seconds` (default 60, at most 3600) and returns until when they are sent. Progress events are run_started, run_finished and step_output; they are sent only while someone watches, because a notifying transaction holds a cluster-wide lock through its commit. The events agents wait for (run_queued, kill, schedule_changed) and agent_online/agent_offline are always sent. The gateway calls it while browsers hold /events streams; in psql: LISTEN pgautomator; then call it every minute or so.
Arguments: seconds, 1 to 3600.
Errors: PA002 seconds out of range; PA040 caller is not pgautomator_viewer (or above).
Example: LISTEN pgautomator; SELECT pgautomator.watch_events(600);$c$;
REVOKE ALL ON FUNCTION pgautomator.watch_events(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.watch_events(int) TO pgautomator_viewer;

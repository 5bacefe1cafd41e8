-- The events that only tell watchers how runs progress; the others (run_queued, kill,
-- schedule_changed, agent_online, agent_offline) wake agents or are rare, and always go out.
CREATE OR REPLACE FUNCTION pgautomator._is_progress_event(event text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN _is_progress_event.event IN ('run_started', 'run_finished', 'step_output');
END
$$;
COMMENT ON FUNCTION pgautomator._is_progress_event(text) IS 'True for run_started, run_finished and step_output: the events sent only while someone watches (watch_events).';
REVOKE ALL ON FUNCTION pgautomator._is_progress_event(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION pgautomator.end_run(run_id bigint, state text, message text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r       pgautomator.job_run;
  final   text;
  why     text;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF end_run.state IS NULL OR end_run.state NOT IN ('succeeded', 'failed', 'killed', 'timed_out') THEN
    PERFORM pgautomator._raise('PA002', format('state must be succeeded, failed, killed or timed_out, got %L', end_run.state),
      'field: state', 'Report how the run ended.');
  END IF;
  r := pgautomator._running_run(end_run.run_id);
  final := end_run.state;
  why := end_run.message;
  -- A run someone asked to kill ends killed, even when it finished on its own meanwhile.
  IF r.kill_requested_at IS NOT NULL AND final <> 'killed' THEN
    why := concat_ws('; ', format('kill requested by %s at %s (agent reported %s)', r.kill_requested_by, r.kill_requested_at, final), why);
    final := 'killed';
  ELSIF final = 'killed' AND r.kill_requested_at IS NOT NULL AND why IS NULL THEN
    why := format('killed at the request of %s', r.kill_requested_by);
  END IF;
  UPDATE pgautomator.job_run x SET state = final, finished_at = clock_timestamp(), message = why WHERE x.id = r.id;
  -- Attempts the agent left open end with the run.
  UPDATE pgautomator.step_run s
     SET state = CASE WHEN final IN ('killed', 'timed_out') THEN final ELSE 'failed' END,
         finished_at = clock_timestamp(), message = coalesce(s.message, format('the run ended (%s) while the step was running', final))
   WHERE s.job_run_id = r.id AND s.state = 'running';
  -- Mail in the same transaction as the outcome: committed together or not at all.
  PERFORM pgautomator._enqueue_mail(r.id, CASE WHEN final = 'succeeded' THEN 'success' ELSE 'failure' END);
  PERFORM pgautomator._notify('run_finished', jsonb_build_object('run_id', r.id, 'state', final));
END
$$;
COMMENT ON FUNCTION pgautomator.end_run(bigint, text, text) IS
  'Agent protocol: a run ended (succeeded, failed, killed, timed_out). A run whose kill was requested is recorded killed. Step attempts '
  'still open end with it. The job''s mail is written to the outbox in the same transaction. PA030 when the run is not running.';
REVOKE ALL ON FUNCTION pgautomator.end_run(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.end_run(bigint, text, text) TO pgautomator_agent;

CREATE OR REPLACE FUNCTION pgautomator.end_run(run_id bigint, state text, message text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The argument before the state of the run or attempt: bad input is named as such.
  PERFORM pgautomator._check_one_of(end_run.state, '{succeeded,failed,killed,timed_out,abandoned}', 'state', 'state');
  PERFORM pgautomator._finish_run(pgautomator._running_run(end_run.run_id), end_run.state, end_run.message);
END
$$;
COMMENT ON FUNCTION pgautomator.end_run(bigint, text, text) IS
  'Agent protocol: a run ended (succeeded, failed, killed, timed_out), or its agent gave it up (abandoned: its lease ran out, or it stopped '
  'before the run could end; the job''s on_abandon then decides, a retry of the same fire or not). A run whose kill was requested is recorded killed. Step attempts '
  'still open end with it. The job''s mail is written to the outbox in the same transaction. PA030 when the run is not running.';
REVOKE ALL ON FUNCTION pgautomator.end_run(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.end_run(bigint, text, text) TO pgautomator_agent;

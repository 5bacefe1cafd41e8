CREATE OR REPLACE FUNCTION pgautomator.end_step(
  step_run_id  bigint,
  state        text,
  exit_code    int DEFAULT NULL,
  message      text DEFAULT NULL,
  output       text DEFAULT NULL,
  output_bytes bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  -- The argument before the state of the run or attempt: bad input is named as such.
  PERFORM pgautomator._check_one_of(end_step.state, '{succeeded,failed,killed,timed_out}', 'state', 'state');
  PERFORM pgautomator._end_attempt(pgautomator._running_step_run(end_step.step_run_id, late_ok => true), end_step.state, end_step.exit_code,
    end_step.message, end_step.output, end_step.output_bytes);
END
$$;
COMMENT ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) IS
  'Agent protocol: a step attempt ended (succeeded, failed, killed, timed_out) with its exit code, message, bounded output (head and '
  'tail kept by the agent) and total output size. Writes the step''s mail when asked. PA030 when it ended already.';
REVOKE ALL ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) TO pgautomator_agent;

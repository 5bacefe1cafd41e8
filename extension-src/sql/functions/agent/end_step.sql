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
DECLARE
  s pgautomator.step_run;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF end_step.state IS NULL OR end_step.state NOT IN ('succeeded', 'failed', 'killed', 'timed_out') THEN
    PERFORM pgautomator._raise('PA002', format('state must be succeeded, failed, killed or timed_out, got %L', end_step.state),
      'field: state', 'Report how the attempt ended.');
  END IF;
  s := pgautomator._running_step_run(end_step.step_run_id);
  UPDATE pgautomator.step_run x
     SET state = end_step.state, finished_at = clock_timestamp(), exit_code = end_step.exit_code,
         message = end_step.message, output = end_step.output,
         output_bytes = greatest(x.output_bytes, coalesce(end_step.output_bytes, octet_length(end_step.output), 0))
   WHERE x.id = s.id;
  PERFORM pgautomator._enqueue_mail(s.job_run_id, CASE WHEN end_step.state = 'succeeded' THEN 'success' ELSE 'failure' END, s.id);
END
$$;
COMMENT ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) IS
  'Agent protocol: a step attempt ended (succeeded, failed, killed, timed_out) with its exit code, message, bounded output (head and '
  'tail kept by the agent) and total output size. Writes the step''s mail when asked. PA030 when it ended already.';
REVOKE ALL ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.end_step(bigint, text, int, text, text, bigint) TO pgautomator_agent;

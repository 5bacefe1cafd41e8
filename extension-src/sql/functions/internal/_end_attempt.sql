-- The body of end_step for an attempt already checked and locked by _running_step_run: shared by
-- end_step and agent_report.
CREATE OR REPLACE FUNCTION pgautomator._end_attempt(s pgautomator.step_run, state text, exit_code int, message text, output text, output_bytes bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._check_one_of(_end_attempt.state, '{succeeded,failed,killed,timed_out}', 'state', 'state');
  UPDATE pgautomator.step_run x
     SET state = _end_attempt.state, finished_at = clock_timestamp(), exit_code = _end_attempt.exit_code,
         message = _end_attempt.message, output = _end_attempt.output,
         output_bytes = greatest(x.output_bytes, coalesce(_end_attempt.output_bytes, octet_length(_end_attempt.output), 0))
   WHERE x.id = s.id;
  PERFORM pgautomator._enqueue_mail(s.job_run_id, CASE WHEN _end_attempt.state = 'succeeded' THEN 'success' ELSE 'failure' END, s.id);
END
$$;
COMMENT ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint) IS 'end_step after the checks of the caller and the attempt: records the outcome and the step''s mail.';
REVOKE ALL ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint) FROM PUBLIC;

-- The body of end_step for an attempt already checked and locked by _running_step_run: shared by
-- end_step and agent_report.
-- finished: when the agent saw the attempt end, for results replayed from its spool after an outage
-- (NULL: now); kept between the attempt's start and now, whatever the agent's clock says.
CREATE OR REPLACE FUNCTION pgautomator._end_attempt(s pgautomator.step_run, state text, exit_code int, message text, output text, output_bytes bigint,
  finished timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  email_on text[];
BEGIN
  PERFORM pgautomator._check_one_of(_end_attempt.state, '{succeeded,failed,killed,timed_out}', 'state', 'state');
  UPDATE pgautomator.step_run x
     SET state = _end_attempt.state, finished_at = greatest(x.started_at, least(coalesce(_end_attempt.finished, clock_timestamp()), clock_timestamp())), exit_code = _end_attempt.exit_code,
         message = _end_attempt.message, output = _end_attempt.output,
         output_bytes = greatest(x.output_bytes, coalesce(_end_attempt.output_bytes, octet_length(_end_attempt.output), 0))
   WHERE x.id = s.id
  RETURNING (SELECT st.email_on FROM pgautomator.step st WHERE st.id = x.step_id) INTO email_on;
  -- A step that asks for no mail at all (most) is not looked up again; _enqueue_mail decides the rest.
  IF cardinality(email_on) > 0 THEN
    PERFORM pgautomator._enqueue_mail(s.job_run_id, CASE WHEN _end_attempt.state = 'succeeded' THEN 'success' ELSE 'failure' END, s.id);
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint, timestamptz) IS 'end_step after the checks of the caller and the attempt: records the outcome and the step''s mail.';
REVOKE ALL ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint, timestamptz) FROM PUBLIC;

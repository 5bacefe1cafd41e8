-- The body of end_step for an attempt already checked and locked by _running_step_run: shared by
-- end_step and agent_report.
-- finished: when the agent saw the attempt end, for results replayed from its spool after an outage
-- (NULL: now); kept between the attempt's start and now, whatever the agent's clock says.
-- An attempt abandoned meanwhile (s.state = 'abandoned', handed over by _running_step_run with
-- late_ok once the caller was found to act for its run's agent) takes a result that really ended
-- before it was abandoned: recorded late, with a message saying so; the run stays abandoned (and its
-- retry, if any, stays). A result that ended after it was abandoned is refused (PA030): a retry may
-- already run elsewhere.
CREATE OR REPLACE FUNCTION pgautomator._end_attempt(s pgautomator.step_run, state text, exit_code int, message text, output text, output_bytes bigint,
  finished timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- What one attempt stores of the final output the agent sends (its head and tail of the whole),
  -- and of a message.
  c_output  CONSTANT bigint := pgautomator._stored_text_limit('output');
  c_message CONSTANT bigint := pgautomator._stored_text_limit('message');
  email_on text[];
  ended    timestamptz;
BEGIN
  -- The check's call (a statement of its own) only when the value is wrong: an expression is
  -- evaluated without the executor's start-up, the call was about a tenth of this function.
  IF _end_attempt.state IS NULL OR _end_attempt.state NOT IN ('succeeded', 'failed', 'killed', 'timed_out') THEN
    PERFORM pgautomator._check_one_of(_end_attempt.state, '{succeeded,failed,killed,timed_out}', 'state', 'state');
  END IF;
  ended := greatest(s.started_at, least(coalesce(_end_attempt.finished, clock_timestamp()), clock_timestamp()));
  IF s.state = 'abandoned' THEN
    IF ended > s.finished_at THEN
      PERFORM pgautomator._raise('PA030',
        format('step run %s was abandoned at %s; its result, ended at %s, came after that and is not recorded', s.id, s.finished_at, ended),
        'field: step_run_id',
        'A result is recorded late only when it ended before its attempt was abandoned (send finished_at from the spool); stop executing the run.');
    END IF;
    UPDATE pgautomator.step_run x
       SET state = _end_attempt.state, finished_at = ended, exit_code = _end_attempt.exit_code,
           message = pgautomator._bounded_text(concat_ws('; ', _end_attempt.message,
                       format('recorded late: the attempt had been abandoned at %s (%s)', x.finished_at, x.message)), c_message),
           output = pgautomator._bounded_text(nullif(_end_attempt.output, ''), c_output),  -- none is NULL, as below
           output_bytes = greatest(x.output_bytes, coalesce(_end_attempt.output_bytes, octet_length(_end_attempt.output), 0))
     WHERE x.id = s.id;
    RETURN;  -- no mail: the run's outcome (abandoned) was mailed when it was abandoned
  END IF;
  UPDATE pgautomator.step_run x
     SET state = _end_attempt.state, finished_at = ended, exit_code = _end_attempt.exit_code,
         -- The bound's function is called only past the bound (the hot path of short steps pays a length).
         message = CASE WHEN octet_length(_end_attempt.message) > c_message THEN pgautomator._bounded_text(_end_attempt.message, c_message)
                        ELSE _end_attempt.message END,
         -- No output stays NULL, as the attempt began: the search index (step_run_search_idx) reads
         -- message and output, so an end that leaves both as they were can be a HOT update, which
         -- writes none of step_run's indexes (a step that prints nothing, the usual scheduled job).
         output = CASE WHEN octet_length(_end_attempt.output) > c_output THEN pgautomator._bounded_text(_end_attempt.output, c_output)
                       ELSE nullif(_end_attempt.output, '') END,
         output_bytes = greatest(x.output_bytes, coalesce(_end_attempt.output_bytes, octet_length(_end_attempt.output), 0))
   WHERE x.id = s.id
  RETURNING (SELECT st.email_on FROM pgautomator.step st WHERE st.id = x.step_id) INTO email_on;
  -- A step that asks for no mail at all (most) is not looked up again; _enqueue_mail decides the rest.
  IF cardinality(email_on) > 0 THEN
    PERFORM pgautomator._enqueue_mail(s.job_run_id, CASE WHEN _end_attempt.state = 'succeeded' THEN 'success' ELSE 'failure' END, s.id);
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint, timestamptz) IS
  'end_step after the checks of the caller and the attempt: records the outcome (output bounded to 1 MB and message to 64 kB, head and '
  'tail kept) and the step''s mail. An abandoned attempt takes a result that ended before it was abandoned (recorded late), else PA030.';
REVOKE ALL ON FUNCTION pgautomator._end_attempt(pgautomator.step_run, text, int, text, text, bigint, timestamptz) FROM PUBLIC;

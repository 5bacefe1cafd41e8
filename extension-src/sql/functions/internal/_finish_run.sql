-- The body of end_run for a run already checked and locked by _running_run: shared by end_run and
-- agent_report.
-- finished: as in _end_attempt (the agent's time of a spooled result, kept between start and now).
-- counted_by_caller: the caller counts the run itself (_count_ended_runs; agent_report, once for its
-- whole batch, in one statement); otherwise it is counted here.
CREATE OR REPLACE FUNCTION pgautomator._finish_run(r pgautomator.job_run, state text, message text, finished timestamptz DEFAULT NULL,
                                                   counted_by_caller boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  final text := _finish_run.state;
  why   text := _finish_run.message;
  ended timestamptz := greatest(r.started_at, least(coalesce(_finish_run.finished, clock_timestamp()), clock_timestamp()));
  email_on text[];
BEGIN
  -- The check's call only when the value is wrong (as in _end_attempt: an expression, not a statement).
  IF final IS NULL OR final NOT IN ('succeeded', 'failed', 'killed', 'timed_out', 'abandoned') THEN
    PERFORM pgautomator._check_one_of(final, '{succeeded,failed,killed,timed_out,abandoned}', 'state', 'state');
  END IF;
  -- Given up by its agent (its lease ran out and it fenced the step, or it stopped before the run
  -- could end): the run did not fail of its own, so the job's on_abandon decides (a retry of the
  -- same fire), as when the database rescues a dead agent's runs. Unless someone asked to kill it.
  IF final = 'abandoned' AND r.kill_requested_at IS NULL THEN
    PERFORM pgautomator._abandon_runs(ARRAY[r.id], coalesce(why, 'given up by its agent'), counted_by_caller => _finish_run.counted_by_caller);
    RETURN;
  END IF;
  -- A run someone asked to kill ends killed, even when it finished on its own meanwhile.
  IF r.kill_requested_at IS NOT NULL AND final <> 'killed' THEN
    why := concat_ws('; ', format('kill requested by %s at %s (agent reported %s)', r.kill_requested_by, r.kill_requested_at, final), why);
    final := 'killed';
  ELSIF final = 'killed' AND r.kill_requested_at IS NOT NULL AND why IS NULL THEN
    why := format('killed at the request of %s', r.kill_requested_by);
  END IF;
  -- A message is bounded (64 kB, head and tail) like the attempt's (_end_attempt).
  UPDATE pgautomator.job_run x SET state = final, finished_at = ended,
         message = CASE WHEN octet_length(why) > pgautomator._stored_text_limit('message') THEN pgautomator._bounded_text(why, pgautomator._stored_text_limit('message')) ELSE why END
   WHERE x.id = r.id
  RETURNING (SELECT j.email_on FROM pgautomator.job j WHERE j.id = x.job_id) INTO email_on;
  -- Attempts the agent left open end with the run.
  UPDATE pgautomator.step_run s
     SET state = CASE WHEN final IN ('killed', 'timed_out') THEN final ELSE 'failed' END,
         finished_at = greatest(s.started_at, ended), message = coalesce(s.message, format('the run ended (%s) while the step was running', final))
   WHERE s.job_run_id = r.id AND s.state = 'running';
  -- Mail in the same transaction as the outcome: committed together or not at all. A job that asks
  -- for no mail at all (most) is not looked up again; _enqueue_mail decides the rest.
  IF cardinality(email_on) > 0 THEN
    PERFORM pgautomator._enqueue_mail(r.id, CASE WHEN final = 'succeeded' THEN 'success' ELSE 'failure' END);
  END IF;
  PERFORM pgautomator._run_ended(ARRAY[r.id]);
  IF NOT counted_by_caller THEN
    PERFORM pgautomator._count_ended_runs(ARRAY[r.id]);
  END IF;
  PERFORM pgautomator._notify('run_finished', jsonb_build_object('run_id', r.id, 'state', final));
END
$$;
COMMENT ON FUNCTION pgautomator._finish_run(pgautomator.job_run, text, text, timestamptz, boolean) IS 'end_run after the checks of the caller and the run: records the outcome (killed when a kill was requested; abandoned through _abandon_runs, which applies on_abandon), ends open attempts, writes mail, counts the run (run_count) unless counted_by_caller, NOTIFYs run_finished.';
REVOKE ALL ON FUNCTION pgautomator._finish_run(pgautomator.job_run, text, text, timestamptz, boolean) FROM PUBLIC;

-- One entry of agent_report, applied: the bodies of begin_step, log_step, end_step and end_run after
-- the same checks of the run (its agent must be the caller's: acts_for, see agent_report). Raises
-- what the single function would raise; agent_report decides what a refusal undoes.
-- acts_for in: the agent the caller was already found to act for in this call (NULL: none yet);
-- out: the agent found now. ended_run: the run this entry ended (counted by agent_report at its end).
CREATE OR REPLACE FUNCTION pgautomator._apply_report_entry(e jsonb, INOUT acts_for bigint, OUT result jsonb, OUT ended_run bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r        pgautomator.job_run;
  l        jsonb;
  sr       pgautomator.step_run;
  step_run bigint;
BEGIN
  -- log_step is called whole (its role check repeats): output entries are few, one per flush of a long step.
  CASE e ->> 'op'
    WHEN 'begin_step' THEN
      r := pgautomator._running_run((e ->> 'run_id')::bigint, true, acts_for);
      acts_for := r.agent_id;
      step_run := pgautomator._begin_attempt(r, (e ->> 'step_id')::bigint, coalesce((e ->> 'attempt')::int, 1));
      result := jsonb_build_object('ok', true, 'step_run_id', step_run);
    WHEN 'log_step' THEN
      PERFORM pgautomator.log_step((e ->> 'step_run_id')::bigint, e ->> 'chunk', coalesce(e ->> 'stream', 'stdout'));
      result := '{"ok": true}';
    WHEN 'end_step' THEN
      PERFORM pgautomator._end_attempt(pgautomator._running_step_run((e ->> 'step_run_id')::bigint, true, acts_for, late_ok => true), e ->> 'state', (e ->> 'exit_code')::int,
        e ->> 'message', e ->> 'output', (e ->> 'output_bytes')::bigint, (e ->> 'finished_at')::timestamptz);
      result := '{"ok": true}';
    WHEN 'end_run' THEN
      r := pgautomator._running_run((e ->> 'run_id')::bigint, true, acts_for);
      acts_for := r.agent_id;
      -- The run's last attempt may come along: one lock of the run (read and checked once).
      IF jsonb_typeof(e -> 'last_step') = 'object' THEN
        l := e -> 'last_step';
        sr := pgautomator._running_step_run((l ->> 'step_run_id')::bigint, true, acts_for, r);
        IF sr.job_run_id <> r.id THEN
          PERFORM pgautomator._raise('PA010', format('step run %s is not an attempt of run %s', sr.id, r.id), 'field: last_step.step_run_id',
            'last_step must be the last attempt of the run that ends.');
        END IF;
        PERFORM pgautomator._end_attempt(sr, l ->> 'state', (l ->> 'exit_code')::int, l ->> 'message', l ->> 'output', (l ->> 'output_bytes')::bigint,
          (e ->> 'finished_at')::timestamptz);
      END IF;
      PERFORM pgautomator._finish_run(r, e ->> 'state', e ->> 'message', (e ->> 'finished_at')::timestamptz, counted_by_caller => true);
      ended_run := r.id;
      result := '{"ok": true}';
  END CASE;
END
$$;
COMMENT ON FUNCTION pgautomator._apply_report_entry(jsonb, bigint) IS
  'agent_report: applies one entry (begin_step, log_step, end_step or end_run) after the checks of its single function; returns its '
  'result object, the agent the caller acts for, and the run it ended (if any). Raises as the single function would.';
REVOKE ALL ON FUNCTION pgautomator._apply_report_entry(jsonb, bigint) FROM PUBLIC;

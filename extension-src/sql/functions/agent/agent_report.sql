-- Group commit for agents: the progress of many runs (step begins, output, step and run ends) in
-- one call and one transaction. With short steps an agent otherwise spends a round trip and a
-- commit (WAL flush, and the cluster-wide NOTIFY lock) on every begin and end; measured, those
-- commits, not the work, bounded a burst of no-op runs to about 200 runs/s.
--
-- Each entry is applied by the same body a single call uses (_apply_report_entry: _begin_attempt,
-- log_step, _end_attempt, _finish_run), so the rules live in one place; one entry the database
-- refuses (a run that was abandoned meanwhile: PA030) does not undo the others (see below).
-- A malformed batch is refused whole, before anything is written.
CREATE OR REPLACE FUNCTION pgautomator.agent_report(entries jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
-- Generic plans for every statement of the entries' bodies (they go by key: a run, a step run, a
-- step): each takes ids that differ on every call, and with job_run grown by history the planner
-- kept choosing a custom plan for some (the run end's open attempts: 0.3 plans per run end
-- measured with pg_stat_statements, bench/cost-per-run.ts), planning them again on each call.
SET plan_cache_mode = force_generic_plan
-- And by key only, as in claim_runs: statistics taken while step_run or job_run were nearly empty
-- (a new install, the benchmark's fixture) gave a generic plan that read the table whole (the run
-- end's open-attempts UPDATE went from 27 to 229 µs per run as step_run filled during one
-- bench run). jit off: the penalty of a disabled plan type would push cheap plans past jit_above_cost.
SET enable_seqscan = off
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- Each entry may be a subtransaction (when one is refused); past 64 in one transaction PostgreSQL's
  -- per-backend cache of subtransaction ids overflows and every snapshot in the cluster gets slower.
  c_max_entries CONSTANT int := 64;
  e        jsonb;
  i        int := 0;
  op       text;
  results  jsonb := '[]';
  applied  record;
  l        jsonb;
  sr       pgautomator.step_run;
  -- The agent of the last run the caller was found to act for (by a begin_step or end_run entry):
  -- later entries about that agent's runs, which are all of an agent's batch, skip the check of the
  -- caller's role against the agent's: the caller does not change within the call, and the agent's
  -- role is taken as it was at the first check. Measured: checking every entry again was about a
  -- tenth of agent_report's time.
  acts_for bigint;
  v_state  text;
  v_msg    text;
  v_detail text;
  v_hint   text;
  late     jsonb;
  l_state  text;
  l_msg    text;
  l_detail text;
  l_hint   text;
  -- Runs ended by this call, counted (_count_ended_runs) in one statement at the end rather than
  -- entry by entry: one insert instead of one per run.
  ended    bigint[] := '{}';
  -- Every entry an end_run with its last attempt: the batch _end_runs_together may apply at once.
  all_ends boolean := true;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_agent');
  IF agent_report.entries IS NULL OR jsonb_typeof(agent_report.entries) <> 'array' THEN
    PERFORM pgautomator._raise('PA002', format('entries must be a JSON array, got %s', coalesce(jsonb_typeof(agent_report.entries), 'NULL')),
      'field: entries', 'Pass [{"op": "begin_step", ...}, ...]; see docs/agent-protocol.md.');
  END IF;
  IF jsonb_array_length(agent_report.entries) > c_max_entries THEN
    PERFORM pgautomator._raise('PA002', format('entries holds %s entries; at most %s are allowed in one call', jsonb_array_length(agent_report.entries), c_max_entries),
      'field: entries', 'Split the report into several calls.');
  END IF;
  -- Shape first: nothing is written when any entry is malformed.
  FOR e IN SELECT value FROM jsonb_array_elements(agent_report.entries) LOOP
    op := CASE WHEN jsonb_typeof(e) = 'object' THEN e ->> 'op' END;
    IF op IS NULL OR op NOT IN ('begin_step', 'log_step', 'end_step', 'end_run') THEN
      PERFORM pgautomator._raise('PA002', format('entries[%s].op must be begin_step, log_step, end_step or end_run, got %s', i, coalesce(quote_literal(op), 'nothing')),
        format('field: entries[%s].op', i), 'Each entry is an object with "op" and the arguments of that protocol function.');
    END IF;
    all_ends := all_ends AND op = 'end_run' AND jsonb_typeof(e -> 'last_step') = 'object';
    i := i + 1;
  END LOOP;

  -- The usual batch of short runs (their ends, each with its last attempt), set-based when nothing
  -- in it is refused or treated apart; otherwise (NULL, nothing written) entry by entry below.
  IF all_ends AND i > 0 THEN
    results := pgautomator._end_runs_together(agent_report.entries);
    IF results IS NOT NULL THEN
      RETURN results;
    END IF;
    results := '[]';
  END IF;

  -- The usual batch is accepted whole: applied in ONE subtransaction, not one per entry (each entry
  -- that writes would take a subtransaction id of its own). Only when an entry is refused is the
  -- batch applied again from the start, entry by entry, each in its own subtransaction (the loop
  -- below), so that the refused entry undoes nothing else.
  BEGIN
    FOR e IN SELECT value FROM jsonb_array_elements(agent_report.entries) LOOP
      applied := pgautomator._apply_report_entry(e, acts_for);
      acts_for := applied.acts_for;
      results := results || jsonb_build_array(applied.result);
      IF applied.ended_run IS NOT NULL THEN
        ended := ended || applied.ended_run;
      END IF;
    END LOOP;
    IF cardinality(ended) > 0 THEN
      PERFORM pgautomator._count_ended_runs(ended);
    END IF;
    RETURN results;  -- leaving the block keeps its subtransaction's writes
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE;
    -- A caller that may not act for a run's agent is refused as a whole, as the single functions
    -- would refuse it.
    IF v_state IN ('PA040', '42501') THEN
      RAISE;
    END IF;
    -- The block's writes are undone; variables are not: start again below.
  END;
  results := '[]';
  acts_for := NULL;
  ended := '{}';

  FOR e IN SELECT value FROM jsonb_array_elements(agent_report.entries) LOOP
    BEGIN
      applied := pgautomator._apply_report_entry(e, acts_for);
      acts_for := applied.acts_for;
      results := results || jsonb_build_array(applied.result);
      IF applied.ended_run IS NOT NULL THEN
        ended := ended || applied.ended_run;
      END IF;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
      -- A caller that may not act for a run's agent is refused as a whole, as the single functions
      -- would refuse it.
      IF v_state IN ('PA040', '42501') THEN
        RAISE;
      END IF;
      -- A repeat of an end already recorded (the agent's answer was lost after the commit): ok.
      IF v_state = 'PA030' AND e ->> 'op' IN ('end_step', 'end_run') AND pgautomator._repeats_recorded_end(e, acts_for) THEN
        results := results || jsonb_build_array(jsonb_build_object('ok', true, 'repeat', true));
        CONTINUE;
      END IF;
      -- An end_run refused because the run is no longer running (abandoned while the agent could not
      -- report) may carry its last attempt's result, really produced: that result alone is recorded
      -- when its attempt takes a late result (_end_attempt), and answered as "last_step".
      late := NULL;
      IF e ->> 'op' = 'end_run' AND v_state = 'PA030' AND jsonb_typeof(e -> 'last_step') = 'object' THEN
        l := e -> 'last_step';
        BEGIN
          sr := pgautomator._running_step_run((l ->> 'step_run_id')::bigint, true, acts_for, NULL, true);
          IF sr.job_run_id IS DISTINCT FROM (e ->> 'run_id')::bigint THEN
            PERFORM pgautomator._raise('PA010', format('step run %s is not an attempt of run %s', sr.id, e ->> 'run_id'), 'field: last_step.step_run_id',
              'last_step must be the last attempt of the run that ends.');
          END IF;
          PERFORM pgautomator._end_attempt(sr, l ->> 'state', (l ->> 'exit_code')::int, l ->> 'message', l ->> 'output', (l ->> 'output_bytes')::bigint,
            (e ->> 'finished_at')::timestamptz);
          late := '{"ok": true}';
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS l_state = RETURNED_SQLSTATE, l_msg = MESSAGE_TEXT, l_detail = PG_EXCEPTION_DETAIL, l_hint = PG_EXCEPTION_HINT;
          IF l_state IN ('PA040', '42501') THEN
            RAISE;
          END IF;
          late := jsonb_build_object('ok', false, 'code', l_state, 'message', l_msg, 'detail', nullif(l_detail, ''), 'hint', nullif(l_hint, ''));
        END;
      END IF;
      results := results || jsonb_build_array(jsonb_build_object('ok', false, 'code', v_state, 'message', v_msg,
        'detail', nullif(v_detail, ''), 'hint', nullif(v_hint, '')) || CASE WHEN late IS NULL THEN '{}' ELSE jsonb_build_object('last_step', late) END);
    END;
  END LOOP;
  IF cardinality(ended) > 0 THEN
    PERFORM pgautomator._count_ended_runs(ended);
  END IF;
  RETURN results;
END
$$;
COMMENT ON FUNCTION pgautomator.agent_report(jsonb) IS
  'Agent protocol, batched: applies up to 64 entries in order in one transaction, each like the function its "op" names '
  '({"op": "begin_step", "run_id", "step_id", "attempt"}, {"op": "log_step", "step_run_id", "chunk", "stream"}, '
  '{"op": "end_step", "step_run_id", "state", "exit_code", "message", "output", "output_bytes"}, {"op": "end_run", "run_id", "state", "message", '
  '"last_step": an end_step entry''s fields, optional: the run''s last attempt ends with it, all or nothing; when the run is refused '
  'as not running, the last attempt alone is still recorded if it takes a late result, answered in "last_step"}). '
  'end_step and end_run entries may carry "finished_at" (a result the agent kept through an outage: when it ended; '
  'recorded between the start and now). '
  'Returns one result per entry: {"ok": true} (with "step_run_id" for begin_step; with "repeat": true for an end_step or end_run '
  'that repeats an end this agent already recorded, sent again after its answer was lost) or {"ok": false, "code", "message", "detail", "hint"} '
  'when the database refused that entry (the others are kept). PA002 for a malformed batch (nothing written); PA040 refuses the whole call.';
REVOKE ALL ON FUNCTION pgautomator.agent_report(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.agent_report(jsonb) TO pgautomator_agent;

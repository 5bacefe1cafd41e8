-- agent_report's usual batch, applied set-based: every entry an end_run with its last attempt
-- (one-step runs, or the last step of each), nothing refused, no mail to write. A few statements
-- for the whole batch instead of about twenty per entry (_apply_report_entry: _running_run,
-- _running_step_run, _end_attempt, _finish_run, _run_ended, _notify, each a call with statements of
-- its own; measured with bench/cost-per-run.ts, that was half of a no-op run's database CPU).
--
-- Returns agent_report's results ({"ok": true} per entry), or NULL when the batch is not that
-- case: an entry the general path would refuse or treat apart (a run not running or another
-- agent's, a kill requested, an abandon, a late result, a value its casts would refuse, a repeat,
-- mail to write). NULL writes nothing (the rows it locked stay locked by the transaction, as the
-- general path locks them too), and agent_report applies the batch entry by entry, as before.
-- What is written is what _apply_report_entry writes for such entries (pgtap/protocol_report_batch.sql
-- compares both paths row by row).
CREATE OR REPLACE FUNCTION pgautomator._end_runs_together(entries jsonb)
RETURNS jsonb
LANGUAGE plpgsql
-- Every statement goes by key (a few runs among possibly millions), whatever the statistics say;
-- agent_report's settings (generic plans, no sequential scans) hold here too.
SET enable_hashjoin = off
SET enable_mergejoin = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_output  CONSTANT bigint := pgautomator._stored_text_limit('output');  -- as _end_attempt
  c_message CONSTANT bigint := pgautomator._stored_text_limit('message');
  n         int := jsonb_array_length(_end_runs_together.entries);
  plain     boolean;
  found_n   int;
  fine      boolean;
  distinct_ok boolean;
  agent_ids bigint[];
  run_ids   bigint[];
  agent_name text;
  agent_role name;
  ended     timestamptz;
  results   jsonb;
  watched   boolean;
BEGIN
  -- 1. Every value in a form the casts below take (the general path answers the others entry by
  --    entry), and no spooled finished_at (recorded between start and now, by the general path).
  --    With it, what the end needs besides (a statement fewer per call): the results, and whether
  --    anyone watches progress events.
  SELECT jsonb_agg('{"ok": true}'::jsonb), pgautomator._events_watched(), bool_and(e ->> 'op' = 'end_run'
                  AND e ->> 'run_id' ~ '^[0-9]{1,18}$'
                  AND e ->> 'state' IN ('succeeded', 'failed', 'killed', 'timed_out')
                  AND coalesce(jsonb_typeof(e -> 'finished_at'), 'null') = 'null'
                  AND jsonb_typeof(e -> 'last_step') = 'object'
                  AND e -> 'last_step' ->> 'step_run_id' ~ '^[0-9]{1,18}$'
                  AND e -> 'last_step' ->> 'state' IN ('succeeded', 'failed', 'killed', 'timed_out')
                  AND coalesce(e -> 'last_step' ->> 'exit_code' ~ '^-?[0-9]{1,9}$', true)
                  AND coalesce(e -> 'last_step' ->> 'output_bytes' ~ '^[0-9]{1,18}$', true))
    INTO results, watched, plain
    FROM jsonb_array_elements(_end_runs_together.entries) AS u(e);
  IF NOT coalesce(plain, false) THEN
    RETURN NULL;
  END IF;

  -- 2. Each run with its last attempt, locked in the entries' order (a run, then its attempt: the
  --    order of the general path, and of the rescuer and the reaper). All must be running, on one
  --    agent, with no kill requested, each run and attempt once, no other attempt of the run open;
  --    neither the job nor the step may want mail for this end (_enqueue_mail's test: the event or
  --    completion in email_on).
  --    And the runs' agent, which the caller must act for (below).
  SELECT count(*), bool_and(x.fine), count(DISTINCT x.run_id) = count(*) AND count(DISTINCT x.step_run_id) = count(*),
         array_agg(DISTINCT x.agent_id), array_agg(x.run_id ORDER BY x.ord), min(x.agent_name), min(x.agent_role)
    INTO found_n, fine, distinct_ok, agent_ids, run_ids, agent_name, agent_role
    FROM (SELECT u.ord, r.id AS run_id, s.id AS step_run_id, r.agent_id, a.name AS agent_name, a.db_role AS agent_role,
                 r.state = 'running' AND r.kill_requested_at IS NULL AND s.state = 'running' AND r.agent_id IS NOT NULL
                 -- No other attempt left open (which _finish_run would end with the run): a probe
                 -- of step_run_job_run_id_idx here cost a fifth of an UPDATE over the batch's runs.
                 AND NOT EXISTS (SELECT 1 FROM pgautomator.step_run o WHERE o.job_run_id = r.id AND o.state = 'running' AND o.id <> s.id)
                 AND NOT (CASE WHEN u.e ->> 'state' = 'succeeded' THEN 'success' ELSE 'failure' END = ANY (j.email_on) OR 'completion' = ANY (j.email_on))
                 AND NOT coalesce(CASE WHEN u.e -> 'last_step' ->> 'state' = 'succeeded' THEN 'success' ELSE 'failure' END = ANY (st.email_on)
                                  OR 'completion' = ANY (st.email_on), false) AS fine
            FROM jsonb_array_elements(_end_runs_together.entries) WITH ORDINALITY AS u(e, ord)
            JOIN pgautomator.job_run r ON r.id = (u.e ->> 'run_id')::bigint
            JOIN pgautomator.step_run s ON s.id = (u.e -> 'last_step' ->> 'step_run_id')::bigint AND s.job_run_id = r.id
            JOIN pgautomator.job j ON j.id = r.job_id
            LEFT JOIN pgautomator.step st ON st.id = s.step_id
            LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
           ORDER BY u.ord
             FOR UPDATE OF r, s) x;
  IF found_n <> n OR NOT fine OR NOT distinct_ok OR cardinality(agent_ids) <> 1 THEN
    RETURN NULL;
  END IF;
  -- The caller must act for the runs' agent (one agent: agent_ids): refused as a whole (PA040), as the general path refuses it.
  PERFORM pgautomator._check_agent_role(agent_name, agent_role);

  -- 3. The attempts, then the runs (as _end_attempt and _finish_run write them; the clock read
  --    once for the batch).
  ended := clock_timestamp();
  UPDATE pgautomator.step_run x
     SET state = u.state, finished_at = greatest(x.started_at, ended), exit_code = u.exit_code,
         message = CASE WHEN octet_length(u.message) > c_message THEN pgautomator._bounded_text(u.message, c_message) ELSE u.message END,
         output = CASE WHEN octet_length(u.output) > c_output THEN pgautomator._bounded_text(u.output, c_output) ELSE nullif(u.output, '') END,
         output_bytes = greatest(x.output_bytes, coalesce(u.output_bytes, octet_length(u.output), 0))
    FROM (SELECT (l ->> 'step_run_id')::bigint AS id, l ->> 'state' AS state, (l ->> 'exit_code')::int AS exit_code,
                 l ->> 'message' AS message, l ->> 'output' AS output, (l ->> 'output_bytes')::bigint AS output_bytes
            FROM jsonb_array_elements(_end_runs_together.entries) AS e(v) CROSS JOIN LATERAL (SELECT e.v -> 'last_step' AS l) ls) u
   WHERE x.id = u.id;
  UPDATE pgautomator.job_run x
     SET state = u.state, finished_at = greatest(x.started_at, ended),
         message = CASE WHEN octet_length(u.message) > c_message THEN pgautomator._bounded_text(u.message, c_message) ELSE u.message END
    FROM (SELECT (e ->> 'run_id')::bigint AS id, e ->> 'state' AS state, e ->> 'message' AS message
            FROM jsonb_array_elements(_end_runs_together.entries) AS e) u
   WHERE x.id = u.id;

  -- 4. What follows the ends, once for the batch: downstream starts and alerts, the counters, the event.
  PERFORM pgautomator._run_ended(run_ids);
  PERFORM pgautomator._count_ended_runs(run_ids);
  -- A progress event: sent only while someone watches (_notify_each), so not even built otherwise.
  IF watched THEN
    PERFORM pgautomator._notify_each('run_finished',
      ARRAY(SELECT jsonb_build_object('run_id', (e ->> 'run_id')::bigint, 'state', e ->> 'state')
              FROM jsonb_array_elements(_end_runs_together.entries) WITH ORDINALITY AS u(e, ord) ORDER BY u.ord));
  END IF;
  RETURN results;
END
$$;
COMMENT ON FUNCTION pgautomator._end_runs_together(jsonb) IS
  'agent_report: applies a batch made only of end_run entries with their last_step, set-based, when none is refused and none '
  'writes mail; returns the results, or NULL (nothing written) for agent_report to apply the batch entry by entry.';
REVOKE ALL ON FUNCTION pgautomator._end_runs_together(jsonb) FROM PUBLIC;

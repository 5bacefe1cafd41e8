-- What-if for bench/cost-per-run-twin.ts (PGAUTOMATOR_BENCH_REF_SQL, applied to the ref arm only):
-- agent_report's usual batch (_end_runs_together) as ONE statement of data-modifying CTEs (shape,
-- lock and check, the attempts' and the runs' UPDATE), the role check and _run_ended's probe folded
-- into it. It passes pgtap/protocol_report*.sql, protocol_give_up, metrics_counters and privileges
-- (checked on 2026-12-06), but it is a measurement, not the product: bench/README.md, session 10.
-- PGAUTOMATOR_BENCH_REF_SQL="$(cat bench/what-if/report-one-statement.sql)" npx tsx bench/cost-per-run-twin.ts HEAD
CREATE OR REPLACE FUNCTION pgautomator._end_runs_together(entries jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET enable_hashjoin = off
SET enable_mergejoin = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_output  CONSTANT bigint := pgautomator._stored_text_limit('output');
  c_message CONSTANT bigint := pgautomator._stored_text_limit('message');
  n         int := jsonb_array_length(_end_runs_together.entries);
  ended     timestamptz := clock_timestamp();
  v         record;
BEGIN
  WITH e AS (
    SELECT u.ord, u.e, u.e -> 'last_step' AS l,
           u.e ->> 'op' = 'end_run'
             AND u.e ->> 'run_id' ~ '^[0-9]{1,18}$'
             AND u.e ->> 'state' IN ('succeeded', 'failed', 'killed', 'timed_out')
             AND coalesce(jsonb_typeof(u.e -> 'finished_at'), 'null') = 'null'
             AND jsonb_typeof(u.e -> 'last_step') = 'object'
             AND u.e -> 'last_step' ->> 'step_run_id' ~ '^[0-9]{1,18}$'
             AND u.e -> 'last_step' ->> 'state' IN ('succeeded', 'failed', 'killed', 'timed_out')
             AND coalesce(u.e -> 'last_step' ->> 'exit_code' ~ '^-?[0-9]{1,9}$', true)
             AND coalesce(u.e -> 'last_step' ->> 'output_bytes' ~ '^[0-9]{1,18}$', true) AS plain
      FROM jsonb_array_elements(_end_runs_together.entries) WITH ORDINALITY AS u(e, ord)
  ), ids AS (
    -- Each entry's ids, cast only where its own shape is right (NULL joins nothing).
    SELECT e.*, CASE WHEN e.plain THEN (e.e ->> 'run_id')::bigint END AS run_id,
           CASE WHEN e.plain THEN (e.l ->> 'step_run_id')::bigint END AS step_run_id
      FROM e
  ), shape AS (
    SELECT coalesce(bool_and(e.plain), false) AS plain, jsonb_agg('{"ok": true}'::jsonb) AS results FROM e
  ), x AS (
    SELECT e.ord, e.e, e.l, r.id AS run_id, s.id AS step_run_id, r.agent_id, a.name AS agent_name, a.db_role AS agent_role,
           r.state = 'running' AND r.kill_requested_at IS NULL AND s.state = 'running' AND r.agent_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM pgautomator.step_run o WHERE o.job_run_id = r.id AND o.state = 'running' AND o.id <> s.id)
             AND NOT (CASE WHEN e.e ->> 'state' = 'succeeded' THEN 'success' ELSE 'failure' END = ANY (j.email_on) OR 'completion' = ANY (j.email_on))
             AND NOT coalesce(CASE WHEN e.l ->> 'state' = 'succeeded' THEN 'success' ELSE 'failure' END = ANY (st.email_on)
                              OR 'completion' = ANY (st.email_on), false) AS fine,
           EXISTS (SELECT 1 FROM pgautomator.job_trigger t WHERE t.after_job_id = r.job_id)
             OR EXISTS (SELECT 1 FROM pgautomator.alert al WHERE al.job_run_id = r.id AND al.kind = 'duration' AND al.cleared_at IS NULL)
             OR (e.e ->> 'state' = 'succeeded'
                 AND EXISTS (SELECT 1 FROM pgautomator.alert al WHERE al.job_id = r.job_id AND al.kind = 'freshness' AND al.cleared_at IS NULL)) AS follows
      FROM ids e
      JOIN pgautomator.job_run r ON r.id = e.run_id
      JOIN pgautomator.step_run s ON s.id = e.step_run_id AND s.job_run_id = r.id
      JOIN pgautomator.job j ON j.id = r.job_id
      LEFT JOIN pgautomator.step st ON st.id = s.step_id
      LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
     ORDER BY e.ord
       FOR UPDATE OF r, s
  ), verdict AS (
    SELECT count(*) = n AND coalesce(bool_and(x.fine), false) AND count(DISTINCT x.run_id) = count(*) AND count(DISTINCT x.step_run_id) = count(*)
             AND count(DISTINCT x.agent_id) = 1 AS fits,
           min(x.agent_name) AS agent_name, min(x.agent_role) AS agent_role,
           coalesce(bool_or(x.follows), false) AS follows, array_agg(x.run_id ORDER BY x.ord) AS run_ids
      FROM x
  ), allowed AS (
    SELECT vd.*, vd.fits AND (vd.agent_role = pgautomator._caller() OR pgautomator._caller_is_admin()) AS go FROM verdict vd
  ), s_upd AS (
    UPDATE pgautomator.step_run y
       SET state = x.l ->> 'state', finished_at = greatest(y.started_at, ended), exit_code = (x.l ->> 'exit_code')::int,
           message = CASE WHEN octet_length(x.l ->> 'message') > c_message THEN pgautomator._bounded_text(x.l ->> 'message', c_message) ELSE x.l ->> 'message' END,
           output = CASE WHEN octet_length(x.l ->> 'output') > c_output THEN pgautomator._bounded_text(x.l ->> 'output', c_output) ELSE nullif(x.l ->> 'output', '') END,
           output_bytes = greatest(y.output_bytes, coalesce((x.l ->> 'output_bytes')::bigint, octet_length(x.l ->> 'output'), 0))
      FROM x, allowed
     WHERE allowed.go AND y.id = x.step_run_id
    RETURNING y.id
  ), r_upd AS (
    UPDATE pgautomator.job_run y
       SET state = x.e ->> 'state', finished_at = greatest(y.started_at, ended),
           message = CASE WHEN octet_length(x.e ->> 'message') > c_message THEN pgautomator._bounded_text(x.e ->> 'message', c_message) ELSE x.e ->> 'message' END
      FROM x, allowed
     WHERE allowed.go AND y.id = x.run_id
    RETURNING y.id
  )
  SELECT allowed.fits, allowed.go, allowed.agent_name, allowed.agent_role, allowed.follows, allowed.run_ids, shape.plain, shape.results,
         pgautomator._events_watched() AS watched, (SELECT count(*) FROM s_upd) + (SELECT count(*) FROM r_upd) AS written
    INTO v
    FROM allowed, shape;
  IF NOT v.plain OR NOT v.fits THEN
    RETURN NULL;
  END IF;
  IF NOT v.go THEN
    PERFORM pgautomator._check_agent_role(v.agent_name, v.agent_role);  -- raises PA040
  END IF;
  IF v.follows THEN
    PERFORM pgautomator._run_ended(v.run_ids);
  END IF;
  PERFORM pgautomator._count_ended_runs(v.run_ids);
  IF v.watched THEN
    PERFORM pgautomator._notify_each('run_finished',
      ARRAY(SELECT jsonb_build_object('run_id', (e ->> 'run_id')::bigint, 'state', e ->> 'state')
              FROM jsonb_array_elements(_end_runs_together.entries) WITH ORDINALITY AS u(e, ord) ORDER BY u.ord));
  END IF;
  RETURN v.results;
END
$$;

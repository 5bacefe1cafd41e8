-- agent_report's batch of run ends (end_run with last_step, the usual report of short runs) is
-- applied set-based by _end_runs_together. It must write exactly what the entry-by-entry path
-- writes (_apply_report_entry, then _count_ended_runs: agent_report's general path), and leave to
-- that path every batch it would treat apart: a refused entry, a kill requested, a value its casts
-- refuse, mail to write, another role's agent (refused as a whole).
-- The two paths are compared on twin jobs: each entry is applied to a run of bt_fast through
-- agent_report and to the matching run of bt_slow through the general path's body.
BEGIN;
SELECT plan(27);

SET LOCAL TimeZone = 'UTC';
SET LOCAL track_functions = 'pl';
CREATE ROLE pgat_batch_a; CREATE ROLE pgat_batch_b;
GRANT pgautomator_agent TO pgat_batch_a, pgat_batch_b;
CREATE FUNCTION pg_temp.calls(f text) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce((SELECT s.calls FROM pg_stat_xact_user_functions s WHERE s.schemaname = 'pgautomator' AND s.funcname = f), 0) $$;

SELECT pgautomator.create_job(j, overlap => 'allow') FROM unnest(ARRAY['bt_fast', 'bt_slow', 'bt_mail']) j;
SELECT pgautomator.add_step(j, 'only', 'shell', 'true') FROM unnest(ARRAY['bt_fast', 'bt_slow', 'bt_mail']) j;
SELECT pgautomator.set_job_email('bt_mail', '{success}', '{ops@example.com}');
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.register_agent('batcher', max_concurrent => 100) IS NOT NULL AS registered;
RESET ROLE;

-- Runs claimed with their first attempt begun; :'runs' maps each run to its attempt.
CREATE TEMP TABLE claimed (job text, k int, run_id bigint, step_run_id bigint);
CREATE FUNCTION pg_temp.start_and_claim(job text, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p jsonb;
  k int := 0;
BEGIN
  PERFORM pgautomator.start_job(job) FROM generate_series(1, n);
  FOR p IN SELECT x FROM pgautomator._claim_runs('batcher', n) x ORDER BY (x ->> 'run_id')::bigint LOOP
    k := k + 1;
    INSERT INTO claimed VALUES (job, k, (p ->> 'run_id')::bigint, (p -> 'begun' ->> 'step_run_id')::bigint);
  END LOOP;
END $$;
SELECT pg_temp.start_and_claim('bt_fast', 4);
SELECT pg_temp.start_and_claim('bt_slow', 4);
SELECT is((SELECT count(*)::int FROM claimed WHERE step_run_id IS NOT NULL), 8, 'eight runs claimed, each with its attempt begun');

-- The entries for one job's runs: every shape the fast path takes (outputs, none, a message past
-- the 64 kB bound, a failure with its exit code, killed without a kill request, no exit code).
CREATE FUNCTION pg_temp.entries(job text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_agg(jsonb_build_object('op', 'end_run', 'run_id', c.run_id, 'state', v.run_state, 'message', v.run_message,
                                      'last_step', jsonb_build_object('step_run_id', c.step_run_id, 'state', v.step_state,
                                                                      'exit_code', v.exit_code, 'message', v.step_message,
                                                                      'output', v.output, 'output_bytes', v.output_bytes)) ORDER BY c.k)
    FROM claimed c
    JOIN (VALUES (1, 'succeeded', NULL, 'succeeded', 0, NULL, E'hello\n', 6),
                 (2, 'succeeded', NULL, 'succeeded', 0, NULL, '', 0),
                 (3, 'failed', repeat('m', 70000), 'failed', 3, 'exit code 3', repeat('o', 10), NULL),
                 (4, 'killed', 'stopped by hand', 'killed', NULL, 'signal 9', NULL, NULL))
         AS v(k, run_state, run_message, step_state, exit_code, step_message, output, output_bytes) ON v.k = c.k
   WHERE c.job = entries.job $$;

-- 1. bt_fast through agent_report: applied together.
SELECT pg_temp.calls('_finish_run') AS finish_before, pg_temp.calls('_end_runs_together') AS together_before, pg_temp.entries('bt_fast') AS fast_entries \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(:'fast_entries') AS fast \gset
RESET ROLE;
SELECT is(:'fast'::jsonb, '[{"ok": true}, {"ok": true}, {"ok": true}, {"ok": true}]'::jsonb, 'every entry answered ok');
SELECT is(pg_temp.calls('_end_runs_together') - :together_before, 1::bigint, 'the batch went to _end_runs_together');
SELECT is(pg_temp.calls('_finish_run') - :finish_before, 0::bigint, 'and no entry through _finish_run');

-- 2. bt_slow through the general path's body, entry by entry.
SELECT pgautomator._apply_report_entry(e, NULL) FROM jsonb_array_elements(pg_temp.entries('bt_slow')) e;
SELECT pgautomator._count_ended_runs(array_agg(run_id)) FROM claimed WHERE job = 'bt_slow';

-- 3. The same rows.
CREATE FUNCTION pg_temp.outcome(job text) RETURNS TABLE (k int, run_state text, run_message text, run_ended boolean,
  step_state text, exit_code int, step_message text, output text, output_bytes bigint, step_ended boolean, attempts bigint)
LANGUAGE sql AS $$
  SELECT c.k, r.state, r.message, r.finished_at >= r.started_at, s.state, s.exit_code, s.message, s.output, s.output_bytes,
         s.finished_at BETWEEN s.started_at AND r.finished_at, (SELECT count(*) FROM pgautomator.step_run o WHERE o.job_run_id = r.id)
    FROM claimed c JOIN pgautomator.job_run r ON r.id = c.run_id JOIN pgautomator.step_run s ON s.id = c.step_run_id
   WHERE c.job = outcome.job $$;
SELECT results_eq($$SELECT * FROM pg_temp.outcome('bt_fast') ORDER BY k$$, $$SELECT * FROM pg_temp.outcome('bt_slow') ORDER BY k$$,
                  'runs and attempts recorded as the entry-by-entry path records them');
SELECT is((SELECT octet_length(run_message) FROM pg_temp.outcome('bt_fast') WHERE k = 3) <= 65536, true, 'a long run message is bounded');
SELECT is((SELECT output FROM pg_temp.outcome('bt_fast') WHERE k = 2), NULL, 'no output is stored as NULL');
-- The counters each job's own runs call for (an oracle written from the histograms' definition,
-- not from either path). Not one path against the other: the twins' latenesses and durations differ
-- by when each was claimed and ended within this transaction, and fell in different buckets
-- whenever the machine was slow enough to cross a bound (0.1 s of lateness).
CREATE FUNCTION pg_temp.counts_of_rows(job text) RETURNS TABLE (state text, runs bigint)
LANGUAGE sql AS $$
  SELECT r.state, count(*) FROM pgautomator.job_run r
   WHERE r.job_id = pgautomator._job_id(job) AND r.finished_at IS NOT NULL
   GROUP BY r.state $$;
-- And the histograms (over all jobs) every ended run that started calls for.
CREATE FUNCTION pg_temp.histograms_of_rows() RETURNS TABLE (kind text, buckets bigint[])
LANGUAGE sql AS $$
  SELECT k.kind,
         ARRAY(SELECT count(*) FILTER (WHERE width_bucket(CASE k.kind WHEN 'duration' THEN date_part('epoch', x.finished_at - x.started_at)
                                                                   ELSE greatest(date_part('epoch', x.started_at - x.scheduled_for), 0) END,
                                                     pgautomator._run_histogram_bounds(k.kind)) + 1 = b)
                 FROM generate_series(1, cardinality(pgautomator._run_histogram_bounds(k.kind)) + 1) b
                 LEFT JOIN pgautomator.job_run x ON x.finished_at IS NOT NULL AND x.started_at IS NOT NULL
                GROUP BY b ORDER BY b)
    FROM (VALUES ('duration'), ('lateness')) AS k(kind) $$;
SELECT pgautomator._fold_run_counts() > 0 AS folded;
SELECT results_eq($$SELECT j, c.state, c.runs FROM unnest(ARRAY['bt_fast', 'bt_slow']) j
                      JOIN pgautomator.run_count c ON c.job_id = pgautomator._job_id(j) ORDER BY j, c.state$$,
                  $$SELECT j, x.* FROM unnest(ARRAY['bt_fast', 'bt_slow']) j CROSS JOIN LATERAL pg_temp.counts_of_rows(j) x ORDER BY j, x.state$$,
                  'counted as the entry-by-entry path counts them: each job as its runs call for');
SELECT is((SELECT sum(runs) FROM pgautomator.run_count WHERE job_id = pgautomator._job_id('bt_fast')), 4::numeric, 'each run counted once');

-- 4. A second batch of the same jobs adds to the counter rows already there.
DELETE FROM claimed;
SELECT pg_temp.start_and_claim('bt_fast', 2);
SELECT jsonb_agg(jsonb_build_object('op', 'end_run', 'run_id', c.run_id, 'state', 'succeeded',
         'last_step', jsonb_build_object('step_run_id', c.step_run_id, 'state', 'succeeded', 'exit_code', 0))) AS more_entries
  FROM claimed c \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(:'more_entries');
RESET ROLE;
SELECT pgautomator._fold_run_counts() > 0 AS folded;
SELECT is((SELECT runs FROM pgautomator.run_count WHERE job_id = pgautomator._job_id('bt_fast') AND state = 'succeeded'), 4::bigint,
          'two more successes: 2 + 2');
SELECT results_eq($$SELECT h.kind, h.buckets FROM pgautomator.run_histogram h ORDER BY h.kind$$,
                  $$SELECT * FROM pg_temp.histograms_of_rows() ORDER BY kind$$,
                  'each added to its bucket of each histogram');

-- 5. A batch with a refused entry (a run that ended already) goes entry by entry: the others end.
DELETE FROM claimed;
SELECT pg_temp.start_and_claim('bt_slow', 3);
SELECT run_id AS done_run, step_run_id AS done_sr FROM claimed WHERE k = 1 \gset
SELECT run_id AS kill_run, step_run_id AS kill_sr FROM claimed WHERE k = 2 \gset
SELECT run_id AS bad_run, step_run_id AS bad_sr FROM claimed WHERE k = 3 \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :done_run, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :done_sr, 'state', 'succeeded'))));
RESET ROLE;
SELECT pgautomator.kill_run(:kill_run);
SELECT pg_temp.calls('_finish_run') AS finish_before \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'end_run', 'run_id', :kill_run, 'state', 'succeeded', 'last_step', jsonb_build_object('step_run_id', :kill_sr, 'state', 'succeeded')),
  jsonb_build_object('op', 'end_run', 'run_id', :bad_run, 'state', 'succeeded', 'last_step', jsonb_build_object('step_run_id', :bad_sr, 'state', 'succeeded', 'exit_code', 1.5)),
  jsonb_build_object('op', 'end_run', 'run_id', :done_run, 'state', 'failed', 'last_step', jsonb_build_object('step_run_id', :done_sr, 'state', 'failed'))
)) AS mixed \gset
RESET ROLE;
SELECT cmp_ok(pg_temp.calls('_finish_run') - :finish_before, '>', 0::bigint, 'a batch with a kill requested goes entry by entry');
SELECT is((SELECT state || '/' || message FROM pgautomator.job_run WHERE id = :kill_run) LIKE 'killed/kill requested by %', true,
          'the run someone asked to kill ends killed, as end_run records it');
SELECT is(:'mixed'::jsonb -> 1 ->> 'code', '22P02', 'an exit code that is no integer: refused for that entry');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :bad_run), 'running', 'that run stays running');
SELECT is(:'mixed'::jsonb -> 2 ->> 'code', 'PA030', 'an end of a run that ended otherwise already: refused for that entry');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :done_run), 'succeeded', 'the run ended already keeps its outcome');

-- 6. Mail wanted for the end: entry by entry (_end_attempt and _finish_run write it).
DELETE FROM claimed;
SELECT pg_temp.start_and_claim('bt_mail', 1);
SELECT run_id AS mail_run, step_run_id AS mail_sr FROM claimed \gset
SELECT count(*) AS mail_before FROM pgautomator.notification \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :mail_run, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :mail_sr, 'state', 'succeeded')))) AS mailed \gset
RESET ROLE;
SELECT is(:'mailed'::jsonb, '[{"ok": true}]'::jsonb, 'a run of a job that mails on success ends');
SELECT is((SELECT count(*) FROM pgautomator.notification) - :mail_before, 1::bigint, 'with its mail written');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :mail_run), 'succeeded', 'and its outcome');

-- 7. Another role's agent: refused as a whole, nothing written.
DELETE FROM claimed;
SELECT pg_temp.start_and_claim('bt_fast', 1);
SELECT run_id AS a_run, step_run_id AS a_sr FROM claimed \gset
SELECT throws_ok(format($$SET LOCAL ROLE pgat_batch_b; SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', %s, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', %s, 'state', 'succeeded'))))$$, :a_run, :a_sr), 'PA040', NULL, 'role b cannot end agent a''s runs in a batch');
RESET ROLE;
SELECT is((SELECT r.state || '/' || s.state FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.id WHERE r.id = :a_run),
          'running/running', 'the run and its attempt are untouched');

-- 8. The same run twice in one batch: entry by entry (the second is a repeat of the first).
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'end_run', 'run_id', :a_run, 'state', 'succeeded', 'last_step', jsonb_build_object('step_run_id', :a_sr, 'state', 'succeeded')),
  jsonb_build_object('op', 'end_run', 'run_id', :a_run, 'state', 'succeeded', 'last_step', jsonb_build_object('step_run_id', :a_sr, 'state', 'succeeded'))
)) AS twice \gset
RESET ROLE;
SELECT is(:'twice'::jsonb -> 0, '{"ok": true}'::jsonb, 'the first end is applied');
SELECT is((:'twice'::jsonb -> 1 ->> 'repeat')::boolean, true, 'the second answered as a repeat');
SELECT pgautomator._fold_run_counts() > 0 AS folded;
SELECT is((SELECT sum(runs) FROM pgautomator.run_count WHERE job_id = pgautomator._job_id('bt_fast')), 7::numeric, 'and the run counted once (4 + 2 + 1)');

-- 9. Another attempt of the run left open (as a crashed agent's begin may leave one): entry by
--    entry, which ends it with the run.
DELETE FROM claimed;
SELECT pg_temp.start_and_claim('bt_fast', 1);
SELECT run_id AS o_run, step_run_id AS o_sr FROM claimed \gset
INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id)
SELECT job_run_id, step_id, position, step_name, 2, agent_id FROM pgautomator.step_run WHERE id = :o_sr RETURNING id AS open_sr \gset
SET LOCAL ROLE pgat_batch_a;
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :o_run, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :o_sr, 'state', 'succeeded')))) AS open_left \gset
RESET ROLE;
SELECT is(:'open_left'::jsonb, '[{"ok": true}]'::jsonb, 'a run with another attempt open ends');
SELECT is((SELECT state || '/' || message FROM pgautomator.step_run WHERE id = :open_sr), 'failed/the run ended (succeeded) while the step was running',
          'and that attempt ends with it');

SELECT * FROM finish();
ROLLBACK;

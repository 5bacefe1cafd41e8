-- agent_report: many protocol reports in one call and one transaction. Each entry behaves like
-- its single function; a refused entry does not undo the others; a malformed batch writes nothing;
-- a foreign agent's runs are refused as a whole. begin_step is idempotent while its attempt runs.
BEGIN;
SELECT plan(44);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_report_a; CREATE ROLE pgat_report_b;
GRANT pgautomator_agent TO pgat_report_a, pgat_report_b;

SELECT pgautomator.create_job('batch_job', overlap => 'allow');
SELECT pgautomator.add_step('batch_job', 'one', 'shell', 'true');
SELECT pgautomator.add_step('batch_job', 'two', 'shell', 'true');
SELECT id AS s1 FROM pgautomator.step WHERE job_id = pgautomator._job_id('batch_job') AND name = 'one' \gset
SELECT id AS s2 FROM pgautomator.step WHERE job_id = pgautomator._job_id('batch_job') AND name = 'two' \gset
SET LOCAL ROLE pgat_report_a;
SELECT pgautomator.register_agent('reporter', max_concurrent => 10) IS NOT NULL AS registered;
RESET ROLE;
SELECT pgautomator.start_job('batch_job') AS r1 \gset
SELECT pgautomator.start_job('batch_job') AS r2 \gset
SELECT pgautomator.start_job('batch_job') AS r3 \gset
SET LOCAL ROLE pgat_report_a;
SELECT count(*) AS claimed FROM pgautomator.claim_runs('reporter', 3) \gset
RESET ROLE;
SELECT is(:claimed::int, 3, 'three runs claimed');

-- 1. Begins of three runs in one call.
SET LOCAL ROLE pgat_report_a;
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'begin_step', 'run_id', :r1, 'step_id', :s1, 'attempt', 1),
  jsonb_build_object('op', 'begin_step', 'run_id', :r2, 'step_id', :s1),
  jsonb_build_object('op', 'begin_step', 'run_id', :r3, 'step_id', :s1, 'attempt', 1))) AS begun \gset
RESET ROLE;
SELECT is(jsonb_array_length(:'begun'::jsonb), 3, 'one result per entry');
SELECT ok((SELECT bool_and((x ->> 'ok')::boolean) FROM jsonb_array_elements(:'begun'::jsonb) x), 'all three begun');
SELECT is((SELECT array_agg((x ->> 'step_run_id')::bigint ORDER BY 1) FROM jsonb_array_elements(:'begun'::jsonb) x),
          (SELECT array_agg(id ORDER BY id) FROM pgautomator.step_run WHERE job_run_id IN (:r1, :r2, :r3)), 'each answer carries its step_run id');
SELECT (:'begun'::jsonb -> 0 ->> 'step_run_id')::bigint AS sr1, (:'begun'::jsonb -> 1 ->> 'step_run_id')::bigint AS sr2,
       (:'begun'::jsonb -> 2 ->> 'step_run_id')::bigint AS sr3 \gset

-- 2. begin_step again for a running attempt: the same step run (a retried call), nothing new.
SET LOCAL ROLE pgat_report_a;
SELECT is(pgautomator.begin_step(:r1, :s1, 1), :sr1::bigint, 'begin_step of a running attempt returns its step run');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM pgautomator.step_run WHERE job_run_id = :r1), 1, 'and writes no second attempt');

-- 3. Output, ends, a refused entry in the middle: the others are kept.
SELECT pgautomator._fold_run_counts() >= 0 AS folded;
SELECT coalesce(sum(c.runs), 0) AS counted_before FROM pgautomator.run_count c JOIN pgautomator.job j ON j.id = c.job_id
 WHERE j.name = 'batch_job' \gset
SET LOCAL ROLE pgat_report_a;
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'log_step', 'step_run_id', :sr1, 'chunk', E'hello\n', 'stream', 'stdout'),
  jsonb_build_object('op', 'end_step', 'step_run_id', :sr1, 'state', 'succeeded', 'exit_code', 0, 'output', E'hello\n', 'output_bytes', 6),
  jsonb_build_object('op', 'end_run', 'run_id', :r1, 'state', 'succeeded'),
  jsonb_build_object('op', 'end_step', 'step_run_id', :sr1, 'state', 'succeeded'),
  jsonb_build_object('op', 'end_step', 'step_run_id', :sr2, 'state', 'failed', 'exit_code', 3, 'message', 'exit code 3'),
  jsonb_build_object('op', 'end_run', 'run_id', :r2, 'state', 'bogus'),
  jsonb_build_object('op', 'end_run', 'run_id', :r2, 'state', 'failed', 'message', 'step 1 failed'))) AS ended \gset
RESET ROLE;
SELECT is((SELECT array_agg(x ->> 'ok' ORDER BY n) FROM jsonb_array_elements(:'ended'::jsonb) WITH ORDINALITY AS e(x, n)),
          '{true,true,true,false,true,false,true}'::text[], 'each entry answered in order');
SELECT is(:'ended'::jsonb -> 3 ->> 'code', 'PA030', 'ending a step twice: PA030 for that entry');
SELECT ok(:'ended'::jsonb -> 3 ->> 'message' LIKE '%not running%', 'with the single function''s message');
SELECT is(:'ended'::jsonb -> 5 ->> 'code', 'PA002', 'a bad state: PA002 for that entry');
SELECT is(:'ended'::jsonb -> 5 ->> 'detail', 'field: state', 'naming the field');
SELECT is((SELECT state || '/' || exit_code || '/' || output FROM pgautomator.step_run WHERE id = :sr1), E'succeeded/0/hello\n', 'step 1 of run 1 recorded');
SELECT is((SELECT string_agg(chunk, '') FROM pgautomator.step_log WHERE step_run_id = :sr1), E'hello\n', 'its output logged');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'succeeded', 'run 1 succeeded');
SELECT is((SELECT state || '/' || message FROM pgautomator.job_run WHERE id = :r2), 'failed/step 1 failed', 'run 2 failed, after the refused entry');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sr2), 'failed', 'its step failed');
-- The batch is first applied in one subtransaction; a refused entry undoes it and it is applied
-- again entry by entry: what the first pass wrote must not stay twice.
SELECT pgautomator._fold_run_counts() > 0 AS folded;
SELECT is((SELECT sum(c.runs) - :counted_before FROM pgautomator.run_count c JOIN pgautomator.job j ON j.id = c.job_id WHERE j.name = 'batch_job'),
          2::numeric, 'the two ended runs are counted once each');

-- 3b. end_run carrying the last attempt's end: both or neither.
SELECT pgautomator.start_job('batch_job') AS r4 \gset
SET LOCAL ROLE pgat_report_a;
SELECT count(*) AS claimed4 FROM pgautomator.claim_runs('reporter', 1) \gset
SELECT pgautomator.begin_step(:r4, :s1) AS sr4 \gset
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :r4, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :sr4, 'state', 'succeeded', 'exit_code', 0, 'output', 'done', 'output_bytes', 4)))) AS together \gset
RESET ROLE;
SELECT is(:'together'::jsonb, '[{"ok": true}]'::jsonb, 'end_run with last_step answers ok');
SELECT is((SELECT r.state || '/' || s.state || '/' || s.output FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.id WHERE r.id = :r4),
          'succeeded/succeeded/done', 'the run and its last attempt ended together');
SET LOCAL ROLE pgat_report_a;
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :r3, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :sr1, 'state', 'succeeded')))) AS refused \gset
RESET ROLE;
SELECT is(:'refused'::jsonb -> 0 ->> 'code', 'PA030', 'a last_step that cannot end (it ended already) refuses the entry');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r3), 'running', 'and the run does not end without it');
SELECT pgautomator.start_job('batch_job') AS r5 \gset
SET LOCAL ROLE pgat_report_a;
SELECT count(*) AS claimed5 FROM pgautomator.claim_runs('reporter', 1) \gset
SELECT pgautomator.begin_step(:r5, :s1) AS sr5 \gset
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :r3, 'state', 'succeeded',
  'last_step', jsonb_build_object('step_run_id', :sr5, 'state', 'succeeded')))) AS foreign_step \gset
RESET ROLE;
SELECT is(:'foreign_step'::jsonb -> 0 ->> 'detail', 'field: last_step.step_run_id', 'a last_step of another run is refused, naming the field');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sr5), 'running', 'and that other attempt is untouched');

-- 3c. A result replayed from the agent's spool keeps the time it ended (within start and now).
SELECT pgautomator.start_job('batch_job') AS r6 \gset
SET LOCAL ROLE pgat_report_a;
SELECT count(*) AS claimed6 FROM pgautomator.claim_runs('reporter', 1) \gset
SELECT pgautomator.begin_step(:r6, :s1) AS sr6 \gset
SELECT pg_sleep(0.01);
SELECT pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :r6, 'state', 'succeeded', 'finished_at', '2000-01-01T00:00:00Z',
  'last_step', jsonb_build_object('step_run_id', :sr6, 'state', 'succeeded')))) AS replayed \gset
RESET ROLE;
SELECT is((SELECT finished_at = started_at FROM pgautomator.job_run WHERE id = :r6), true, 'finished_at before the start is recorded as the start');
SELECT is((SELECT finished_at = started_at FROM pgautomator.step_run WHERE id = :sr6), true, 'likewise for its last attempt');
SELECT ok((SELECT finished_at < clock_timestamp() - interval '5 ms' FROM pgautomator.job_run WHERE id = :r6), 'not the time of the report');

-- 4. A malformed batch writes nothing.
SELECT throws_ok(format($$SET LOCAL ROLE pgat_report_a; SELECT pgautomator.agent_report('[{"op": "end_step", "step_run_id": %s, "state": "succeeded"}, {"op": "explode"}]')$$, :sr3),
                 'PA002', NULL, 'an unknown op refuses the batch');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sr3), 'running', 'and its valid entries were not written');
SELECT throws_ok($$SELECT pgautomator.agent_report('{"op": "end_run"}')$$, 'PA002', 'entries must be a JSON array, got object', 'entries must be an array');
SELECT throws_ok(format($$SELECT pgautomator.agent_report((SELECT jsonb_agg(jsonb_build_object('op', 'log_step', 'step_run_id', %s, 'chunk', 'x')) FROM generate_series(1, 65)))$$, :sr3),
                 'PA002', NULL, 'more than 64 entries are refused');

-- 5. Another agent's role is refused as a whole.
SELECT throws_ok(format($$SET LOCAL ROLE pgat_report_b; SELECT pgautomator.agent_report('[{"op": "end_run", "run_id": %s, "state": "succeeded"}]')$$, :r3),
                 'PA040', NULL, 'role b cannot report on agent a''s runs');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r3), 'running', 'run 3 still running');
SELECT is(pgautomator.agent_report('[]'), '[]'::jsonb, 'an empty report answers an empty array');

-- 5b. The caller is checked against each agent: an entry that passed for the caller's own agent does
--     not let a later entry about another agent's run through (nor an end_step of its attempt).
SET LOCAL ROLE pgat_report_b;
SELECT pgautomator.register_agent('reporter-b', max_concurrent => 10) IS NOT NULL AS registered_b;
RESET ROLE;
SELECT pgautomator.start_job('batch_job') AS rb \gset
SET LOCAL ROLE pgat_report_b;
SELECT count(*) AS claimed_b FROM pgautomator.claim_runs('reporter-b', 1) \gset
RESET ROLE;
SELECT is((SELECT a.name FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE r.id = :rb), 'reporter-b', 'role b''s agent runs a run');
SELECT throws_ok(format($$SET LOCAL ROLE pgat_report_b; SELECT pgautomator.agent_report('[{"op": "begin_step", "run_id": %s, "step_id": %s}, {"op": "end_run", "run_id": %s, "state": "succeeded"}]')$$,
                        :rb, :s1, :r3),
                 'PA040', NULL, 'after an entry of its own agent, role b still cannot end agent a''s run');
SELECT throws_ok(format($$SET LOCAL ROLE pgat_report_b; SELECT pgautomator.agent_report('[{"op": "begin_step", "run_id": %s, "step_id": %s}, {"op": "end_step", "step_run_id": %s, "state": "succeeded"}]')$$,
                        :rb, :s1, :sr3),
                 'PA040', NULL, 'nor end agent a''s step');
SELECT is((SELECT count(*)::int FROM pgautomator.step_run WHERE job_run_id = :rb), 1, 'and its own entry was not kept (only the attempt its claim began): the call is refused whole');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sr3), 'running', 'agent a''s step still running');

-- 6. Mail through agent_report, as through the single functions: the job's start mail at the claim
--    (only for the job that asks for it), the step's mail at its end, the job's at the run's end.
SELECT pgautomator.create_job('mail_on', overlap => 'allow');
SELECT pgautomator.add_step('mail_on', 'one', 'shell', 'true');
SELECT pgautomator.set_job_email('mail_on', '{start,completion}', '{boss@example.com}');
SELECT pgautomator.set_step_email('mail_on', 'one', '{failure}', '{oncall@example.com}');
SELECT pgautomator.create_job('mail_off');
SELECT pgautomator.add_step('mail_off', 'one', 'shell', 'true');
SELECT id AS s_on FROM pgautomator.step WHERE job_id = pgautomator._job_id('mail_on') \gset
SELECT id AS s_off FROM pgautomator.step WHERE job_id = pgautomator._job_id('mail_off') \gset
SELECT pgautomator.start_job('mail_on') AS m_fail \gset
SELECT pgautomator.start_job('mail_on') AS m_ok \gset
SELECT pgautomator.start_job('mail_off') AS m_off \gset
SET LOCAL ROLE pgat_report_a;
SELECT count(*) AS claimed_m FROM pgautomator.claim_runs('reporter', 3) \gset
RESET ROLE;
SELECT is(:claimed_m::int, 3, 'three runs claimed together');
SELECT is((SELECT array_agg(n.job_run_id ORDER BY n.job_run_id) FROM pgautomator.notification n WHERE n.event = 'start'),
          ARRAY[:m_fail, :m_ok]::bigint[], 'start mail for the two runs of the job that asks for it, none for the other');
SET LOCAL ROLE pgat_report_a;
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'begin_step', 'run_id', :m_fail, 'step_id', :s_on),
  jsonb_build_object('op', 'begin_step', 'run_id', :m_ok, 'step_id', :s_on),
  jsonb_build_object('op', 'begin_step', 'run_id', :m_off, 'step_id', :s_off))) AS mbegun \gset
SELECT pgautomator.agent_report(jsonb_build_array(
  jsonb_build_object('op', 'end_run', 'run_id', :m_fail, 'state', 'failed', 'message', 'step one failed',
    'last_step', jsonb_build_object('step_run_id', (:'mbegun'::jsonb -> 0 ->> 'step_run_id')::bigint, 'state', 'failed', 'exit_code', 1, 'output', 'boom')),
  jsonb_build_object('op', 'end_run', 'run_id', :m_ok, 'state', 'succeeded',
    'last_step', jsonb_build_object('step_run_id', (:'mbegun'::jsonb -> 1 ->> 'step_run_id')::bigint, 'state', 'succeeded', 'exit_code', 0)),
  jsonb_build_object('op', 'end_run', 'run_id', :m_off, 'state', 'failed',
    'last_step', jsonb_build_object('step_run_id', (:'mbegun'::jsonb -> 2 ->> 'step_run_id')::bigint, 'state', 'failed', 'exit_code', 1)))) AS mended \gset
RESET ROLE;
SELECT is(:'mended'::jsonb, '[{"ok": true}, {"ok": true}, {"ok": true}]'::jsonb, 'the three runs ended');
SELECT is((SELECT array_agg(n.step_run_id || ':' || n.event || ':' || array_to_string(n.recipients, ',') ORDER BY n.id) FROM pgautomator.notification n WHERE n.step_run_id IS NOT NULL),
          ARRAY[(:'mbegun'::jsonb -> 0 ->> 'step_run_id') || ':failure:oncall@example.com'],
          'step mail for the failed attempt only: the succeeded one and the other job''s ask for none');
SELECT is((SELECT array_agg(n.job_run_id || ':' || n.event ORDER BY n.job_run_id) FROM pgautomator.notification n WHERE n.step_run_id IS NULL AND n.event <> 'start'),
          ARRAY[:m_fail || ':completion', :m_ok || ':completion'], 'completion mail for both runs of the job that asks for it, none for the other');
SELECT ok((SELECT n.body LIKE '%step one failed%' AND n.body LIKE '%boom%' FROM pgautomator.notification n WHERE n.job_run_id = :m_fail AND n.event = 'completion'),
          'the run''s mail quotes its message and its last attempt''s output');

SELECT * FROM finish();
ROLLBACK;

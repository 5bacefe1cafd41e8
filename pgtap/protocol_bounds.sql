-- What one attempt may store: log_step keeps at most 1 MB per step run (the part of a chunk that
-- fits, cut between characters), counting all; end_step keeps at most 1 MB of final output and
-- 64 kB of message (head and tail); begin_step takes only the step's next attempt number, and a run
-- at most 1,000 attempts.
BEGIN;
SELECT plan(27);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator.create_job('bound_job', overlap => 'allow');
SELECT pgautomator.add_step('bound_job', 'one', 'shell', 'true');
SELECT pgautomator.add_step('bound_job', 'two', 'shell', 'true');
SELECT id AS s1 FROM pgautomator.step WHERE job_id = pgautomator._job_id('bound_job') AND name = 'one' \gset
SELECT id AS s2 FROM pgautomator.step WHERE job_id = pgautomator._job_id('bound_job') AND name = 'two' \gset
SELECT pgautomator.register_agent('bounder', max_concurrent => 10) IS NOT NULL AS registered;
SELECT pgautomator.start_job('bound_job') FROM generate_series(1, 4);
CREATE TEMP TABLE claimed AS SELECT (x ->> 'run_id')::bigint AS run_id, (x #>> '{begun,step_run_id}')::bigint AS sr FROM pgautomator.claim_runs('bounder', 4) x;
SELECT run_id AS r1, sr AS a1 FROM claimed ORDER BY run_id LIMIT 1 \gset
SELECT run_id AS r2, sr AS a2 FROM claimed ORDER BY run_id OFFSET 1 LIMIT 1 \gset
SELECT run_id AS r3, sr AS a3 FROM claimed ORDER BY run_id OFFSET 2 LIMIT 1 \gset
SELECT run_id AS r4, sr AS a4 FROM claimed ORDER BY run_id OFFSET 3 LIMIT 1 \gset
CREATE FUNCTION pg_temp.stored(sr bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(octet_length(chunk)), 0) FROM pgautomator.step_log WHERE step_run_id = sr $$;

-- 1. log_step: at most 1 MB stored per step run, everything counted.
SELECT pgautomator.log_step(:a1, repeat('x', 10 * 1048576));
SELECT ok(pg_temp.stored(:a1) <= 1048576, 'a 10 MB chunk: at most 1 MB stored');
SELECT ok(pg_temp.stored(:a1) >= 1048576 - 1024, 'nearly all of the 1 MB');
SELECT is((SELECT output_bytes FROM pgautomator.step_run WHERE id = :a1), 10 * 1048576::bigint, 'all 10 MB counted');
SELECT pgautomator.log_step(:a1, repeat('y', 3 * 1048576)) FROM generate_series(1, 4);
SELECT ok(pg_temp.stored(:a1) <= 1048576, 'more chunks after it: still at most 1 MB');
SELECT is((SELECT count(*)::int FROM pgautomator.step_log WHERE step_run_id = :a1 AND chunk LIKE 'y%'), 0, 'nothing of them stored');
SELECT is((SELECT output_bytes FROM pgautomator.step_run WHERE id = :a1), 22 * 1048576::bigint, 'but counted');
SELECT ok((SELECT chunk LIKE '%further output is counted, not stored%' FROM pgautomator.step_log WHERE step_run_id = :a1 AND stream = 'info'),
          'a note says where storing stopped');
-- Small chunks, then one that crosses the bound, in characters of two bytes.
SELECT pgautomator.log_step(:a2, repeat('a', 1000)) FROM generate_series(1, 1000);
SELECT pgautomator.log_step(:a2, repeat('é', 100000));
SELECT ok(pg_temp.stored(:a2) <= 1048576, 'chunks that add up past 1 MB: at most 1 MB stored');
SELECT ok((SELECT chunk = left(repeat('é', 100000), char_length(chunk)) AND char_length(chunk) > 0
             FROM pgautomator.step_log WHERE step_run_id = :a2 AND chunk LIKE 'é%'),
          'the chunk that crossed it is stored in part, cut between characters');
SELECT is((SELECT output_bytes FROM pgautomator.step_run WHERE id = :a2), 1000 * 1000 + 200000::bigint, 'every byte counted');

-- 2. end_step: the final output at most 1 MB (head and tail), the message at most 64 kB.
SELECT pgautomator.end_step(:a3, 'succeeded', 0, repeat('m', 1048576), 'HEAD' || repeat('é', 1500000) || 'TAIL');
SELECT ok((SELECT octet_length(output) <= 1048576 FROM pgautomator.step_run WHERE id = :a3), 'a 3 MB final output: at most 1 MB stored');
SELECT ok((SELECT output LIKE 'HEADé%' AND output LIKE '%éTAIL' FROM pgautomator.step_run WHERE id = :a3), 'its head and its tail kept');
SELECT ok((SELECT output LIKE '%3000008 bytes in all%' FROM pgautomator.step_run WHERE id = :a3), 'with a note of the whole size');
SELECT is((SELECT output_bytes FROM pgautomator.step_run WHERE id = :a3), 3000008::bigint, 'the whole size recorded');
SELECT ok((SELECT octet_length(message) <= 65536 FROM pgautomator.step_run WHERE id = :a3), 'a 1 MB message: at most 64 kB stored');
SELECT is(pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :r4,  'state', 'failed', 'message', repeat('z', 200000),
            'last_step', jsonb_build_object('step_run_id', :a4, 'state', 'failed', 'output', repeat('o', 2000000))))), '[{"ok": true}]'::jsonb,
          'agent_report: an end_run with its last attempt');
SELECT ok((SELECT octet_length(output) <= 1048576 FROM pgautomator.step_run WHERE id = :a4), 'the last attempt''s output bounded too');
SELECT ok((SELECT octet_length(message) <= 65536 FROM pgautomator.job_run WHERE id = :r4), 'and the run''s message');

-- 3. begin_step: only the step's next attempt number.
SELECT is(pgautomator.begin_step(:r2, :s1, 1), :a2::bigint, 'the attempt begun by the claim, asked again: the same id');
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 3)$$, :r2, :s1), 'PA002', NULL, 'attempt 3 while attempt 1 runs: PA002');
SELECT throws_like(format($$SELECT pgautomator.begin_step(%s, %s, 3)$$, :r2, :s1), 'attempt must be 2 %', 'the message says which attempt is allowed');
SELECT pgautomator.end_step(:a2, 'failed', 1);
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 1)$$, :r2, :s1), 'PA002', NULL, 'attempt 1 again after it ended: PA002');
SELECT ok(pgautomator.begin_step(:r2, :s1, 2) > :a2, 'attempt 2: begun');
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 1000000)$$, :r2, :s2), 'PA002', NULL, 'a far attempt of another step: PA002');
SELECT ok(pgautomator.begin_step(:r2, :s2, 1) IS NOT NULL, 'another step starts at 1');
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, NULL)$$, :r2, :s2), 'PA002', NULL, 'attempt NULL: PA002');

-- 4. At most 1,000 attempts per run.
INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id, state, finished_at)
SELECT :r2, :s2, 2, 'two', 1 + i, (SELECT id FROM pgautomator.agent WHERE name = 'bounder'), 'failed', clock_timestamp()
  FROM generate_series(1, 997) i;
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 3)$$, :r2, :s1), 'PA030', NULL, 'a run with 1,000 attempts takes no more: PA030');

SELECT * FROM finish();
ROLLBACK;

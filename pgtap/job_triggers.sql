-- Dependencies between jobs (job_trigger): adding and removing, cycles refused, the start of the
-- downstream job written with the upstream run's end, delays fired by the claim sweep, overlap,
-- abandoned runs and their retries, the runs view's cause. Fixed instants from 2030-01-01 UTC.
BEGIN;
SELECT plan(37);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator._register_agent('a1', max_concurrent => 50, heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
CREATE FUNCTION pg_temp.mkjob(name text, overlap text DEFAULT 'skip') RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
  id := pgautomator.create_job(name, overlap => overlap);
  PERFORM pgautomator.add_step(name, 'only', 'shell', 'true');
  RETURN id;
END $$;
CREATE FUNCTION pg_temp.claim(at timestamptz) RETURNS SETOF bigint LANGUAGE sql AS $$
  SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs('a1', 50, at) x $$;
CREATE FUNCTION pg_temp.run(id bigint) RETURNS pgautomator.job_run LANGUAGE sql AS $$
  SELECT * FROM pgautomator.job_run WHERE job_run.id = run.id $$;
-- The runs of a job, oldest first.
CREATE FUNCTION pg_temp.runs_of(job text) RETURNS SETOF pgautomator.job_run LANGUAGE sql AS $$
  SELECT r.* FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = job ORDER BY r.id $$;

SELECT pg_temp.mkjob(n) FROM unnest(ARRAY['extract', 'transform', 'load', 'report', 'cleanup']) n;

-- 1. Adding, listing, refusing -----------------------------------------------------------------------
SELECT ok(pgautomator.add_job_trigger('transform', 'extract') > 0, 'add_job_trigger returns the new id');
SELECT ok(pgautomator.add_job_trigger(job => 'load', after => 'transform', outcome => 'succeeded', delay => '0') > 0, 'a chain of three');
SELECT is((SELECT array_agg(after || '>' || job || ':' || outcome || ':' || delay ORDER BY after) FROM pgautomator.list_job_triggers()),
          ARRAY['extract>transform:succeeded:00:00:00', 'transform>load:succeeded:00:00:00'], 'list_job_triggers shows them');
SELECT is((SELECT count(*) FROM pgautomator.list_job_triggers('transform'))::int, 2, 'list_job_triggers(job) shows both directions');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('extract', 'load')$$, 'PA050', NULL, 'a trigger closing a cycle is PA050');
SELECT throws_like($$SELECT pgautomator.add_job_trigger('extract', 'load')$$, '%cycle%', 'the message says cycle');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('extract', 'extract')$$, 'PA050', NULL, 'a job after itself is PA050');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('transform', 'extract')$$, 'PA020', NULL, 'the same trigger twice is PA020');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('load', 'extract', outcome => 'ended')$$, 'PA002', NULL, 'an unknown outcome is PA002');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('load', 'extract', delay => '-1 minute')$$, 'PA002', NULL, 'a negative delay is PA002');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('load', 'nope')$$, 'PA010', NULL, 'an unknown job is PA010');
-- Many to many: load also after extract directly (a diamond is no cycle), report after two jobs.
SELECT lives_ok($$SELECT pgautomator.add_job_trigger('report', 'load', outcome => 'finished')$$, 'report after load (finished)');
SELECT lives_ok($$SELECT pgautomator.add_job_trigger('report', 'extract', outcome => 'failed', delay => '10 minutes')$$, 'report after extract fails, 10 minutes later');
SELECT throws_ok($$SELECT pgautomator.add_job_trigger('extract', 'report')$$, 'PA050', NULL, 'a longer cycle through two paths is PA050');
SELECT is(pgautomator.get_job('load') -> 'triggers',
          '{"after": [{"job": "transform", "delay": "00:00:00", "outcome": "succeeded"}], "starts": [{"job": "report", "delay": "00:00:00", "outcome": "finished"}]}'::jsonb,
          'get_job shows the triggers both ways');

-- 2. The chain runs in order ------------------------------------------------------------------------
SELECT pgautomator._start_job('extract', at => '2030-01-01 00:00:00+00') AS e1 \gset
SELECT is(ARRAY(SELECT pg_temp.claim('2030-01-01 00:00:01+00')), ARRAY[:e1]::bigint[], 'extract claimed');
SELECT pgautomator.end_run(:e1, 'succeeded');
SELECT is((SELECT array_agg(j.name || '@' || tf.due_at) FROM pgautomator.trigger_fire tf JOIN pgautomator.job j ON j.id = tf.job_id WHERE tf.upstream_run_id = :e1),
          ARRAY['transform@' || (pg_temp.run(:e1)).finished_at], 'the end of extract wrote the start of transform, in its transaction, due at its end');
SELECT pg_temp.claim('2030-01-01 00:00:02+00') AS t1 \gset
SELECT is((pg_temp.run(:t1)).job_id, (SELECT id FROM pgautomator.job WHERE name = 'transform'), 'the next claim starts transform');
SELECT is((pg_temp.run(:t1)).trigger, 'job', 'trigger job');
SELECT is((pg_temp.run(:t1)).upstream_run_id, :e1::bigint, 'upstream_run_id is the extract run');
SELECT is((SELECT cause FROM pgautomator.runs WHERE id = :t1), format('end of run %s of job extract', :e1), 'the runs view shows the cause');
SELECT is((SELECT count(*) FROM pgautomator.trigger_fire)::int, 0, 'the due start is consumed');
SELECT pgautomator.end_run(:t1, 'succeeded');
SELECT pg_temp.claim('2030-01-01 00:00:03+00') AS l1 \gset
SELECT is((SELECT cause FROM pgautomator.runs WHERE id = :l1), format('end of run %s of job transform', :t1), 'then load, started by transform');
SELECT pgautomator.end_run(:l1, 'failed', 'exit 1');
SELECT pg_temp.claim('2030-01-01 00:00:04+00') AS r1 \gset
SELECT is((SELECT job || ' after ' || upstream_run_id FROM pgautomator.runs WHERE id = :r1), 'report after ' || :l1, 'outcome finished: a failed load starts report');
SELECT pgautomator.end_run(:r1, 'succeeded');
SELECT is((SELECT count(*) FROM pg_temp.runs_of('transform'))::int, 1, 'a succeeded extract does not start report (outcome failed) and nothing twice');

-- 3. outcome failed, with a delay that fires though no other run ends ------------------------------
SELECT pgautomator._start_job('extract', at => '2030-01-01 01:00:00+00') AS e2 \gset
SELECT pg_temp.claim('2030-01-01 01:00:00+00');
SELECT pgautomator.end_run(:e2, 'killed');
SELECT is((SELECT tf.due_at FROM pgautomator.trigger_fire tf WHERE tf.upstream_run_id = :e2), (pg_temp.run(:e2)).finished_at + interval '10 minutes',
          'a killed extract counts as failed: report due 10 minutes after its end');
SELECT is(ARRAY(SELECT pg_temp.claim('2030-01-01 01:09:00+00')), '{}'::bigint[], 'not before the delay');
SELECT ok((pgautomator._agent_heartbeat('a1', '{}', '2030-01-01 01:09:00+00') ->> 'next_due_in')::float8 <= 60,
          'the heartbeat tells the agent when the delayed start is due');
SELECT pg_temp.claim('2030-01-01 01:10:00+00') AS r2 \gset
SELECT is((SELECT job || ' after ' || upstream_run_id FROM pgautomator.runs WHERE id = :r2), 'report after ' || :e2,
          'the delayed start fires at the next claim after it is due, with no other run ending');
SELECT is((SELECT count(*) FROM pg_temp.runs_of('transform'))::int, 1, 'outcome succeeded: a killed extract does not start transform');

-- 4. Overlap policy of the downstream job --------------------------------------------------------------
SELECT pg_temp.mkjob('up1'); SELECT pg_temp.mkjob('up2'); SELECT pg_temp.mkjob('down');
SELECT pgautomator.add_job_trigger('down', 'up1');
SELECT pgautomator.add_job_trigger('down', 'up2');
SELECT pgautomator._start_job('up1', at => '2030-01-01 02:00:00+00') AS u1 \gset
SELECT pgautomator._start_job('up2', at => '2030-01-01 02:00:00+00') AS u2 \gset
SELECT pg_temp.claim('2030-01-01 02:00:00+00');
SELECT pgautomator.end_run(:u1, 'succeeded');
SELECT pg_temp.claim('2030-01-01 02:00:01+00') AS d1 \gset
SELECT pgautomator.end_run(:u2, 'succeeded');
SELECT pg_temp.claim('2030-01-01 02:00:02+00');
SELECT is((SELECT array_agg(state || ':' || upstream_run_id ORDER BY id) FROM pg_temp.runs_of('down')),
          ARRAY['running:' || :u1, 'skipped:' || :u2], 'overlap skip: a second start while down runs is recorded skipped');
SELECT matches((SELECT message FROM pg_temp.runs_of('down') WHERE state = 'skipped'), 'overlap = skip', 'and says why');

-- 5. An abandoned run retried starts nothing; its retry's end does ------------------------------------
SELECT pg_temp.mkjob('flaky');
UPDATE pgautomator.job SET on_abandon = 'retry', abandon_retries = 1 WHERE name = 'flaky';
SELECT pgautomator.add_job_trigger('cleanup', 'flaky', outcome => 'finished');
SELECT pgautomator._start_job('flaky', at => '2030-01-01 03:00:00+00') AS f1 \gset
SELECT pg_temp.claim('2030-01-01 03:00:00+00');
SELECT pgautomator._abandon_runs(ARRAY[:f1]::bigint[], 'test: agent lost', '2030-01-01 03:00:05+00');
SELECT is((SELECT count(*) FROM pgautomator.trigger_fire WHERE upstream_run_id = :f1)::int, 0, 'an abandoned run that is retried starts nothing');
SELECT (SELECT id FROM pg_temp.runs_of('flaky') WHERE retry_of = :f1) AS f2 \gset
SELECT pg_temp.claim('2030-01-01 03:00:06+00');
SELECT pgautomator._abandon_runs(ARRAY[:f2]::bigint[], 'test: agent lost again', '2030-01-01 03:00:10+00');
SELECT is((SELECT count(*) FROM pgautomator.trigger_fire WHERE upstream_run_id = :f2)::int, 1, 'the last retry abandoned (no retry left) starts cleanup');

-- 6. Removing ---------------------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.remove_job_trigger('down', 'up2')$$, 'remove_job_trigger');
SELECT throws_ok($$SELECT pgautomator.remove_job_trigger('down', 'up2')$$, 'PA010', NULL, 'removing a trigger that does not exist is PA010');
SELECT lives_ok($$SELECT pgautomator.delete_job('up1')$$, 'deleting an upstream job removes its triggers');

SELECT * FROM finish();
ROLLBACK;

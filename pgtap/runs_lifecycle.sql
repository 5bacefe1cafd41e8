-- Lifecycle of runs: manual starts (at a step, overlap rules), kills, how runs end, mail written
-- with the outcome, history purge and retention. Fixed instants from 2030-01-01 UTC.
BEGIN;
SELECT plan(59);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator._register_agent('a1', max_concurrent => 50, heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
CREATE FUNCTION pg_temp.mkjob(name text, overlap text DEFAULT 'skip') RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
  id := pgautomator.create_job(name, overlap => overlap);
  PERFORM pgautomator.add_step(name, 'first', 'shell', 'echo 1');
  PERFORM pgautomator.add_step(name, 'second', 'shell', 'echo 2');
  PERFORM pgautomator.add_step(name, 'third', 'shell', 'echo 3');
  RETURN id;
END $$;
CREATE FUNCTION pg_temp.claim(at timestamptz DEFAULT '2030-01-01 00:10:00+00') RETURNS SETOF bigint LANGUAGE sql AS $$
  SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs('a1', 50, at) x $$;
CREATE FUNCTION pg_temp.run(id bigint) RETURNS pgautomator.job_run LANGUAGE sql AS $$
  SELECT * FROM pgautomator.job_run WHERE job_run.id = run.id $$;

-- 1. start_job
SELECT pg_temp.mkjob('manual');
SELECT pgautomator._start_job('manual', at => '2030-01-01 00:01:00+00') AS r1 \gset
SELECT is((pg_temp.run(:r1)).state, 'queued', 'start_job queues a run');
SELECT is((pg_temp.run(:r1)).trigger, 'manual', 'trigger manual');
SELECT is((pg_temp.run(:r1)).requested_by, current_user::name, 'requested_by is the caller');
SELECT is((pg_temp.run(:r1)).scheduled_for, '2030-01-01 00:01:00+00'::timestamptz, 'scheduled_for is the start instant');
SELECT is((pg_temp.run(:r1)).start_position, 1, 'at the first step by default');
SELECT throws_ok($$SELECT pgautomator._start_job('manual', at => '2030-01-01 00:01:01+00')$$, 'PA030', NULL,
                 'overlap skip: a manual start while a run is active is refused, not skipped silently');
SELECT pgautomator.kill_run(:r1);
SELECT is((pg_temp.run(pgautomator._start_job('manual', at_step => 'third', at => '2030-01-01 00:01:00+00'))).start_position, 3, 'at_step by name');
UPDATE pgautomator.job_run SET state = 'cancelled', finished_at = clock_timestamp() WHERE state = 'queued';
SELECT is((pg_temp.run(pgautomator._start_job('manual', at_step => '2', at => '2030-01-01 00:01:00+00'))).start_position, 2, 'at_step by number');
UPDATE pgautomator.job_run SET state = 'cancelled', finished_at = clock_timestamp() WHERE state = 'queued';
SELECT throws_ok($$SELECT pgautomator.start_job('manual', at_step => 'fourth')$$, 'PA010', NULL, 'start_job: an unknown step is PA010');
SELECT throws_ok($$SELECT pgautomator.start_job('no such job')$$, 'PA010', NULL, 'start_job: an unknown job is PA010');

SELECT pg_temp.mkjob('q1', 'queue_one');
SELECT pgautomator._start_job('q1', at => '2030-01-01 00:01:00+00');
SELECT throws_ok($$SELECT pgautomator._start_job('q1', at => '2030-01-01 00:01:00+00')$$, 'PA030', NULL, 'queue_one: a second waiting run is refused');
SELECT pg_temp.mkjob('cp', 'cancel_previous');
SELECT pgautomator._start_job('cp', at => '2030-01-01 00:01:00+00') AS cp1 \gset
SELECT pgautomator._start_job('cp', at => '2030-01-01 00:01:00+00') AS cp2 \gset
SELECT is((pg_temp.run(:cp1)).state, 'cancelled', 'cancel_previous: the waiting run is cancelled by the new start');
SELECT is((pg_temp.run(:cp2)).state, 'queued', 'cancel_previous: the new one waits');
SELECT pg_temp.mkjob('al', 'allow');
SELECT is((SELECT count(*)::int FROM (SELECT pgautomator._start_job('al', at => '2030-01-01 00:01:00+00') FROM generate_series(1, 3)) x), 3, 'allow: several at once');

-- 2. kill_run
SELECT pg_temp.mkjob('killme', 'allow');
SELECT pgautomator._start_job('killme', at => '2030-01-01 00:02:00+00') AS kq \gset
SELECT is(pgautomator.kill_run(:kq), 'cancelled', 'kill of a queued run cancels it at once');
SELECT is((pg_temp.run(:kq)).state, 'cancelled', 'state cancelled');
SELECT ok((pg_temp.run(:kq)).finished_at IS NOT NULL AND (pg_temp.run(:kq)).message LIKE 'cancelled by %', 'finished, with who cancelled it');
UPDATE pgautomator.job_run SET state = 'cancelled', finished_at = clock_timestamp() WHERE state = 'queued';
SELECT pgautomator._start_job('killme', at => '2030-01-01 00:02:00+00') AS kr \gset
SELECT count(*) FROM pg_temp.claim();
SELECT is((pg_temp.run(:kr)).state, 'running', 'claimed');
SELECT is(pgautomator.kill_run(:kr), 'kill_requested', 'kill of a running run requests it');
SELECT ok((pg_temp.run(:kr)).kill_requested_at IS NOT NULL AND (pg_temp.run(:kr)).kill_requested_by = current_user, 'kill_requested_at and _by recorded');
SELECT is((pgautomator._agent_heartbeat('a1', ARRAY[:kr]::bigint[], '2030-01-01 00:10:00+00')) -> 'kill', jsonb_build_array(:kr), 'the agent''s heartbeat lists it to kill');
SELECT is(pgautomator.kill_run(:kr), 'kill_requested', 'asking again is harmless');
SELECT lives_ok(format('SELECT pgautomator.end_run(%s, %L)', :kr, 'succeeded'), 'the agent ends the run');
SELECT is((pg_temp.run(:kr)).state, 'killed', 'a run whose kill was requested is recorded killed');
SELECT throws_ok(format('SELECT pgautomator.kill_run(%s)', :kr), 'PA030', NULL, 'kill of a finished run is PA030');
SELECT throws_ok($$SELECT pgautomator.kill_run(-1)$$, 'PA010', NULL, 'kill of an unknown run is PA010');

-- 3. Steps and end states
SELECT pg_temp.mkjob('ends', 'allow');
SELECT pgautomator._start_job('ends', at => '2030-01-01 00:03:00+00') FROM generate_series(1, 4);
CREATE TEMP TABLE ends AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM pg_temp.claim() id;
SELECT pgautomator.begin_step((SELECT id FROM ends WHERE n = 1), (SELECT id FROM pgautomator.step WHERE name = 'first' AND job_id = pgautomator._job_id('ends'))) AS sr \gset
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sr), 'running', 'begin_step opens an attempt');
SELECT lives_ok(format('SELECT pgautomator.log_step(%s, %L)', :sr, 'hello '), 'log_step appends');
SELECT lives_ok(format('SELECT pgautomator.end_step(%s, %L, 0, NULL, %L, 6)', :sr, 'succeeded', 'hello '), 'end_step closes it');
SELECT throws_ok(format('SELECT pgautomator.end_step(%s, %L)', :sr, 'failed'), 'PA030', NULL, 'ending a step twice is PA030');
SELECT throws_ok(format('SELECT pgautomator.log_step(%s, %L)', :sr, 'late'), 'PA030', NULL, 'logging to an ended step is PA030');
SELECT throws_ok(format('SELECT pgautomator.end_step(%s, %L)', :sr, 'finished'), 'PA002', NULL, 'end_step: an unknown state is PA002');
SELECT throws_ok(format('SELECT pgautomator.begin_step(%s, -1)', (SELECT id FROM ends WHERE n = 1)), 'PA010', NULL, 'begin_step: a step of another job is PA010');
SELECT throws_ok($$SELECT pgautomator.log_step(-1, 'x')$$, 'PA010', NULL, 'log_step: an unknown step run is PA010');
SELECT throws_ok(format('SELECT pgautomator.end_run(%s, %L)', (SELECT id FROM ends WHERE n = 1), 'skipped'), 'PA002', NULL, 'end_run: a state the agent cannot report is PA002');
SELECT pgautomator.end_run((SELECT id FROM ends WHERE n = 1), 'succeeded');
SELECT pgautomator.end_run((SELECT id FROM ends WHERE n = 2), 'failed', 'exit 3');
SELECT pgautomator.end_run((SELECT id FROM ends WHERE n = 3), 'killed');
SELECT pgautomator.end_run((SELECT id FROM ends WHERE n = 4), 'timed_out');
SELECT is((SELECT array_agg(r.state || ':' || coalesce(r.message, '') ORDER BY e.n) FROM ends e JOIN pgautomator.job_run r ON r.id = e.id),
          ARRAY['succeeded:', 'failed:exit 3', 'killed:', 'timed_out:'], 'end_run records each final state');
SELECT throws_ok(format('SELECT pgautomator.end_run(%s, %L)', (SELECT id FROM ends WHERE n = 1), 'failed'), 'PA030', NULL, 'end_run of an ended run is PA030');
SELECT throws_ok(format('SELECT pgautomator.begin_step(%s, %s)', (SELECT id FROM ends WHERE n = 1), (SELECT id FROM pgautomator.step WHERE name = 'first' AND job_id = pgautomator._job_id('ends'))),
                 'PA030', NULL, 'begin_step on an ended run is PA030');

-- 4. Mail: written in the transaction that records the outcome.
SELECT pgautomator.create_operator('oncall', 'oncall@example.com');
SELECT pgautomator.create_operator('away', 'away@example.com', enabled => false);
SELECT pg_temp.mkjob('mailer', 'allow');
SELECT pgautomator.set_job_email('mailer', '{start,failure}', '{oncall,away,boss@example.com}', subject => 'Job {{job}} is {{state}}',
                                 body => 'run {{run_id}} on {{agent}}: {{message}} / {{output}} / {{job}}');
SELECT pgautomator.set_step_email('mailer', 'second', '{completion}', '{oncall}');
SELECT pgautomator._start_job('mailer', at => '2030-01-01 00:04:00+00') AS m1 \gset
SELECT count(*) FROM pg_temp.claim();
SELECT is((SELECT count(*)::int FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'start'), 1, 'start mail written by the claim');
SELECT is((SELECT recipients FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'start'), '{oncall@example.com,boss@example.com}'::text[],
          'operators resolved to their address, disabled ones left out, addresses kept');
SELECT is((SELECT subject FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'start'), 'Job mailer is running', 'subject template filled');
SELECT pgautomator.begin_step(:m1, (SELECT id FROM pgautomator.step WHERE name = 'second' AND job_id = pgautomator._job_id('mailer'))) AS m1s \gset
SELECT pgautomator.end_step(:m1s, 'failed', 3, 'boom', 'output has {{job}} in it');
SELECT is((SELECT count(*)::int FROM pgautomator.notification WHERE step_run_id = :m1s AND event = 'completion'), 1, 'step completion mail on the step''s failure');
-- The outcome and its mail commit or fail together: a failing end_run leaves neither.
SAVEPOINT before_end;
SELECT pgautomator.end_run(:m1, 'failed', 'step second failed');
SELECT is((SELECT body FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'failure'),
          format('run %s on a1: step second failed / output has {{job}} in it / mailer', :m1), 'failure mail: body filled once (values never expanded)');
SELECT is((SELECT count(*)::int FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'failure'), 1, 'failure mail in the same transaction as the outcome');
ROLLBACK TO SAVEPOINT before_end;
SELECT is((SELECT count(*)::int FROM pgautomator.notification WHERE job_run_id = :m1 AND event = 'failure'), 0, 'rolled back together with the outcome');
SELECT pgautomator.end_run(:m1, 'succeeded');
SELECT is((SELECT count(*)::int FROM pgautomator.notification WHERE job_run_id = :m1 AND step_run_id IS NULL AND event IN ('success', 'completion')), 0, 'no mail for success when only start and failure are asked');
SELECT pgautomator.set_job_email('mailer', '{completion}', '{boss@example.com}');
SELECT pgautomator._start_job('mailer', at => '2030-01-01 00:04:00+00') AS m2 \gset
SELECT count(*) FROM pg_temp.claim();
SELECT pgautomator.end_run(:m2, 'succeeded');
SELECT is((SELECT subject FROM pgautomator.notification WHERE job_run_id = :m2), format('[pgAutomator] mailer succeeded (run %s)', :m2),
          'completion mail on success, default subject');
-- The claim begins each run's first attempt (all of a claim's runs in one statement): a first step
-- that asks for mail at its start gets it there, for that attempt.
SELECT pgautomator.set_step_email('mailer', 'first', '{start}', '{oncall}');
SELECT pgautomator._start_job('mailer', at => '2030-01-01 00:04:00+00') AS m3 \gset
SELECT count(*) FROM pg_temp.claim();
SELECT is((SELECT array_agg(sr.step_name || ':' || sr.attempt || ':' || array_to_string(n.recipients, ','))
             FROM pgautomator.notification n JOIN pgautomator.step_run sr ON sr.id = n.step_run_id
            WHERE n.job_run_id = :m3 AND n.event = 'start'),
          ARRAY['first:1:oncall@example.com'], 'the claim writes the start mail of the first step it begins');

-- 5. History: purge and retention never touch queued or running runs.
SELECT pg_temp.mkjob('hist', 'allow');
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state, finished_at)
SELECT pgautomator._job_id('hist'), 'manual', now() - interval '20 days 12 hours' + i * interval '1 day', 'succeeded', now() - interval '20 days 12 hours' + i * interval '1 day'
  FROM generate_series(1, 20) i;
SELECT pgautomator._start_job('hist', at => '2029-01-01 00:00:00+00') AS hq \gset
SELECT is(pgautomator.purge_history(older_than => '10 days', job => 'hist'), 10::bigint, 'purge older_than: finished runs older than 10 days go');
SELECT is(pgautomator.purge_history(keep_runs => 4, job => 'hist'), 6::bigint, 'purge keep_runs: the 4 newest finished runs stay');
SELECT is((SELECT array_agg(state ORDER BY id) FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('hist')),
          '{succeeded,succeeded,succeeded,succeeded,queued}'::text[], 'the queued run is never purged');
SELECT is(pgautomator.set_retention(keep_runs => 2), '{"keep_runs": 2, "keep_age": null}'::jsonb, 'set_retention stores the global policy');
SELECT is(pgautomator.purge_history(job => 'hist'), 2::bigint, 'purge_history() applies the global policy');
UPDATE pgautomator.job SET keep_runs = 1 WHERE name = 'hist';
SELECT is(pgautomator.purge_history(job => 'hist'), 1::bigint, 'a job''s own keep_runs wins over the global one');
-- The database purges by itself from heartbeats, at most once a minute.
SELECT pgautomator.update_job('hist', keep_runs => 100);
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state, finished_at)
SELECT pgautomator._job_id('hist'), 'manual', '2029-01-01', 'failed', '2029-01-01' FROM generate_series(1, 5);
UPDATE pgautomator.job SET keep_runs = 2 WHERE name = 'hist';
SELECT pgautomator._agent_heartbeat('a1', '{}', '2030-01-01 00:20:00+00');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('hist') AND finished_at IS NOT NULL), 2, 'a heartbeat applied the retention');
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state, finished_at)
SELECT pgautomator._job_id('hist'), 'manual', '2029-01-01', 'failed', '2029-01-01' FROM generate_series(1, 5);
SELECT pgautomator._agent_heartbeat('a1', '{}', '2030-01-01 00:20:30+00');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('hist') AND finished_at IS NOT NULL), 7, 'not again within the minute');
SELECT pgautomator._agent_heartbeat('a1', '{}', '2030-01-01 00:21:01+00');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('hist') AND finished_at IS NOT NULL), 2, 'again a minute later');

SELECT throws_ok($$SELECT pgautomator.set_retention(keep_runs => 0)$$, 'PA002', NULL, 'set_retention: keep_runs 0 is PA002');
SELECT throws_ok($$SELECT pgautomator.purge_history(older_than => '-1 day')$$, 'PA002', NULL, 'purge_history: a negative age is PA002');

SELECT * FROM finish();
ROLLBACK;

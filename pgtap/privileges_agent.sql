-- A hostile agent: a role granted only `agent` calls every function granted to pgautomator_agent
-- with hostile arguments (other agents' names, runs and attempts; lying running lists; bogus
-- attempts; absurd intervals; results dated far in the past or future) and changes nothing of
-- another agent's runs, of any schedule's next fire (but what the real clock fires), or of the
-- history. The set of functions granted to pgautomator_agent is pinned here: a newly granted one
-- must be added, with its hostile calls.
BEGIN;
SELECT plan(45);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_victim; CREATE ROLE pgat_evil;
SELECT pgautomator.grant_role('pgat_victim', 'agent');
SELECT pgautomator.grant_role('pgat_evil', 'agent');

SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text) FROM pg_proc p
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND has_function_privilege('pgautomator_agent', p.oid, 'EXECUTE')),
          ARRAY['pgautomator.agent_heartbeat(text,bigint[])', 'pgautomator.agent_report(jsonb)', 'pgautomator.agent_stop(text,boolean)',
                'pgautomator.begin_step(bigint,bigint,integer)', 'pgautomator.claim_notifications(text,integer)', 'pgautomator.claim_runs(text,integer)',
                'pgautomator.end_run(bigint,text,text)', 'pgautomator.end_step(bigint,text,integer,text,text,bigint)', 'pgautomator.log_step(bigint,text,text)',
                'pgautomator.notification_failed(bigint,text)', 'pgautomator.notification_sent(bigint)',
                'pgautomator.register_agent(text,text,text,text,text[],integer,interval,bigint[])', 'pgautomator.version()'],
          'the functions an agent may call (a new one needs its hostile calls here)');

-- The world: a victim agent executing two runs (one of them with an attempt already abandoned
-- and retried), a schedule whose next fire is tomorrow, finished history, mail being sent by the victim.
SELECT pgautomator.create_schedule('daily', jsonb_build_object('type', 'daily', 'start_date', to_char(now() - interval '10 days', 'YYYY-MM-DD'), 'sub', jsonb_build_object('type', 'once', 'time', '03:00')));
SELECT pgautomator.create_job('victim_job', overlap => 'allow', on_abandon => 'retry');
SELECT pgautomator.add_step('victim_job', 'one', 'shell', 'true');
SELECT pgautomator.add_step('victim_job', 'two', 'shell', 'true');
SELECT pgautomator.set_job_email('victim_job', '{start}', '{boss@example.com}');
SELECT pgautomator.create_job('open_job', overlap => 'allow');
SELECT pgautomator.add_step('open_job', 'only', 'shell', 'true');
SELECT pgautomator.attach_schedule('open_job', 'daily');
SELECT pgautomator.attach_schedule('victim_job', 'daily');
SET LOCAL ROLE pgat_victim;
SELECT pgautomator.register_agent('victim', max_concurrent => 10) IS NOT NULL AS registered;
RESET ROLE;
SELECT pgautomator.update_job('victim_job', agent => 'victim');
SELECT pgautomator.set_agent_smtp('victim', 'smtp.example.com', 587, 'starttls', NULL, NULL, 'robot@example.com');
SELECT pgautomator.start_job('victim_job') FROM generate_series(1, 3);
SET LOCAL ROLE pgat_victim;
CREATE TEMP TABLE vclaim AS SELECT (x ->> 'run_id')::bigint AS run_id, (x #>> '{begun,step_run_id}')::bigint AS sr FROM pgautomator.claim_runs('victim', 3) x;
RESET ROLE;
SELECT min(run_id) AS v1, min(sr) AS vs1, max(run_id) AS v3 FROM vclaim \gset
-- One run abandoned (as a rescue would): its attempt may take a late result from the victim only.
SELECT pgautomator._abandon_runs(ARRAY[:v3]::bigint[], 'agent victim stopped heartbeating: declared dead (test)');
SELECT sr AS vs3 FROM vclaim WHERE run_id = :v3 \gset
SET LOCAL ROLE pgat_victim;
SELECT count(*) AS victim_mail FROM pgautomator.claim_notifications('victim', 10) \gset
RESET ROLE;
SELECT min(id) AS vmail FROM pgautomator.notification WHERE claimed_by = (SELECT id FROM pgautomator.agent WHERE name = 'victim') \gset
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state, started_at, finished_at, message)
SELECT pgautomator._job_id('open_job'), 'manual', now() - i * interval '1 day', 'succeeded', now() - i * interval '1 day', now() - i * interval '1 day' + interval '1 minute', 'history'
  FROM generate_series(1, 20) i;
-- The evil role's own agent, with a run of its own to report on.
SET LOCAL ROLE pgat_evil;
SELECT pgautomator.register_agent('evil', max_concurrent => 10) IS NOT NULL AS registered;
RESET ROLE;
SELECT pgautomator.create_job('evil_job', agent => 'evil', overlap => 'allow');
SELECT pgautomator.add_step('evil_job', 'only', 'shell', 'true');
SELECT pgautomator.start_job('evil_job') FROM generate_series(1, 2);

-- What must not change.
CREATE TEMP TABLE before_runs AS
  SELECT r.id, r.state, r.agent_id, r.finished_at, r.message, r.kill_requested_at, r.deadline_at FROM pgautomator.job_run r
   WHERE r.job_id <> pgautomator._job_id('evil_job');
CREATE TEMP TABLE before_steps AS
  SELECT s.id, s.state, s.finished_at, s.exit_code, s.message, s.output, s.output_bytes, s.attempt FROM pgautomator.step_run s
    JOIN pgautomator.job_run r ON r.id = s.job_run_id WHERE r.job_id <> pgautomator._job_id('evil_job');
CREATE TEMP TABLE before_fires AS SELECT js.job_id, js.schedule_id, js.next_fire_at FROM pgautomator.job_schedule js;
CREATE TEMP TABLE before_victim AS SELECT a.state, a.last_heartbeat_at, a.heartbeat_interval, a.db_role, a.tags, a.max_concurrent FROM pgautomator.agent a WHERE a.name = 'victim';
CREATE TEMP TABLE before_mail AS SELECT n.id, n.state, n.attempts, n.claimed_by, n.next_attempt_at FROM pgautomator.notification n;
SELECT ok((SELECT min(next_fire_at) > now() FROM before_fires), 'the schedule''s next fire is in the future (the real clock fires nothing here)');
SELECT array_agg(run_id) AS vruns FROM vclaim \gset
SELECT min(id) AS hist1 FROM before_runs WHERE state = 'succeeded' \gset
SELECT id AS evil_step FROM pgautomator.step WHERE job_id = pgautomator._job_id('evil_job') \gset
SELECT min(id) AS victim_step FROM pgautomator.step WHERE job_id = pgautomator._job_id('victim_job') \gset

-- 1. register_agent
SET LOCAL ROLE pgat_evil;
SELECT throws_ok($$SELECT pgautomator.register_agent('victim')$$, 'PA040', NULL, 'register_agent: the victim''s name is refused');
SELECT throws_ok($$SELECT pgautomator.register_agent('victim', resume_runs => '{1,2,3}')$$, 'PA040', NULL, 'also with runs to resume');
SELECT throws_ok($$SELECT pgautomator.register_agent('evil', heartbeat_interval => '100 years')$$, 'PA002', NULL, 'a huge heartbeat interval is refused');
SELECT throws_ok($$SELECT pgautomator.register_agent('evil', max_concurrent => 2000000000)$$, 'PA002', NULL, 'a huge max_concurrent is refused');
SELECT is(pgautomator.register_agent('evil', max_concurrent => 10, resume_runs => :'vruns'::bigint[]) -> 'resume', '[]'::jsonb,
          'resuming the victim''s runs: none is handed over');

-- 2. agent_heartbeat
SELECT throws_ok($$SELECT pgautomator.agent_heartbeat('victim')$$, 'PA040', NULL, 'agent_heartbeat: as the victim, refused');
SELECT lives_ok(format($$SELECT pgautomator.agent_heartbeat('evil', ARRAY[%s, %s, 9223372036854775807, -1]::bigint[])$$, :v1, :v3),
                'a heartbeat listing the victim''s runs and bogus ids');
SELECT lives_ok($$SELECT pgautomator.agent_heartbeat('evil', '{}')$$, 'a heartbeat listing nothing');

-- 3. claim_runs: only its own and free runs, by the real clock.
SELECT throws_ok($$SELECT * FROM pgautomator.claim_runs('victim', 1000)$$, 'PA040', NULL, 'claim_runs: as the victim, refused');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_runs('evil', 1000000)$$, 'PA002', NULL, 'a huge max is refused');
CREATE TEMP TABLE eclaim AS SELECT (x ->> 'run_id')::bigint AS run_id, (x #>> '{begun,step_run_id}')::bigint AS sr, x ->> 'job' AS job FROM pgautomator.claim_runs('evil', 1000) x;
SELECT is((SELECT array_agg(DISTINCT job) FROM eclaim), '{evil_job}'::text[], 'it claims its own queued runs, none of the victim''s');
SELECT min(run_id) AS e1, min(sr) AS es1, max(run_id) AS e2, max(sr) AS es2 FROM eclaim \gset

-- 4. begin_step, log_step, end_step, end_run on the victim's runs and attempts
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, (SELECT 1)::bigint, 1)$$, :v1), 'PA040', NULL, 'begin_step of the victim''s run: refused');
SELECT throws_ok(format($$SELECT pgautomator.log_step(%s, 'pwned')$$, :vs1), 'PA040', NULL, 'log_step into the victim''s attempt: refused');
SELECT throws_ok(format($$SELECT pgautomator.end_step(%s, 'failed', 1)$$, :vs1), 'PA040', NULL, 'end_step of the victim''s attempt: refused');
SELECT throws_ok(format($$SELECT pgautomator.end_step(%s, 'succeeded', 0)$$, :vs3), 'PA040', NULL, 'a late end_step of the victim''s abandoned attempt: refused');
SELECT throws_ok(format($$SELECT pgautomator.end_run(%s, 'failed')$$, :v1), 'PA040', NULL, 'end_run of the victim''s run: refused');
SELECT throws_ok(format($$SELECT pgautomator.end_run(%s, 'failed')$$, :hist1), 'PA030', NULL,
                 'end_run of a finished run of the history: refused');
-- Its own run: bogus attempts, other steps.
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 2147483647)$$, :e1, :evil_step),
                 'PA002', NULL, 'begin_step: a bogus attempt of its own run is refused');
SELECT throws_ok(format($$SELECT pgautomator.begin_step(%s, %s, 1)$$, :e1, :victim_step),
                 'PA010', NULL, 'begin_step: a step of another job is refused');

-- 5. agent_report: the victim's runs refuse the whole call, whatever it mixes in.
SELECT throws_ok(format($$SELECT pgautomator.agent_report(jsonb_build_array(
                   jsonb_build_object('op', 'log_step', 'step_run_id', %s, 'chunk', 'mine'),
                   jsonb_build_object('op', 'end_step', 'step_run_id', %s, 'state', 'failed', 'finished_at', '1970-01-01T00:00:00Z')))$$, :es1, :vs1),
                 'PA040', NULL, 'agent_report: an end_step of the victim''s attempt refuses the call');
SELECT throws_ok(format($$SELECT pgautomator.agent_report(jsonb_build_array(
                   jsonb_build_object('op', 'end_step', 'step_run_id', %s, 'state', 'succeeded', 'finished_at', '1970-01-01T00:00:00Z')))$$, :vs3),
                 'PA040', NULL, 'a late result for the victim''s abandoned attempt, dated long ago: refused');
SELECT throws_ok(format($$SELECT pgautomator.agent_report(jsonb_build_array(
                   jsonb_build_object('op', 'end_run', 'run_id', %s, 'state', 'succeeded', 'finished_at', '2999-01-01T00:00:00Z',
                                      'last_step', jsonb_build_object('step_run_id', %s, 'state', 'succeeded'))))$$, :v1, :vs1),
                 'PA040', NULL, 'an end_run of the victim''s run with its last attempt: refused');
SELECT throws_ok(format($$SELECT pgautomator.agent_report(jsonb_build_array(
                   jsonb_build_object('op', 'end_run', 'run_id', %s, 'state', 'succeeded',
                                      'last_step', jsonb_build_object('step_run_id', %s, 'state', 'succeeded'))))$$, :e1, :vs1),
                 'PA040', NULL, 'its own end_run carrying the victim''s attempt as last_step: refused');
SELECT throws_ok(format($$SELECT pgautomator.agent_report(jsonb_build_array(
                   jsonb_build_object('op', 'begin_step', 'run_id', %s, 'step_id', (SELECT 1), 'attempt', 1)))$$, :v1),
                 'PA040', NULL, 'a begin_step entry of the victim''s run: refused');
-- Its own run, dated absurdly: kept between its start and now.
SELECT is(pgautomator.agent_report(jsonb_build_array(
            jsonb_build_object('op', 'end_run', 'run_id', :e1, 'state', 'succeeded', 'finished_at', '1970-01-01T00:00:00Z',
                               'last_step', jsonb_build_object('step_run_id', :es1, 'state', 'succeeded')),
            jsonb_build_object('op', 'end_run', 'run_id', :e2, 'state', 'succeeded', 'finished_at', '2999-01-01T00:00:00Z'))),
          '[{"ok": true}, {"ok": true}]'::jsonb, 'its own runs, ended in 1970 and 2999');
RESET ROLE;
SELECT ok((SELECT bool_and(finished_at BETWEEN started_at AND clock_timestamp()) FROM pgautomator.job_run WHERE id IN (:e1, :e2)),
          'recorded between their start and now');
SET LOCAL ROLE pgat_evil;

-- 6. Mail: the victim's mail in flight cannot be reported by another role.
SELECT throws_ok(format($$SELECT pgautomator.notification_sent(%s)$$, :vmail), 'PA040', NULL, 'notification_sent of the victim''s mail: refused');
SELECT throws_ok(format($$SELECT pgautomator.notification_failed(%s, 'x')$$, :vmail), 'PA040', NULL, 'notification_failed of the victim''s mail: refused');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_notifications('victim', 1000)$$, 'PA040', NULL, 'claim_notifications as the victim: refused');
SELECT is((SELECT count(*)::int FROM pgautomator.claim_notifications('evil', 1000)), 0, 'it has no SMTP settings: no mail for it');

-- 7. agent_stop
SELECT throws_ok($$SELECT pgautomator.agent_stop('victim')$$, 'PA040', NULL, 'agent_stop of the victim: refused');
SELECT throws_ok($$SELECT pgautomator.agent_stop('victim', true)$$, 'PA040', NULL, 'draining the victim: refused');
SELECT lives_ok($$SELECT pgautomator.agent_stop('evil')$$, 'it stops itself');
SELECT lives_ok($$SELECT pgautomator.register_agent('evil', heartbeat_interval => '1 second')$$, 'and registers again');
SELECT ok(pgautomator.version() IS NOT NULL, 'version() is a read');
RESET ROLE;

-- Nothing of the victim's, of the schedules or of the history changed.
SELECT is((SELECT count(*)::int FROM before_runs b JOIN pgautomator.job_run r USING (id)
            WHERE (r.state, r.agent_id, r.finished_at, r.message, r.kill_requested_at, r.deadline_at)
                  IS NOT DISTINCT FROM (b.state, b.agent_id, b.finished_at, b.message, b.kill_requested_at, b.deadline_at)),
          (SELECT count(*)::int FROM before_runs), 'every run not of the evil agent is as it was (the victim''s, the retries, the history)');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE job_id <> pgautomator._job_id('evil_job')), (SELECT count(*)::int FROM before_runs),
          'no run added or deleted beside its own');
SELECT is((SELECT count(*)::int FROM before_steps b JOIN pgautomator.step_run s USING (id)
            WHERE (s.state, s.finished_at, s.exit_code, s.message, s.output, s.output_bytes, s.attempt)
                  IS NOT DISTINCT FROM (b.state, b.finished_at, b.exit_code, b.message, b.output, b.output_bytes, b.attempt)),
          (SELECT count(*)::int FROM before_steps), 'every attempt not of the evil agent is as it was');
SELECT is((SELECT count(*)::int FROM pgautomator.step_log l JOIN pgautomator.step_run s ON s.id = l.step_run_id JOIN pgautomator.job_run r ON r.id = s.job_run_id
            WHERE r.job_id <> pgautomator._job_id('evil_job')), 0, 'no output written into others'' attempts');
SELECT is((SELECT array_agg(next_fire_at ORDER BY job_id, schedule_id) FROM pgautomator.job_schedule),
          (SELECT array_agg(next_fire_at ORDER BY job_id, schedule_id) FROM before_fires), 'every next fire is as it was');
SELECT is((SELECT row(a.state, a.last_heartbeat_at, a.heartbeat_interval, a.db_role, a.tags, a.max_concurrent)::text FROM pgautomator.agent a WHERE a.name = 'victim'),
          (SELECT row(b.state, b.last_heartbeat_at, b.heartbeat_interval, b.db_role, b.tags, b.max_concurrent)::text FROM before_victim b), 'the victim agent is as it was');
SELECT is((SELECT count(*)::int FROM before_mail b JOIN pgautomator.notification n USING (id)
            WHERE (n.state, n.attempts, n.claimed_by, n.next_attempt_at) IS NOT DISTINCT FROM (b.state, b.attempts, b.claimed_by, b.next_attempt_at)),
          (SELECT count(*)::int FROM before_mail), 'the mail outbox is as it was');
SELECT ok(coalesce((SELECT (value ->> 'at')::timestamptz <= now() FROM pgautomator.setting WHERE name = 'retention_pass'), true)
          AND coalesce((SELECT (value ->> 'resumed_at')::timestamptz <= now() FROM pgautomator.setting WHERE name = 'contact'), true),
          'the retention and contact markers are not in the future');

SELECT * FROM finish();
ROLLBACK;

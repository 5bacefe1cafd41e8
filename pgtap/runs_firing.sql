-- Firing: claim_runs turns due fires into runs exactly once, with the misfire and overlap
-- policies, and hands them out by pinning, tags and capacity. Fixed instants from T0 =
-- 2030-01-01 00:00:00 UTC; each scenario has its own job and first clears what else is due.
BEGIN;
SELECT plan(71);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator.create_schedule('every10s', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}');
SELECT pgautomator.create_schedule('every1s', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":1,"unit":"second"}}');
SELECT pgautomator._register_agent('a1', max_concurrent => 100, at => '2030-01-01 00:00:00+00');

-- A job with one step and schedule, first fire pinned; everything else made not due and no
-- queued run left over from an earlier scenario.
CREATE FUNCTION pg_temp.job(name text, overlap text DEFAULT 'allow', misfire text DEFAULT 'run_all',
                            grace interval DEFAULT '1 minute', sched text DEFAULT 'every10s',
                            first timestamptz DEFAULT '2030-01-01 00:00:00+00') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
  UPDATE pgautomator.job_schedule SET next_fire_at = NULL;
  UPDATE pgautomator.job_run SET state = 'cancelled', finished_at = clock_timestamp() WHERE state = 'queued';
  id := pgautomator.create_job(name, overlap => overlap, misfire => misfire, misfire_grace => grace);
  PERFORM pgautomator.add_step(name, 'only', 'shell', 'true');
  PERFORM pgautomator.attach_schedule(name, sched);
  UPDATE pgautomator.job_schedule js SET next_fire_at = first WHERE js.job_id = id;
  RETURN id;
END $$;
-- 'queued:1,skipped:2': the job's runs counted by state.
CREATE FUNCTION pg_temp.states(job text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(s || ':' || n, ',' ORDER BY s), '')
    FROM (SELECT r.state AS s, count(*) AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
           WHERE j.name = job GROUP BY r.state) x $$;
CREATE FUNCTION pg_temp.fire(at timestamptz) RETURNS void LANGUAGE sql AS $$
  SELECT count(*) FROM pgautomator._claim_runs('a1', 0, at); $$;  -- max 0: fire only, claim nothing
CREATE FUNCTION pg_temp.next_fire(job text) RETURNS timestamptz LANGUAGE sql AS $$
  SELECT js.next_fire_at FROM pgautomator.job_schedule js JOIN pgautomator.job j ON j.id = js.job_id WHERE j.name = job $$;

-- 1. Due fires become runs exactly once; next_fire_at and last_fire_at advance.
SELECT pg_temp.job('once_only');
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('once_only'), 'queued:3', 'fires at :00, :10, :20 are queued');
SELECT is(pg_temp.next_fire('once_only'), '2030-01-01 00:00:30+00'::timestamptz, 'next_fire_at advanced past at');
SELECT is((SELECT js.last_fire_at FROM pgautomator.job_schedule js JOIN pgautomator.job j ON j.id = js.job_id WHERE j.name = 'once_only'),
          '2030-01-01 00:00:20+00'::timestamptz, 'last_fire_at is the latest fire');
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('once_only'), 'queued:3', 'claiming again at the same instant fires nothing new');
SELECT is((SELECT array_agg(r.scheduled_for ORDER BY r.id) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'once_only'),
          ARRAY['2030-01-01 00:00:00+00', '2030-01-01 00:00:10+00', '2030-01-01 00:00:20+00']::timestamptz[], 'one run per fire, with its instant');
SELECT is((SELECT array_agg(DISTINCT r.trigger) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'once_only'),
          ARRAY['schedule'], 'trigger schedule');
-- Even replaying the same fires (next_fire_at pushed back) cannot make a fire run twice.
UPDATE pgautomator.job_schedule js SET next_fire_at = '2030-01-01 00:00:00+00' FROM pgautomator.job j WHERE j.id = js.job_id AND j.name = 'once_only';
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('once_only'), 'queued:3', 'a replayed fire is not inserted twice (unique job, schedule, scheduled_for)');
SELECT is(pg_temp.next_fire('once_only'), '2030-01-01 00:00:30+00'::timestamptz, 'and next_fire_at advances again');

-- 2. Overlap policies (misfire run_all, grace 1 minute: every fire is on time or run).
SELECT pg_temp.job('ov_skip', overlap => 'skip');
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('ov_skip'), 'queued:1,skipped:2', 'skip: the first fire queues, the next two are recorded skipped');
SELECT ok((SELECT bool_and(r.message LIKE '%overlap = skip%' AND r.finished_at IS NOT NULL) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
            WHERE j.name = 'ov_skip' AND r.state = 'skipped'), 'skipped rows say why and are finished');

SELECT pg_temp.job('ov_queue_one', overlap => 'queue_one', first => '2030-01-01 00:00:00+00');
SELECT pg_temp.fire('2030-01-01 00:00:05+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 1, '2030-01-01 00:00:05+00')), 1, 'queue_one: the first run is claimed');
SELECT pg_temp.fire('2030-01-01 00:00:35+00');
SELECT is(pg_temp.states('ov_queue_one'), 'queued:1,running:1,skipped:2', 'queue_one: with one running, one more waits and the rest are skipped');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 5, '2030-01-01 00:00:35+00')), 0, 'queue_one: the waiting run is not started beside the running one');

SELECT pg_temp.job('ov_queue_all', overlap => 'queue_all');
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('ov_queue_all'), 'queued:3', 'queue_all: every fire waits');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 5, '2030-01-01 00:00:25+00')), 1, 'queue_all: one run at a time is handed out');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 5, '2030-01-01 00:00:25+00')), 0, 'queue_all: the next waits for the running one');

SELECT pg_temp.job('ov_cancel', overlap => 'cancel_previous');
SELECT pg_temp.fire('2030-01-01 00:00:05+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 1, '2030-01-01 00:00:05+00')), 1, 'cancel_previous: the first run runs');
SELECT pg_temp.fire('2030-01-01 00:00:15+00');
SELECT is(pg_temp.states('ov_cancel'), 'queued:1,running:1', 'cancel_previous: the next fire queues');
SELECT ok((SELECT r.kill_requested_at IS NOT NULL FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'ov_cancel' AND r.state = 'running'),
          'cancel_previous: a kill of the running run is requested');
SELECT pg_temp.fire('2030-01-01 00:00:45+00');
SELECT is(pg_temp.states('ov_cancel'), 'cancelled:1,queued:1,running:1,skipped:2',
          'cancel_previous: the waiting run is cancelled, earlier fires of the batch superseded, the latest queued');

SELECT pg_temp.job('ov_allow', overlap => 'allow');
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('a1', 5, '2030-01-01 00:00:25+00')), 3, 'allow: runs of one job run side by side');

-- 3. Misfire policies: grace 5 s, fires :00 :10 :20 all due at :27 are all late.
SELECT pg_temp.job('mf_once', misfire => 'run_once', grace => '5 seconds');
SELECT pg_temp.fire('2030-01-01 00:00:27+00');
SELECT is(pg_temp.states('mf_once'), 'queued:1,skipped:2', 'run_once: one run for the missed fires');
SELECT is((SELECT r.scheduled_for FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'mf_once' AND r.state = 'queued'),
          '2030-01-01 00:00:20+00'::timestamptz, 'run_once: the latest missed fire runs');
SELECT ok((SELECT bool_and(r.message LIKE '%misfire = run_once%') FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
            WHERE j.name = 'mf_once' AND r.state = 'skipped'), 'run_once: the others say why');

SELECT pg_temp.job('mf_once_ontime', misfire => 'run_once', grace => '5 seconds');
SELECT pg_temp.fire('2030-01-01 00:00:22+00');
SELECT is((SELECT string_agg(r.state || '@' || to_char(r.scheduled_for, 'SS'), ',' ORDER BY r.scheduled_for) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'mf_once_ontime'),
          'skipped@00,skipped@10,queued@20', 'run_once: an on-time fire stands for the missed ones');

SELECT pg_temp.job('mf_all', misfire => 'run_all', grace => '5 seconds');
SELECT pg_temp.fire('2030-01-01 00:00:27+00');
SELECT is(pg_temp.states('mf_all'), 'queued:3', 'run_all: every missed fire runs');

SELECT pg_temp.job('mf_skip', misfire => 'skip', grace => '5 seconds');
SELECT pg_temp.fire('2030-01-01 00:00:27+00');
SELECT is(pg_temp.states('mf_skip'), 'skipped:3', 'skip: every missed fire is recorded skipped');
SELECT ok((SELECT bool_and(r.message LIKE '%misfire = skip%') FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
            WHERE j.name = 'mf_skip'), 'skip: each says why');

-- 4. Skipped rows are bounded per call, the rest counted, never lost; a long backlog is worked
--    off over several calls (1,000 fires per pair per call).
SELECT pg_temp.job('mf_many', misfire => 'skip', grace => '0', sched => 'every1s');
SELECT pg_temp.fire('2030-01-01 00:05:00+00');
SELECT is(pg_temp.states('mf_many'), 'queued:1,skipped:100', '300 missed fires: 100 skipped rows, and the on-time fire queued');
SELECT ok((SELECT r.message LIKE '%200 more fires of this schedule from 2030-01-01 00:01:39+00 to 2030-01-01 00:04:58+00 were skipped too%'
             FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'mf_many' AND r.state = 'skipped'
            ORDER BY r.scheduled_for DESC LIMIT 1), 'the last skipped row counts the 200 without a row, with their span');
SELECT is((SELECT max(r.scheduled_for) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'mf_many' AND r.state = 'skipped'),
          '2030-01-01 00:04:59+00'::timestamptz, 'the latest skipped fire has the summary row');

SELECT pg_temp.job('mf_backlog', misfire => 'skip', grace => '0', sched => 'every1s');
SELECT pg_temp.fire('2030-01-01 00:25:00+00');
SELECT is(pg_temp.next_fire('mf_backlog'), '2030-01-01 00:16:40+00'::timestamptz, 'a backlog of 1,501 fires: the first call takes 1,000');
SELECT is(pg_temp.states('mf_backlog'), 'skipped:100', 'and records 100 rows for them');
SELECT pg_temp.fire('2030-01-01 00:25:00+00');
SELECT is(pg_temp.next_fire('mf_backlog'), '2030-01-01 00:25:01+00'::timestamptz, 'the next call takes the rest');
SELECT is(pg_temp.states('mf_backlog'), 'queued:1,skipped:200', 'and the on-time fire runs');

-- 5. Disabled jobs and schedules do not fire.
SELECT pg_temp.job('dis_job');
SELECT pgautomator.disable_job('dis_job', 'testing');
UPDATE pgautomator.job_schedule js SET next_fire_at = '2030-01-01 00:00:00+00' FROM pgautomator.job j WHERE j.id = js.job_id AND j.name = 'dis_job';
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('dis_job'), '', 'a disabled job does not fire even with a due next_fire_at');
SELECT is(pg_temp.next_fire('dis_job'), NULL, 'its stray next_fire_at is cleared');
SELECT pgautomator.create_schedule('every10s_off', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}');
SELECT pg_temp.job('dis_sched', sched => 'every10s_off');
SELECT pgautomator.disable_schedule('every10s_off');
UPDATE pgautomator.job_schedule js SET next_fire_at = '2030-01-01 00:00:00+00' FROM pgautomator.job j WHERE j.id = js.job_id AND j.name = 'dis_sched';
SELECT pg_temp.fire('2030-01-01 00:00:25+00');
SELECT is(pg_temp.states('dis_sched'), '', 'a disabled schedule does not fire');
SELECT is(pg_temp.next_fire('dis_sched'), NULL, 'its stray next_fire_at is cleared');

-- 6. Handing out: pinning, tags, capacity, order, due time, agent state.
SELECT pg_temp.job('nothing_due');  -- clears what is queued and due
UPDATE pgautomator.job_run SET state = 'failed', finished_at = clock_timestamp() WHERE state = 'running';
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;
SELECT pgautomator._register_agent('pinned_to', max_concurrent => 10, heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
SELECT pgautomator._register_agent('tagged', tags => '{linux,big}', heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
SELECT pgautomator._register_agent('plain', heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
SELECT pgautomator.create_job('pinned_job', agent => 'pinned_to');
SELECT pgautomator.add_step('pinned_job', 'only', 'shell', 'true');
SELECT pgautomator.create_job('linux_job', agent_tags => '{linux}');
SELECT pgautomator.add_step('linux_job', 'only', 'shell', 'true');
SELECT pgautomator._start_job('pinned_job', at => '2030-01-01 00:01:00+00');
SELECT pgautomator._start_job('linux_job', at => '2030-01-01 00:01:00+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('plain', 10, '2030-01-01 00:01:00+00')), 0, 'an agent without the tags and not pinned gets nothing');
SELECT is((SELECT array_agg(x ->> 'job') FROM pgautomator._claim_runs('tagged', 10, '2030-01-01 00:01:00+00') x), ARRAY['linux_job'], 'an agent carrying the tags gets the tagged job only');
SELECT is((SELECT array_agg(x ->> 'job') FROM pgautomator._claim_runs('pinned_to', 10, '2030-01-01 00:01:00+00') x), ARRAY['pinned_job'], 'the pinned agent gets the pinned job');

SELECT pgautomator._register_agent('small', max_concurrent => 2, heartbeat_interval => '1 hour', at => '2030-01-01 00:00:00+00');
SELECT pgautomator.create_job('cap_job', overlap => 'allow');
SELECT pgautomator.add_step('cap_job', 'only', 'shell', 'true');
SELECT pgautomator._start_job('cap_job', at => ('2030-01-01 00:01:0' || i || '+00')::timestamptz) FROM generate_series(1, 5) i;
SELECT pgautomator._start_job('cap_job', at => '2030-01-01 01:00:00+00');
SELECT is((SELECT array_agg((x ->> 'scheduled_for')::timestamptz) FROM pgautomator._claim_runs('small', 10, '2030-01-01 00:02:00+00') x),
          ARRAY['2030-01-01 00:01:01+00', '2030-01-01 00:01:02+00']::timestamptz[], 'capacity: max_concurrent 2 takes 2 runs, oldest first');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('small', 10, '2030-01-01 00:02:00+00')), 0, 'capacity: a full agent takes nothing more');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('plain', 1, '2030-01-01 00:02:00+00')), 1, 'max: at most max runs per call');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('plain', 10, '2030-01-01 00:02:00+00')), 2, 'the other due runs; the run due later than at is not handed out');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('plain', 10, '2030-01-01 01:00:00+00')), 1, 'until they are due');

SELECT pgautomator._start_job('cap_job', at => '2030-01-01 00:03:00+00');
SELECT pgautomator._agent_stop('plain', drain => true, at => '2030-01-01 00:03:00+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('plain', 10, '2030-01-01 00:03:00+00')), 0, 'a draining agent claims nothing');
SELECT pgautomator._agent_stop('tagged', at => '2030-01-01 00:03:00+00');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('tagged', 10, '2030-01-01 00:03:00+00')), 0, 'an offline agent claims nothing');

-- 7. The run object handed to the agent (docs/agent-protocol.md).
SELECT pgautomator.create_connection('warehouse', 'postgres', 'postgres://etl@db/warehouse', 'env:WAREHOUSE_PW');
SELECT pgautomator.create_job('shape_job', timeout => '90 seconds');
SELECT pgautomator.add_step('shape_job', 'extract', 'shell', 'echo 1', shell => 'bash', timeout => '30 seconds', retries => 2, retry_delay => '5 seconds');
SELECT pgautomator.add_step('shape_job', 'load', 'sql', 'SELECT 1', connection => 'warehouse');
SELECT pgautomator.add_step('shape_job', 'cleanup', 'shell', 'true', on_success => 'goto', on_success_goto => 'extract');
SELECT pgautomator._start_job('shape_job', at_step => 'load', at => '2030-01-01 00:03:00+00');
CREATE TEMP TABLE shape AS SELECT x FROM pgautomator._claim_runs('pinned_to', 10, '2030-01-01 00:03:00+00') x WHERE x ->> 'job' = 'shape_job';
SELECT is((SELECT array_agg(k ORDER BY k) FROM shape, jsonb_object_keys(x) k),
          ARRAY['attempt','begun','job','job_id','on_abandon','run_id','schedule','scheduled_for','start_position','steps','timeout','trigger'], 'run object keys');
SELECT is((SELECT x -> 'timeout' FROM shape), '90'::jsonb, 'job timeout in seconds');
SELECT is((SELECT x -> 'start_position' FROM shape), '2'::jsonb, 'start position of at_step');
SELECT is((SELECT jsonb_array_length(x -> 'steps') FROM shape), 3, 'all steps, in order');
SELECT is((SELECT (x #> '{steps,0}') - 'step_id'::text FROM shape),
          '{"position": 1, "name": "extract", "enabled": true, "kind": "shell", "command": "echo 1", "shell": "bash", "working_dir": null,
            "env": {}, "success_codes": [0], "timeout": 30, "retries": 2, "retry_delay": 5, "retry_backoff": 1, "on_success": "next",
            "on_success_goto": null, "on_failure": "quit_failure", "on_failure_goto": null, "connection": null}'::jsonb,
          'a shell step: intervals in seconds');
SELECT is((SELECT x #> '{steps,2,on_success_goto}' FROM shape), '1'::jsonb, 'goto targets as positions');
SELECT is((SELECT x #> '{steps,1,connection}' FROM shape),
          '{"name": "warehouse", "driver": "postgres", "dsn": "postgres://etl@db/warehouse", "secret_ref": "env:WAREHOUSE_PW"}'::jsonb,
          'a sql step carries its connection (a secret reference, never a secret)');
SELECT ok((SELECT r.started_at IS NOT NULL AND r.deadline_at = r.started_at + interval '90 seconds' AND r.state = 'running'
             FROM shape JOIN pgautomator.job_run r ON r.id = (x ->> 'run_id')::bigint), 'claimed: running, started_at set, deadline from the timeout');
SELECT is((SELECT x -> 'begun' FROM shape),
          (SELECT jsonb_build_object('step_id', sr.step_id, 'step_run_id', sr.id, 'attempt', 1)
             FROM shape JOIN pgautomator.step_run sr ON sr.job_run_id = (x ->> 'run_id')::bigint),
          'the claim began the one attempt it names');
SELECT is((SELECT st.name FROM shape JOIN pgautomator.step st ON st.id = (x #>> '{begun,step_id}')::bigint), 'load',
          'the attempt begun is of the step at the start position');
SELECT is((SELECT pgautomator.begin_step((x ->> 'run_id')::bigint, (x #>> '{begun,step_id}')::bigint, 1) FROM shape),
          (SELECT (x #>> '{begun,step_run_id}')::bigint FROM shape), 'begin_step of it answers the same step run');
SELECT pgautomator.create_job('skip_job');
SELECT pgautomator.add_step('skip_job', 'off', 'shell', 'true', enabled => false);
SELECT pgautomator.add_step('skip_job', 'on', 'shell', 'true');
SELECT pgautomator.create_job('none_job');
SELECT pgautomator.add_step('none_job', 'off', 'shell', 'true', enabled => false);
SELECT pgautomator._start_job('skip_job', at => '2030-01-01 00:03:00+00');
SELECT pgautomator._start_job('none_job', at => '2030-01-01 00:03:00+00');
CREATE TEMP TABLE skipped AS SELECT x FROM pgautomator._claim_runs('pinned_to', 10, '2030-01-01 00:03:00+00') x;
SELECT is((SELECT st.name FROM skipped JOIN pgautomator.step st ON st.id = (x #>> '{begun,step_id}')::bigint WHERE x ->> 'job' = 'skip_job'), 'on',
          'a disabled first step is passed over, as the agent passes it over');
SELECT is((SELECT x -> 'begun' FROM skipped WHERE x ->> 'job' = 'none_job'), 'null'::jsonb, 'no enabled step: nothing begun');

-- 8. Many jobs on one schedule: the next fire is computed once per schedule and instant, yet every
--    pair advances from its own fire; the runs of one instant are numbered (so handed out) in job
--    order, whatever their schedules. A deleted schedule's runs stay in the history.
SELECT pgautomator._register_agent('a1', max_concurrent => 100, at => '2030-01-01 00:10:00+00');  -- declared dead by the claims at 01:00 above
SELECT pgautomator.create_schedule('shared10s', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}');
SELECT pgautomator.create_schedule('other10s', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}');
SELECT pg_temp.job('sh_a', sched => 'other10s');
SELECT pg_temp.job('sh_b', sched => 'shared10s');
SELECT pg_temp.job('sh_c', sched => 'shared10s');
SELECT pg_temp.job('sh_d', sched => 'shared10s');
UPDATE pgautomator.job_schedule js
   SET next_fire_at = CASE j.name WHEN 'sh_d' THEN '2030-01-01 00:10:05+00'::timestamptz ELSE '2030-01-01 00:10:00+00' END
  FROM pgautomator.job j WHERE j.id = js.job_id AND j.name LIKE 'sh\_%';
SELECT pg_temp.fire('2030-01-01 00:10:09+00');
SELECT is((SELECT string_agg(pg_temp.states(n), ' ' ORDER BY n) FROM unnest(ARRAY['sh_a', 'sh_b', 'sh_c', 'sh_d']) n),
          'queued:1 queued:1 queued:1 queued:1', 'shared schedule: each pair fires once');
SELECT is((SELECT array_agg(pg_temp.next_fire(n) ORDER BY n) FROM unnest(ARRAY['sh_a', 'sh_b', 'sh_c', 'sh_d']) n),
          array_fill('2030-01-01 00:10:10+00'::timestamptz, ARRAY[4]), 'shared schedule: each pair advances to the fire after its own');
SELECT is((SELECT array_agg(j.name || '@' || to_char(r.scheduled_for, 'HH24:MI:SS') ORDER BY r.id)
             FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name LIKE 'sh\_%'),
          ARRAY['sh_a@00:10:00', 'sh_b@00:10:00', 'sh_c@00:10:00', 'sh_d@00:10:05'], 'the runs of one instant are numbered in job order');
SELECT pgautomator.delete_schedule('other10s', force => true);
SELECT is((SELECT count(*)::int FROM pgautomator.runs v WHERE v.job = 'sh_a'), 1, 'a deleted schedule''s runs stay in the history');
SELECT is((SELECT v.schedule FROM pgautomator.runs v WHERE v.job = 'sh_a'), NULL, 'and no longer name it');

-- cron schedules (issue 16) fire through the same path: 2030-01-01 is a Tuesday, so
-- '0 9 * * mon-fri' fires at 09:00 on 1, 2, 3 January and next on Monday 7 January.
SELECT pgautomator.create_schedule('cron_weekdays', '{"type":"cron","expression":"0 9 * * mon-fri"}');
SELECT pg_temp.job('cron_job', misfire => 'run_all', grace => '7 days', sched => 'cron_weekdays', first => '2030-01-01 09:00:00+00');
SELECT pg_temp.fire('2030-01-05 12:00:00+00');
SELECT is((SELECT array_agg(r.scheduled_for ORDER BY r.id) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id WHERE j.name = 'cron_job'),
          ARRAY['2030-01-01 09:00:00+00', '2030-01-02 09:00:00+00', '2030-01-03 09:00:00+00', '2030-01-04 09:00:00+00']::timestamptz[],
          'cron: one run per weekday fire up to at');
SELECT is(pg_temp.next_fire('cron_job'), '2030-01-07 09:00:00+00'::timestamptz, 'cron: next_fire_at skips the weekend');

SELECT throws_ok($$SELECT * FROM pgautomator.claim_runs('pinned_to', -1)$$, 'PA002', NULL, 'claim_runs: max out of range is PA002');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_runs('nobody', 1)$$, 'PA010', NULL, 'claim_runs: an unknown agent is PA010');

SELECT * FROM finish();
ROLLBACK;

-- Read API for psql and the UI: list_*/get_* functions, run history paging, step output
-- streaming, the running and agents views, the timeline; and delete_agent.
BEGIN;
SELECT plan(48);

-- Fixtures. Runs, step runs and log chunks are written by the agent protocol; here they are rows
-- written directly, so that the reads are tested on their own. Ids are looked up by key (the
-- identity sequences are not rolled back between runs of this file).
CREATE TEMP TABLE ids (k text PRIMARY KEY, id bigint NOT NULL);
CREATE FUNCTION pg_temp.id(k text) RETURNS bigint LANGUAGE sql AS $$ SELECT id FROM ids WHERE ids.k = $1 $$;

INSERT INTO pgautomator.agent (name, db_role, host, state, heartbeat_interval, last_heartbeat_at, tags)
VALUES ('host1', 'postgres', 'h1.example.com', 'online', '10 seconds', now() - interval '5 seconds', '{linux}'),
       ('host2', 'postgres', 'h2.example.com', 'online', '10 seconds', now() - interval '1 hour', '{}'),
       ('host3', 'postgres', 'h3.example.com', 'offline', '10 seconds', now() - interval '2 days', '{}');
SELECT pgautomator.create_category('data');
INSERT INTO ids SELECT 'etl', pgautomator.create_job('etl', category => 'data');
INSERT INTO ids SELECT 'backup', pgautomator.create_job('backup', agent => 'host3');
SELECT pgautomator.add_step('etl', 'extract', 'shell', 'extract.sh');
SELECT pgautomator.add_step('etl', 'load', 'shell', 'load.sh');
INSERT INTO ids SELECT 'hourly', pgautomator.create_schedule('hourly',
  '{"type": "daily", "start_date": "2099-01-01", "sub": {"type": "every", "every": 1, "unit": "hour"}}');
SELECT pgautomator.attach_schedule('etl', 'hourly');

CREATE FUNCTION pg_temp.run(k text, job text, trig text, sched bigint, due interval, started interval, finished interval, st text, agent text, who name)
RETURNS void LANGUAGE sql AS $$
  WITH r AS (
    INSERT INTO pgautomator.job_run (job_id, trigger, schedule_id, scheduled_for, started_at, finished_at, state, agent_id, requested_by)
    VALUES (pg_temp.id(job), trig, sched, now() - due, now() - started, now() - finished, st,
            (SELECT a.id FROM pgautomator.agent a WHERE a.name = agent), who)
    RETURNING id)
  INSERT INTO ids SELECT k, id FROM r
$$;
-- In the order they happened: r5 (a skipped fire) is the oldest, r4 (queued) the newest.
SELECT pg_temp.run('r5', 'etl', 'schedule', pg_temp.id('hourly'), '10 hours', NULL, '10 hours', 'skipped', NULL, NULL);
SELECT pg_temp.run('r1', 'etl', 'schedule', pg_temp.id('hourly'), '5 hours', '5 hours - 30 seconds', '4 hours 55 minutes', 'succeeded', 'host1', NULL);
SELECT pg_temp.run('r2', 'backup', 'manual', NULL, '3 hours', '3 hours - 10 seconds', '2 hours', 'failed', 'host2', 'alice');
SELECT pg_temp.run('r3', 'etl', 'schedule', pg_temp.id('hourly'), '1 hour', '59 minutes', NULL, 'running', 'host1', NULL);
SELECT pg_temp.run('r4', 'backup', 'manual', NULL, '1 minute', NULL, NULL, 'queued', NULL, 'alice');

WITH s AS (
  INSERT INTO pgautomator.step_run (job_run_id, position, step_name, attempt, state, started_at, finished_at, exit_code, output, output_bytes)
  VALUES (pg_temp.id('r1'), 1, 'extract', 1, 'failed', now() - interval '5 hours', now() - interval '5 hours' + interval '1 minute', 1, 'timeout', 7),
         (pg_temp.id('r1'), 1, 'extract', 2, 'succeeded', now() - interval '5 hours' + interval '2 minutes', now() - interval '4 hours 58 minutes', 0, 'ok', 2),
         (pg_temp.id('r1'), 2, 'load', 1, 'succeeded', now() - interval '4 hours 58 minutes', now() - interval '4 hours 55 minutes', 0, NULL, 0)
  RETURNING id)
SELECT count(*) FROM s;
WITH s AS (
  INSERT INTO pgautomator.step_run (job_run_id, position, step_name, attempt, state, started_at)
  VALUES (pg_temp.id('r3'), 1, 'extract', 1, 'running', now() - interval '58 minutes')
  RETURNING id)
INSERT INTO ids SELECT 'sr3', id FROM s;
WITH l AS (
  INSERT INTO pgautomator.step_log (step_run_id, stream, chunk)
  VALUES (pg_temp.id('sr3'), 'stdout', 'line 1'), (pg_temp.id('sr3'), 'stderr', 'warn 2'), (pg_temp.id('sr3'), 'stdout', 'line 3')
  RETURNING id)
INSERT INTO ids SELECT 'log1', min(id) FROM l;

-- list_jobs / get_job ---------------------------------------------------------------------------
SELECT results_eq($$SELECT name, category, steps, schedules, last_run_id, last_run_state FROM pgautomator.list_jobs()$$,
  $$VALUES ('backup', NULL::text, 0, '{}'::text[], pg_temp.id('r2'), 'failed'),
           ('etl', 'data', 2, '{hourly}'::text[], pg_temp.id('r3'), 'running')$$,
  'list_jobs: by name, with steps, schedules and the last run that left the queue');
SELECT is((SELECT next_run_at FROM pgautomator.list_jobs() WHERE name = 'etl'), '2099-01-01 00:00:00+00'::timestamptz,
  'list_jobs shows the next run');
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(pgautomator.get_job('etl')) k), '{alert_rules,email,job,schedules,steps,triggers}',
  'get_job returns job, steps, schedules, email, triggers and alert rules');
SELECT is(pgautomator.get_job('etl') #>> '{schedules,0,next_fire_at}', '2099-01-01T00:00:00+00:00', 'get_job gives each schedule''s next fire');
SELECT throws_ok($$SELECT pgautomator.get_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'get_job: unknown job is PA010');

-- list_schedules / get_schedule ------------------------------------------------------------------
SELECT results_eq($$SELECT name, type, jobs FROM pgautomator.list_schedules()$$, $$VALUES ('hourly', 'daily', '{etl}'::text[])$$,
  'list_schedules');
SELECT is(pgautomator.get_schedule('hourly') -> 'jobs',
  jsonb_build_array(jsonb_build_object('job', 'etl', 'enabled', true, 'next_fire_at', '2099-01-01T00:00:00+00:00', 'last_fire_at', NULL,
    'attached_at', (SELECT created_at FROM pgautomator.job_schedule WHERE schedule_id = pg_temp.id('hourly')))),
  'get_schedule lists the attached jobs with their next fire');
SELECT is(pgautomator.get_schedule('hourly') #>> '{schedule,spec,sub,unit}', 'hour', 'get_schedule carries the spec');
SELECT throws_ok($$SELECT pgautomator.get_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'get_schedule: unknown is PA010');

-- list_runs --------------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs()),
  ARRAY[pg_temp.id('r4'), pg_temp.id('r3'), pg_temp.id('r2'), pg_temp.id('r1'), pg_temp.id('r5')], 'list_runs: newest first');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(job => 'etl')), ARRAY[pg_temp.id('r3'), pg_temp.id('r1'), pg_temp.id('r5')], 'filter by job');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(state => 'failed')), ARRAY[pg_temp.id('r2')], 'filter by state');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(agent => 'host1')), ARRAY[pg_temp.id('r3'), pg_temp.id('r1')], 'filter by agent');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(since => now() - interval '4 hours')),
  ARRAY[pg_temp.id('r4'), pg_temp.id('r3'), pg_temp.id('r2')], 'since: runs due at or after it');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(until => now() - interval '4 hours')), ARRAY[pg_temp.id('r1'), pg_temp.id('r5')],
  'until: runs due before it');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs("limit" => 2)), ARRAY[pg_temp.id('r4'), pg_temp.id('r3')], 'limit: the first page');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs("limit" => 2, before_id => pg_temp.id('r3'))), ARRAY[pg_temp.id('r2'), pg_temp.id('r1')],
  'before_id: the next page');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(state => 'done')$$, 'PA002',
  'run state must be one of queued, running, succeeded, failed, killed, timed_out, abandoned, cancelled, skipped (got "done")',
  'an unknown state is PA002');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs("limit" => 0)$$, 'PA002', 'list_runs limit must be from 1 to 1000 (got 0)', 'limit 0 is PA002');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(job => 'nope')$$, 'PA010', 'job ''nope'' does not exist', 'list_runs: unknown job is PA010');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(agent => 'nope')$$, 'PA010', 'agent ''nope'' does not exist', 'list_runs: unknown agent is PA010');

-- the runs view ----------------------------------------------------------------------------------
SELECT results_eq($$SELECT job, agent, trigger, schedule, state, lateness, duration FROM pgautomator.list_runs(job => 'etl', state => 'succeeded')$$,
  $$VALUES ('etl', 'host1', 'schedule', 'hourly', 'succeeded', interval '30 seconds', interval '4 minutes 30 seconds')$$,
  'runs: names, lateness = started_at - scheduled_for, duration = finished_at - started_at');
SELECT results_eq($$SELECT requested_by::text, agent, duration FROM pgautomator.list_runs(state => 'queued')$$,
  $$VALUES ('alice'::name::text, NULL::text, NULL::interval)$$, 'a queued run: who asked, no agent, no duration yet');
SELECT is((SELECT duration FROM pgautomator.list_runs(state => 'running')), interval '59 minutes', 'a running run''s duration is the time so far');

-- get_run ----------------------------------------------------------------------------------------
SELECT is((pgautomator.get_run(pg_temp.id('r1')) #>> '{run,id}')::bigint, pg_temp.id('r1'), 'get_run returns the run');
SELECT is(ARRAY(SELECT format('%s/%s/%s/%s', s ->> 'step', s ->> 'attempt', s ->> 'retries', s ->> 'exit_code')
                  FROM jsonb_array_elements(pgautomator.get_run(pg_temp.id('r1')) -> 'steps') s),
  '{extract/1/0/1,extract/2/1/0,load/1/0/0}'::text[], 'with every step attempt in order: retries, exit codes');
SELECT is(pgautomator.get_run(pg_temp.id('r1')) #>> '{steps,1,output}', 'ok', 'and their output');
SELECT is(pgautomator.get_run(pg_temp.id('r4')) -> 'steps', '[]'::jsonb, 'a queued run has no steps yet');
SELECT throws_ok($$SELECT pgautomator.get_run(-1)$$, 'PA010', 'run -1 does not exist', 'get_run: unknown run is PA010');

-- step_output ------------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT x ->> 'chunk' FROM pgautomator.step_output(pg_temp.id('sr3')) x), '{"line 1","warn 2","line 3"}', 'step_output from the start');
SELECT is(ARRAY(SELECT x ->> 'stream' FROM pgautomator.step_output(pg_temp.id('sr3'), after_id => pg_temp.id('log1')) x), '{stderr,stdout}',
  'step_output after an id (streaming)');
SELECT is((SELECT count(*) FROM pgautomator.step_output(pg_temp.id('sr3'), "limit" => 1)), 1::bigint, 'step_output limit');
SELECT throws_ok($$SELECT * FROM pgautomator.step_output(-1)$$, 'PA010', 'step run -1 does not exist', 'step_output: unknown step run is PA010');
SELECT throws_ok(format('SELECT * FROM pgautomator.step_output(%s, "limit" => 0)', pg_temp.id('sr3')), 'PA002',
  'step_output limit must be from 1 to 10000 (got 0)', 'step_output: limit 0 is PA002');

-- list_running -----------------------------------------------------------------------------------
SELECT results_eq($$SELECT id, job, state, agent, step, step_attempt, step_run_id, elapsed FROM pgautomator.list_running()$$,
  $$VALUES (pg_temp.id('r3'), 'etl', 'running', 'host1', 'extract', 1, pg_temp.id('sr3'), interval '59 minutes'),
           (pg_temp.id('r4'), 'backup', 'queued', NULL, NULL, NULL, NULL, NULL)$$,
  'list_running: the running run with the step it is on, then the queued one');

-- list_agents ------------------------------------------------------------------------------------
SELECT results_eq($$SELECT name, state, online, running FROM pgautomator.list_agents()$$,
  $$VALUES ('host1', 'online', true, 1), ('host2', 'online', false, 0), ('host3', 'offline', false, 0)$$,
  'list_agents: online only with a heartbeat within three intervals; running counts');
SELECT is((SELECT running_runs FROM pgautomator.list_agents() WHERE name = 'host1'),
  jsonb_build_array(jsonb_build_object('run_id', pg_temp.id('r3'), 'job', 'etl', 'started_at', now() - interval '59 minutes')),
  'and what each runs now');

-- list_categories / list_connections / list_operators -------------------------------------------
SELECT results_eq($$SELECT name, jobs FROM pgautomator.list_categories()$$, $$VALUES ('data', 1)$$, 'list_categories counts jobs');
SELECT pgautomator.create_connection('wh', 'postgres', 'postgres://etl@wh/db');
SELECT pgautomator.add_step('etl', 'merge', 'sql', 'CALL merge()', connection => 'wh');
SELECT results_eq($$SELECT name, steps FROM pgautomator.list_connections()$$, $$VALUES ('wh', 1)$$, 'list_connections counts steps');
SELECT pgautomator.create_operator('ops', 'ops@example.com');
SELECT results_eq($$SELECT name, email FROM pgautomator.list_operators()$$, $$VALUES ('ops', 'ops@example.com')$$, 'list_operators');

-- timeline ---------------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT (x ->> 'run_id')::bigint FROM pgautomator.timeline() x), ARRAY[pg_temp.id('r1'), pg_temp.id('r2'), pg_temp.id('r3')],
  'timeline (last 6 hours): runs that started, in order of start');
SELECT is((SELECT x - 'started_at' - 'scheduled_for' FROM pgautomator.timeline() x WHERE (x ->> 'run_id')::bigint = pg_temp.id('r3')),
  jsonb_build_object('job', 'etl', 'run_id', pg_temp.id('r3'), 'state', 'running', 'trigger', 'schedule', 'agent', 'host1', 'finished_at', NULL, 'upstream_run_id', NULL),
  'a running run has no end yet');
SELECT is(ARRAY(SELECT (x ->> 'run_id')::bigint FROM pgautomator.timeline(since => now() - interval '150 minutes') x),
  ARRAY[pg_temp.id('r2'), pg_temp.id('r3')], 'timeline keeps runs that overlap the window');
SELECT throws_ok($$SELECT * FROM pgautomator.timeline(since => now(), until => now() - interval '1 hour')$$, 'PA002', NULL,
  'timeline: since after until is PA002');

-- delete_agent -----------------------------------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.delete_agent('host1')$$, 'PA030', 'agent ''host1'' is online', 'delete_agent refuses an online agent');
SELECT throws_ok($$SELECT pgautomator.delete_agent('host3')$$, 'PA021', 'agent ''host3'' is the only agent allowed to run job(s) backup',
  'delete_agent refuses while jobs are pinned to it');
SELECT pgautomator.update_job('backup', clear => '{agent}');
SELECT lives_ok($$SELECT pgautomator.delete_agent('host3')$$, 'delete_agent of an offline, unpinned agent');
SELECT throws_ok($$SELECT pgautomator.delete_agent('host3')$$, 'PA010', 'agent ''host3'' does not exist', 'delete_agent: unknown is PA010');

SELECT * FROM finish();
ROLLBACK;

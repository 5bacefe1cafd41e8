-- pgautomator.overview(): the console's first screen in one call (issue 15), its parts on a small
-- fixture at a pinned instant (the body _overview(at); overview() passes now()); and the jobs
-- list's figures (last and average duration, trend, success rate) in the jobs view.
BEGIN;
SELECT plan(16);

CREATE TEMP TABLE t AS SELECT timestamptz '2026-06-01 12:30:00+00' AS at;

INSERT INTO pgautomator.agent (name, db_role, host, state, heartbeat_interval, last_heartbeat_at)
VALUES ('busy', 'postgres', 'h1', 'online', interval '10 seconds', (SELECT at FROM t) - interval '5 seconds'),
       ('quiet', 'postgres', 'h2', 'online', interval '10 seconds', (SELECT at FROM t) - interval '1 hour'),
       ('gone', 'postgres', 'h3', 'offline', interval '10 seconds', (SELECT at FROM t) - interval '1 day');

SELECT pgautomator.create_job(n, overlap => 'allow') FROM (VALUES ('ok'), ('bad'), ('new'), ('idle')) AS j(n);
SELECT pgautomator.add_step('ok', 'work', 'shell', 'true');

-- Finished runs: durations of ok are 10, 20, 30 s; bad ends failed after a success.
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state, message)
SELECT (SELECT id FROM pgautomator.job WHERE name = j), 'manual', (SELECT at FROM t) + st, (SELECT at FROM t) + st,
       (SELECT at FROM t) + st + dur, s, m
  FROM (VALUES ('ok',  interval '-30 hours',   interval '10 seconds', 'succeeded', NULL),  -- older than 24 h: no bar
               ('ok',  interval '-2 hours',    interval '20 seconds', 'failed',    'exit 1'),
               ('ok',  interval '-20 minutes', interval '30 seconds', 'succeeded', NULL),
               ('ok',  interval '-10 minutes', interval '40 seconds', 'killed',    NULL),   -- passed over in the success rate
               ('bad', interval '-3 hours',    interval '1 second',   'succeeded', NULL),
               ('bad', interval '-25 minutes', interval '2 seconds',  'failed',    'disk full')
       ) AS r(j, st, dur, s, m);
-- Not started: no duration. Running on busy (at step work); queued 5 minutes ago (late).
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state, finished_at)
VALUES ((SELECT id FROM pgautomator.job WHERE name = 'ok'), 'schedule', (SELECT at FROM t) - interval '1 hour', 'skipped', (SELECT at FROM t) - interval '1 hour');
WITH r AS (
  INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, state, agent_id)
  SELECT (SELECT id FROM pgautomator.job WHERE name = 'ok'), 'manual', (SELECT at FROM t) - interval '1 minute', (SELECT at FROM t) - interval '1 minute',
         'running', (SELECT id FROM pgautomator.agent WHERE name = 'busy')
  RETURNING id, agent_id)
INSERT INTO pgautomator.step_run (job_run_id, position, step_name, agent_id) SELECT id, 1, 'work', agent_id FROM r;
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, state)
VALUES ((SELECT id FROM pgautomator.job WHERE name = 'new'), 'manual', (SELECT at FROM t) - interval '5 minutes', 'queued');

-- Fires: ok's overdue by 10 minutes (unclaimed, late); idle's in 1..12 hours (12 of them over two
-- schedules, the next 10 shown).
SELECT pgautomator.create_schedule('hourly', '{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 1, "unit": "hour", "start_time": "00:00", "end_time": "23:59"}}');
SELECT pgautomator.attach_schedule('ok', 'hourly');
UPDATE pgautomator.job_schedule js SET next_fire_at = (SELECT at FROM t) - interval '10 minutes'
  FROM pgautomator.job j WHERE j.id = js.job_id AND j.name = 'ok';
SELECT pgautomator.create_job('soon-' || i) FROM generate_series(1, 12) i;
SELECT pgautomator.attach_schedule('soon-' || i, 'hourly') FROM generate_series(1, 12) i;
UPDATE pgautomator.job_schedule js SET next_fire_at = (SELECT at FROM t) + make_interval(hours => substr(j.name, 6)::int)
  FROM pgautomator.job j WHERE j.id = js.job_id AND j.name LIKE 'soon-%';

CREATE TEMP TABLE o AS SELECT pgautomator._overview((SELECT at FROM t)) AS v;

SELECT is(jsonb_array_length((SELECT v->'hours' FROM o)), 24, 'hours: 24 bars');
SELECT is((SELECT v->'hours'->0->>'hour' FROM o)::timestamptz, timestamptz '2026-05-31 13:00:00+00', 'hours: the first bar starts 23 hours before the current hour');
SELECT is((SELECT v->'hours'->23->>'hour' FROM o)::timestamptz, timestamptz '2026-06-01 12:00:00+00', 'hours: the last bar is the current hour');
SELECT is((SELECT v->'hours'->23->'runs' FROM o), '{"failed": 1, "killed": 1, "succeeded": 1}'::jsonb,
  'the current hour counts the runs that ended in it by state');
SELECT is((SELECT v->'hours'->22->'runs' FROM o), '{"skipped": 1}'::jsonb, '11:00-12:00: the skipped fire');
SELECT is((SELECT sum((h->'runs'->>'succeeded')::int) FROM o, jsonb_array_elements(v->'hours') h), 2::bigint,
  'a run that ended more than 24 hours ago has no bar');
SELECT is((SELECT v->'now' FROM o), '{"running": 1, "queued": 1, "jobs": 16, "jobs_enabled": 16}'::jsonb, 'now: running, queued and job counts');
SELECT is((SELECT v->'failing' FROM o),
  jsonb_build_array(jsonb_build_object('job', 'bad', 'run_id', (SELECT id FROM pgautomator.job_run WHERE message = 'disk full'),
                                       'state', 'failed', 'finished_at', (SELECT at FROM t) - interval '25 minutes' + interval '2 seconds', 'message', 'disk full')),
  'failing: bad (its last outcome failed); ok is not (its last outcome succeeded, the killed run after it is passed over)');
SELECT is((SELECT jsonb_agg(l->>'kind' || ':' || (l->>'job')) FROM o, jsonb_array_elements(v->'late') l), '["unclaimed:ok", "queued:new"]'::jsonb,
  'late: the fire overdue by 10 minutes and the run queued 5 minutes ago, oldest first');
SELECT is((SELECT jsonb_agg(a->>'name') FROM o, jsonb_array_elements(v->'agents') a), '["busy", "quiet", "gone"]'::jsonb, 'agents: offline ones last');
SELECT is((SELECT jsonb_agg(a->'alive') FROM o, jsonb_array_elements(v->'agents') a), '[true, false, false]'::jsonb, 'agents: alive within their lease');
SELECT is((SELECT v->'agents'->0->'runs'->0->>'job' || ' at ' || (v->'agents'->0->'runs'->0->>'step') FROM o), 'ok at work', 'agents: what each runs now, at which step');
SELECT is((SELECT jsonb_agg(n->>'job') FROM o, jsonb_array_elements(v->'next_fires') n),
  (SELECT jsonb_agg('soon-' || i ORDER BY i) FROM generate_series(1, 10) i), 'next fires: the next 10 ahead, soonest first (the late one is not ahead)');

-- The jobs list's figures (jobs view, list_jobs): ok ran 10, 20, 30, 40 s (killed); skipped runs have no duration.
SELECT results_eq(
  $$SELECT last_duration, avg_duration, recent_durations, round(success_rate::numeric, 3) FROM pgautomator.jobs WHERE name = 'ok'$$,
  $$VALUES (NULL::interval, interval '25 seconds', '{10,20,30,40}'::float8[], 0.667)$$,
  'ok: last duration NULL (its last run runs), average 25 s over 4 runs, trend oldest first, 2 of 3 outcomes succeeded (killed passed over)');
SELECT results_eq(
  $$SELECT last_duration, recent_durations, success_rate FROM pgautomator.list_jobs() WHERE name IN ('bad', 'idle') ORDER BY name$$,
  $$VALUES (interval '2 seconds', '{1,2}'::float8[], 0.5::float8), (NULL, '{}', NULL)$$,
  'list_jobs: bad last took 2 s, 1 of 2 succeeded; idle never ran');

SELECT is((SELECT jsonb_typeof(pgautomator.overview())), 'object', 'overview() answers by the database clock');

SELECT * FROM finish();
ROLLBACK;

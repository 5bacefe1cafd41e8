-- pgautomator.status(): health in one row, its numbers on a small fixture at a pinned instant
-- (the body _status(at); status() passes now() and adds engine and version).
BEGIN;
SELECT plan(9);

-- The instant everything below is measured from.
CREATE TEMP TABLE t AS SELECT timestamptz '2026-06-01 12:00:00+00' AS at;

-- Agents, heartbeat interval 10 s, so a lease of 30 s.
INSERT INTO pgautomator.agent (name, db_role, state, heartbeat_interval, last_heartbeat_at)
SELECT n, 'postgres', s, interval '10 seconds', (SELECT at FROM t) + hb
  FROM (VALUES ('up',           'online',   interval '-5 seconds'),   -- online
               ('gone-quiet',   'online',   interval '-40 seconds'),  -- silent: lease ran out
               ('leaving',      'draining', interval '-5 seconds'),   -- draining
               ('left-quiet',   'draining', interval '-60 seconds'),  -- silent
               ('stopped',      'offline',  interval '-1 hour'),      -- counted nowhere
               ('never-beat',   'online',   NULL)) AS a(n, s, hb);    -- silent: never heartbeated

SELECT pgautomator.create_job(n, overlap => 'allow') FROM (VALUES ('ok'), ('bad'), ('bad2'), ('new')) AS j(n);

-- Runs, each job's in the order they happened (a job's last run is its highest id).
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state)
SELECT (SELECT id FROM pgautomator.job WHERE name = j), 'manual', (SELECT at FROM t) + due, (SELECT at FROM t) + due,
       (SELECT at FROM t) + fin, s
  FROM (VALUES ('ok',   interval '-2 days',    interval '-2 days',     'failed'),     -- older than a day
               ('ok',   interval '-20 hours',  interval '-20 hours',   'abandoned'),  -- last day
               ('ok',   interval '-3 hours',   interval '-3 hours',    'succeeded'),  -- ok's last outcome: not failing
               ('bad',  interval '-5 hours',   interval '-5 hours',    'succeeded'),
               ('bad',  interval '-31 minutes', interval '-30 minutes', 'failed'),    -- last hour; bad is failing
               ('bad2', interval '-5 hours',   interval '-5 hours',    'timed_out'),  -- last day; bad2 is failing
               ('bad2', interval '-10 minutes', interval '-10 minutes', 'killed'),    -- passed over: bad2 still failing
               ('new',  interval '1 hour',     interval '1 hour',      'failed')      -- after the instant: not counted
       ) AS r(j, due, fin, s);
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, state)
SELECT (SELECT id FROM pgautomator.job WHERE name = j), 'manual', (SELECT at FROM t) + due, (SELECT at FROM t) + started, s
  FROM (VALUES ('ok',  interval '-1 minute',   interval '-1 minute', 'running'),
               ('bad', interval '-2 minutes',  interval '-1 minute', 'running'),
               ('new', interval '-5 minutes',  NULL::interval,       'queued'),   -- late: due 5 minutes ago
               ('ok',  interval '-30 seconds', NULL::interval,       'queued')    -- waiting, not late yet
       ) AS r(j, due, started, s);

-- Fires: one overdue by 10 minutes that no agent claimed (late), one due in an hour.
SELECT pgautomator.create_schedule('hourly', '{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 1, "unit": "hour", "start_time": "00:00", "end_time": "23:59"}}');
SELECT pgautomator.attach_schedule(j, 'hourly') FROM (VALUES ('ok'), ('new')) AS j(j);
UPDATE pgautomator.job_schedule js SET next_fire_at = (SELECT at FROM t) + CASE j.name WHEN 'ok' THEN interval '-10 minutes' ELSE interval '1 hour' END
  FROM pgautomator.job j WHERE j.id = js.job_id;

-- Mail: two waiting (pending, sending), two done (sent, failed).
INSERT INTO pgautomator.notification (event, recipients, subject, body, state)
SELECT 'failure', '{dba@example.com}', 's', 'b', s FROM (VALUES ('pending'), ('sending'), ('sent'), ('failed')) AS n(s);

SELECT results_eq(
  $$SELECT agents_online, agents_draining, agents_silent FROM pgautomator._status((SELECT at FROM t))$$,
  $$VALUES (1, 1, 3)$$,
  'agents: 1 online, 1 draining, 3 silent (lease ran out, or never heartbeated); offline ones are counted nowhere');
SELECT results_eq(
  $$SELECT runs_running, runs_queued, runs_late FROM pgautomator._status((SELECT at FROM t))$$,
  $$VALUES (2, 2, 2)$$,
  'runs: 2 running, 2 queued, 2 late (a run queued 5 minutes ago and a fire 10 minutes overdue)');
SELECT results_eq(
  $$SELECT failed_last_hour, failed_last_day FROM pgautomator._status((SELECT at FROM t))$$,
  $$VALUES (1, 3)$$,
  'failed, timed_out and abandoned runs: 1 in the last hour, 3 in the last day (not the one of 2 days ago, nor one after the instant)');
SELECT results_eq(
  $$SELECT jobs_failing, failing_jobs FROM pgautomator._status((SELECT at FROM t))$$,
  $$VALUES (2, '{bad,bad2}'::text[])$$,
  'jobs failing: those whose last run with an outcome did not succeed (a killed run is passed over)');
SELECT is((SELECT mail_waiting FROM pgautomator._status((SELECT at FROM t))), 2, 'mail waiting: pending and sending');

-- An hour later.
SELECT results_eq(
  $$SELECT failed_last_hour, failed_last_day, agents_online, agents_silent FROM pgautomator._status((SELECT at FROM t) + interval '1 hour')$$,
  $$VALUES (1, 4, 0, 5)$$,
  'an hour later: the failure of 13:00 (job new) is in the hour, the one of 11:30 only in the day; every heartbeat is old');

-- status(): the same row now, with the engine and the version; one row always.
SELECT is((SELECT count(*) FROM pgautomator.status()), 1::bigint, 'status() returns one row');
SELECT results_eq($$SELECT engine, version FROM pgautomator.status()$$, $$SELECT pgautomator.engine(), pgautomator.version()$$,
  'status() names the engine in use and the installed version');
SELECT is((SELECT proargnames FROM pg_proc WHERE oid = 'pgautomator.status()'::regprocedure),
  ARRAY['agents_online', 'agents_draining', 'agents_silent', 'runs_running', 'runs_queued', 'runs_late', 'failed_last_hour',
        'failed_last_day', 'jobs_failing', 'failing_jobs', 'mail_waiting', 'engine', 'version'],
  'status() columns, named for psql readers');

SELECT * FROM finish();
ROLLBACK;

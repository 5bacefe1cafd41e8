-- watch_events: progress events (run_started, run_finished, step_output) go out only within the
-- window a watcher opened; the window only grows; bad input and callers without a pgautomator role
-- are refused. (That the NOTIFYs themselves follow the window is checked end to end, with a real
-- LISTEN, by test/events-watch.test.ts: notifications leave only at commit.)
BEGIN;
SELECT plan(12);

CREATE ROLE pgat_watch_viewer; GRANT pgautomator_viewer TO pgat_watch_viewer;
CREATE ROLE pgat_watch_nobody;

SELECT ok(pgautomator._is_progress_event('run_started') AND pgautomator._is_progress_event('run_finished')
          AND pgautomator._is_progress_event('step_output'), 'run_started, run_finished and step_output are progress events');
SELECT ok(NOT pgautomator._is_progress_event('run_queued') AND NOT pgautomator._is_progress_event('kill')
          AND NOT pgautomator._is_progress_event('schedule_changed') AND NOT pgautomator._is_progress_event('agent_offline'),
          'the events agents wait for, and agent_online/offline, always go out');

SELECT ok(NOT pgautomator._events_watched(), 'nobody watches after the install');

SET LOCAL ROLE pgat_watch_viewer;
SELECT is(pgautomator.watch_events(120), now() + interval '120 seconds', 'a viewer opens a window of 120 s; it returns its end');
RESET ROLE;
SELECT ok(pgautomator._events_watched(), 'progress events are sent within the window');
SELECT is(pgautomator.watch_events(30), now() + interval '120 seconds', 'a shorter window does not cut the longer one');
SELECT is(pgautomator.watch_events(600), now() + interval '600 seconds', 'a longer one extends it');
SELECT is((SELECT value #>> '{}' FROM pgautomator.setting WHERE name = 'events_watched_until')::timestamptz, now() + interval '600 seconds',
  'the window is the events_watched_until setting');

UPDATE pgautomator.setting SET value = to_jsonb(now() - interval '1 second') WHERE name = 'events_watched_until';
SELECT ok(NOT pgautomator._events_watched(), 'a window that ended sends nothing more');

SELECT throws_ok('SELECT pgautomator.watch_events(0)', 'PA002', 'seconds must be from 1 to 3600 (got 0)', 'seconds below 1 is PA002');
SELECT throws_ok('SELECT pgautomator.watch_events(NULL)', 'PA002', 'seconds must be from 1 to 3600 (got NULL)', 'NULL seconds is PA002');
SET LOCAL ROLE pgat_watch_nobody;
SELECT throws_ok('SELECT pgautomator.watch_events(60)', '42501', NULL, 'a role without pgautomator_viewer may not call it');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

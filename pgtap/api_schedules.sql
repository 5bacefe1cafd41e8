-- Schedules API: create/update/delete/enable/disable, exceptions, attach/detach, and the
-- maintenance of job_schedule.next_fire_at (_refresh_next_fires).
BEGIN;
SELECT plan(67);

-- Fires that never depend on today's date: one-off schedules far in the future.
CREATE TEMP TABLE fx (k text PRIMARY KEY, v jsonb);
INSERT INTO fx VALUES
  ('y2099', '{"type": "once", "date": "2099-01-01", "sub": {"type": "once", "time": "12:00"}}'),
  ('y2098', '{"type": "once", "date": "2098-06-01", "sub": {"type": "once", "time": "08:30"}}'),
  ('berlin', '{"type": "once", "date": "2099-01-01", "sub": {"type": "once", "time": "12:00"}, "time_zone": "Europe/Berlin"}'),
  ('daily', '{"type": "daily", "start_date": "2099-03-01", "sub": {"type": "once", "time": "02:00"}}');

CREATE FUNCTION pg_temp.error_of(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text; h text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN jsonb_build_object('code', c, 'message', m, 'detail', d, 'hint', h);
END $$;

-- The next fire of job j from schedule s, as the database keeps it.
CREATE FUNCTION pg_temp.next_fire(j text, s text) RETURNS timestamptz LANGUAGE sql AS $$
  SELECT (x ->> 'next_fire_at')::timestamptz
    FROM jsonb_array_elements(pgautomator.get_job(j) -> 'schedules') x
   WHERE x ->> 'name' = s
$$;

-- create_schedule ------------------------------------------------------------------------------
SELECT ok(pgautomator.create_schedule('y2099', (SELECT v FROM fx WHERE k = 'y2099')) > 0, 'create_schedule returns the new id');
SELECT results_eq(
  $$SELECT name, type, enabled, time_zone, owner::text, description, jobs FROM pgautomator.schedules WHERE name = 'y2099'$$,
  $$VALUES ('y2099', 'once', true, 'UTC', session_user::text, NULL::text, '{}'::text[])$$,
  'the schedules view shows the new schedule with its type, time zone, owner and no jobs');
SELECT is((SELECT next_fire_at FROM pgautomator.schedules WHERE name = 'y2099'), NULL,
  'a schedule that fires no job has no next fire in the schedules view');
SELECT ok(pgautomator.create_schedule('berlin', (SELECT v FROM fx WHERE k = 'berlin'), enabled => false, description => 'paused') > 0,
  'create_schedule takes enabled and description');
SELECT results_eq($$SELECT enabled, time_zone, description, next_fire_at FROM pgautomator.schedules WHERE name = 'berlin'$$,
  $$VALUES (false, 'Europe/Berlin', 'paused', NULL::timestamptz)$$, 'a disabled schedule shows no next fire');
SELECT throws_ok($$SELECT pgautomator.create_schedule('bad', '{"type": "hourly"}')$$, 'PA001', NULL,
  'create_schedule refuses an invalid spec with PA001');
SELECT throws_ok($$SELECT pgautomator.create_schedule('bad', NULL)$$, 'PA001', NULL, 'create_schedule refuses a NULL spec with PA001');
SELECT throws_ok($$SELECT pgautomator.create_schedule(' ', '{"type": "once", "date": "2099-01-01"}')$$, 'PA002',
  'schedule name must be 1 to 200 characters without leading or trailing spaces (got " ")', 'create_schedule refuses a blank name');
SELECT throws_ok($$SELECT pgautomator.create_schedule('y2099', '{"type": "once", "date": "2099-01-01"}')$$, 'PA020',
  'schedule ''y2099'' already exists', 'create_schedule refuses a duplicate name with PA020');
SELECT is(pg_temp.error_of($$SELECT pgautomator.create_schedule('y2099', '{"type": "once", "date": "2099-01-01"}')$$) ->> 'detail',
  'field: name', 'PA020 names the field in DETAIL');
SELECT throws_ok($$SELECT pgautomator.create_schedule('bad', '{"type": "once", "date": "2099-01-01"}', enabled => NULL)$$, 'PA002',
  'schedule enabled must be true or false (got NULL)', 'create_schedule refuses enabled NULL');

-- attach_schedule / detach_schedule and next_fire_at -------------------------------------------
SELECT pgautomator.create_job('report');
SELECT pgautomator.create_job('cleanup');
SELECT lives_ok($$SELECT pgautomator.attach_schedule('report', 'y2099')$$, 'attach_schedule attaches');
SELECT is(pg_temp.next_fire('report', 'y2099'), '2099-01-01 12:00:00+00'::timestamptz, 'attach computes next_fire_at');
SELECT is((SELECT next_run_at FROM pgautomator.jobs WHERE name = 'report'), '2099-01-01 12:00:00+00'::timestamptz,
  'the jobs view shows it as next_run_at');
SELECT results_eq($$SELECT jobs, next_fire_at FROM pgautomator.schedules WHERE name = 'y2099'$$,
  $$VALUES ('{report}'::text[], '2099-01-01 12:00:00+00'::timestamptz)$$, 'the schedules view lists the attached job and the next fire');
SELECT throws_ok($$SELECT pgautomator.attach_schedule('report', 'y2099')$$, 'PA020',
  'schedule ''y2099'' is already attached to job ''report''', 'attaching twice is PA020');
SELECT throws_ok($$SELECT pgautomator.attach_schedule('nope', 'y2099')$$, 'PA010', 'job ''nope'' does not exist', 'attach to an unknown job is PA010');
SELECT throws_ok($$SELECT pgautomator.attach_schedule('report', 'nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'attach of an unknown schedule is PA010');
SELECT pgautomator.attach_schedule('cleanup', 'berlin');
SELECT is(pg_temp.next_fire('cleanup', 'berlin'), NULL, 'attaching a disabled schedule leaves next_fire_at NULL');

-- enable_schedule / disable_schedule -------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.enable_schedule('berlin')$$, 'enable_schedule');
SELECT is(pg_temp.next_fire('cleanup', 'berlin'), '2099-01-01 11:00:00+00'::timestamptz,
  'enabling computes next_fire_at in the schedule''s time zone (12:00 Berlin = 11:00 UTC)');
SELECT lives_ok($$SELECT pgautomator.disable_schedule('berlin', 'maintenance window')$$, 'disable_schedule with a reason');
SELECT is(pg_temp.next_fire('cleanup', 'berlin'), NULL, 'disabling clears next_fire_at');
SELECT results_eq($$SELECT enabled, paused_reason FROM pgautomator.schedules WHERE name = 'berlin'$$,
  $$VALUES (false, 'maintenance window')$$, 'the reason is kept');
SELECT pgautomator.enable_schedule('berlin');
SELECT results_eq($$SELECT enabled, paused_reason FROM pgautomator.schedules WHERE name = 'berlin'$$,
  $$VALUES (true, NULL::text)$$, 'enabling clears the reason');
-- A due fire waiting for an agent must not be pushed away by enabling what is already enabled.
UPDATE pgautomator.job_schedule SET next_fire_at = '2000-01-01 00:00+00'
 WHERE schedule_id = (SELECT id FROM pgautomator.schedule WHERE name = 'berlin');
SELECT pgautomator.enable_schedule('berlin');
SELECT is(pg_temp.next_fire('cleanup', 'berlin'), '2000-01-01 00:00:00+00'::timestamptz,
  'enable_schedule on an enabled schedule changes nothing (a due fire stays due)');
SELECT throws_ok($$SELECT pgautomator.enable_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'enable_schedule: unknown is PA010');
SELECT throws_ok($$SELECT pgautomator.disable_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'disable_schedule: unknown is PA010');

-- A disabled job has no next fire on any schedule.
SELECT pgautomator.disable_job('report', 'quarter closing');
SELECT is(pg_temp.next_fire('report', 'y2099'), NULL, 'disable_job clears next_fire_at of its schedules');
SELECT pgautomator.enable_job('report');
SELECT is(pg_temp.next_fire('report', 'y2099'), '2099-01-01 12:00:00+00'::timestamptz, 'enable_job recomputes it');

-- update_schedule --------------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.update_schedule('y2099', spec => (SELECT v FROM fx WHERE k = 'y2098'))$$, 'update_schedule with a new spec');
SELECT is(pg_temp.next_fire('report', 'y2099'), '2098-06-01 08:30:00+00'::timestamptz, 'a new spec recomputes next_fire_at');
SELECT lives_ok($$SELECT pgautomator.update_schedule('y2099', new_name => 'june', description => 'first of June')$$, 'update_schedule renames');
SELECT results_eq($$SELECT name, description, type FROM pgautomator.schedules WHERE name = 'june'$$,
  $$VALUES ('june', 'first of June', 'once')$$, 'renamed, described, spec kept');
SELECT is(pg_temp.next_fire('report', 'june'), '2098-06-01 08:30:00+00'::timestamptz, 'a rename keeps next_fire_at');
SELECT pgautomator.update_schedule('june', enabled => false);
SELECT is(pg_temp.next_fire('report', 'june'), NULL, 'update_schedule(enabled => false) clears next_fire_at');
SELECT pgautomator.update_schedule('june', enabled => true, clear => '{description}');
SELECT results_eq($$SELECT enabled, description FROM pgautomator.schedules WHERE name = 'june'$$,
  $$VALUES (true, NULL::text)$$, 'update_schedule enables again and clears the description');
SELECT is(pg_temp.next_fire('report', 'june'), '2098-06-01 08:30:00+00'::timestamptz, 'and next_fire_at is back');
SELECT throws_ok($$SELECT pgautomator.update_schedule('june', spec => '{"type": "daily"}')$$, 'PA001', NULL, 'update_schedule: invalid spec is PA001');
SELECT throws_ok($$SELECT pgautomator.update_schedule('june', new_name => 'berlin')$$, 'PA020', 'schedule ''berlin'' already exists',
  'update_schedule: taken new_name is PA020');
SELECT throws_ok($$SELECT pgautomator.update_schedule('june', clear => '{spec}')$$, 'PA002',
  'update_schedule clear must name fields among description (got "spec")', 'update_schedule: unknown clear field is PA002');
SELECT throws_ok($$SELECT pgautomator.update_schedule('nope', description => 'x')$$, 'PA010', 'schedule ''nope'' does not exist',
  'update_schedule: unknown schedule is PA010');

-- _refresh_next_fires takes the clock as an argument --------------------------------------------
SELECT is(pgautomator._refresh_next_fires(schedule_id => (SELECT id FROM pgautomator.schedule WHERE name = 'june'), at => '2098-07-01'),
  1, '_refresh_next_fires returns the number of pairs it recomputed');
SELECT is(pg_temp.next_fire('report', 'june'), NULL, 'after the one-off date there is no next fire');
SELECT pgautomator._refresh_next_fires(at => '2098-01-01');
SELECT is(pg_temp.next_fire('report', 'june'), '2098-06-01 08:30:00+00'::timestamptz, 'refreshing all pairs at an earlier instant');

-- add_schedule_exception / remove_schedule_exception --------------------------------------------
SELECT pgautomator.create_schedule('nightly', (SELECT v FROM fx WHERE k = 'daily'));
SELECT pgautomator.attach_schedule('cleanup', 'nightly');
SELECT is(pg_temp.next_fire('cleanup', 'nightly'), '2099-03-01 02:00:00+00'::timestamptz, 'daily schedule: first fire on its start date');
SELECT lives_ok($$SELECT pgautomator.add_schedule_exception('nightly', '2099-03-01', '2099-03-03')$$, 'add a period exception');
SELECT is(pg_temp.next_fire('cleanup', 'nightly'), '2099-03-04 02:00:00+00'::timestamptz, 'the period is skipped by next_fire_at');
SELECT lives_ok($$SELECT pgautomator.add_schedule_exception('nightly', '2099-03-04')$$, 'add a one-day exception');
SELECT is((SELECT spec -> 'exceptions' FROM pgautomator.schedules WHERE name = 'nightly'),
  '[{"from": "2099-03-01", "to": "2099-03-03"}, "2099-03-04"]'::jsonb, 'exceptions live in spec.exceptions, sorted by first day');
SELECT is(pg_temp.next_fire('cleanup', 'nightly'), '2099-03-05 02:00:00+00'::timestamptz, 'and the day is skipped too');
SELECT throws_ok($$SELECT pgautomator.add_schedule_exception('nightly', '2099-03-04', '2099-03-09')$$, 'PA020',
  'schedule ''nightly'' already has an exception starting on 2099-03-04', 'an exception starting on the same day is PA020');
SELECT throws_ok($$SELECT pgautomator.add_schedule_exception('nightly', '2099-05-02', '2099-05-01')$$, 'PA002',
  'schedule exception "to" (2099-05-01) is before "from" (2099-05-02)', '"to" before "from" is PA002');
SELECT throws_ok($$SELECT pgautomator.add_schedule_exception('nightly', NULL)$$, 'PA002',
  'schedule exception "from" must be a date (got NULL)', 'a NULL "from" is PA002');
SELECT throws_ok($$SELECT pgautomator.add_schedule_exception('nope', '2099-01-01')$$, 'PA010', 'schedule ''nope'' does not exist',
  'add_schedule_exception: unknown schedule is PA010');
SELECT lives_ok($$SELECT pgautomator.remove_schedule_exception('nightly', '2099-03-01')$$, 'remove the period by its first day');
SELECT is(pg_temp.next_fire('cleanup', 'nightly'), '2099-03-01 02:00:00+00'::timestamptz, 'next_fire_at comes back');
SELECT throws_ok($$SELECT pgautomator.remove_schedule_exception('nightly', '2099-03-02')$$, 'PA010',
  'schedule ''nightly'' has no exception starting on 2099-03-02', 'removing a missing exception is PA010');
SELECT pgautomator.remove_schedule_exception('nightly', '2099-03-04');
SELECT ok(NOT (SELECT spec ? 'exceptions' FROM pgautomator.schedules WHERE name = 'nightly'), 'removing the last exception drops the key');

-- detach and delete ------------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.detach_schedule('cleanup', 'nightly')$$, 'detach_schedule');
SELECT is(pgautomator.get_job('cleanup') -> 'schedules' @> '[{"name": "nightly"}]', false, 'the job no longer has the schedule');
SELECT throws_ok($$SELECT pgautomator.detach_schedule('cleanup', 'nightly')$$, 'PA010',
  'schedule ''nightly'' is not attached to job ''cleanup''', 'detaching what is not attached is PA010');
SELECT throws_ok($$SELECT pgautomator.delete_schedule('june')$$, 'PA021', 'schedule ''june'' is attached to 1 job(s): report',
  'delete_schedule refuses while jobs are attached');
SELECT lives_ok($$SELECT pgautomator.delete_schedule('june', force => true)$$, 'force deletes anyway');
SELECT is(pgautomator.get_job('report') -> 'schedules', '[]'::jsonb, 'and detaches it from the job');
SELECT lives_ok($$SELECT pgautomator.delete_schedule('nightly')$$, 'delete_schedule of an unattached schedule');
SELECT throws_ok($$SELECT pgautomator.delete_schedule('nightly')$$, 'PA010', 'schedule ''nightly'' does not exist', 'delete_schedule: unknown is PA010');

SELECT * FROM finish();
ROLLBACK;

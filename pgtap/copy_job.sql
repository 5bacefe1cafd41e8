-- pgautomator.copy_job(name, new_name): a new job with the same properties, mail settings, steps
-- (their mail settings and "go to step" targets) and schedules, in one transaction (issue 15).
BEGIN;
SELECT plan(14);

SELECT pgautomator.create_category('ops');
SELECT pgautomator.create_operator('dba-team', 'dba@example.com');
SELECT pgautomator.create_connection('wh', 'postgres', 'postgres://etl@wh/db');
SELECT pgautomator.create_job('backup', description => 'nightly dump', category => 'ops', agent_tags => '{linux}', overlap => 'queue_one',
                              misfire => 'skip', misfire_grace => '5 minutes', timeout => '2 hours', on_abandon => 'retry',
                              abandon_retries => 3, keep_runs => 50, keep_age => '30 days');
SELECT pgautomator.set_job_email('backup', '{failure}', '{dba-team}', subject => 'backup {{state}}');
SELECT pgautomator.add_step('backup', 'report', 'shell', 'echo done');
SELECT pgautomator.add_step('backup', 'dump', 'shell', 'pg_dump db', shell => 'bash', retries => 2, retry_delay => '1 minute', on_failure => 'goto', on_failure_goto => 'report');
SELECT pgautomator.add_step('backup', 'check', 'sql', 'SELECT 1', connection => 'wh');
SELECT pgautomator.move_step('backup', 'report', 3);
SELECT pgautomator.set_step_email('backup', 'check', '{success}', '{ops@example.com}');
SELECT pgautomator.create_schedule('nightly', '{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "02:00"}}');
SELECT pgautomator.create_schedule('weekly', '{"type": "weekly", "weekdays": ["sun"], "start_date": "2026-01-01"}');
SELECT pgautomator.attach_schedule('backup', 'nightly');
SELECT pgautomator.attach_schedule('backup', 'weekly');
SELECT pgautomator.disable_job('backup', 'moving to new storage');
SELECT pgautomator.start_job('backup');

SELECT isnt(pgautomator.copy_job('backup', 'backup-staging'), NULL, 'copy_job returns the new job''s id');

-- The job's row, but for identity, name, owner, times and runs.
SELECT results_eq(
  $$SELECT description, category, enabled, paused_reason, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age, steps, schedules
      FROM pgautomator.jobs WHERE name = 'backup-staging'$$,
  $$SELECT description, category, enabled, paused_reason, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age, steps, schedules
      FROM pgautomator.jobs WHERE name = 'backup'$$,
  'the copy has the job''s properties, its 3 steps and its 2 schedules');
SELECT is((SELECT pgautomator.get_job('backup-staging')->'email'), (SELECT pgautomator.get_job('backup')->'email'), 'the job''s mail settings are copied');
SELECT is((SELECT jsonb_agg(s - 'id' - 'created_at' - 'updated_at') FROM jsonb_array_elements(pgautomator.get_job('backup-staging')->'steps') s),
          (SELECT jsonb_agg(s - 'id' - 'created_at' - 'updated_at') FROM jsonb_array_elements(pgautomator.get_job('backup')->'steps') s),
  'the steps are copied, in order, with their connection, retries, mail settings and go-to targets (by name)');
SELECT is((SELECT count(*) FROM pgautomator.step s JOIN pgautomator.step g ON g.id = s.on_failure_goto
            WHERE s.job_id = pgautomator._job_id('backup-staging') AND g.job_id = pgautomator._job_id('backup-staging')), 1::bigint,
  'the copy''s "go to step" points at its own step, not at the original''s');
SELECT is((SELECT count(*) FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('backup-staging')), 0::bigint, 'runs are not copied');
SELECT is((SELECT count(*) FROM pgautomator.job_schedule WHERE job_id = pgautomator._job_id('backup-staging') AND next_fire_at IS NULL), 2::bigint,
  'the copied schedules do not fire while the copy is disabled, as the original');

-- An enabled job's copy fires from now on.
SELECT pgautomator.enable_job('backup');
SELECT pgautomator.copy_job('backup', 'backup-2');
SELECT is((SELECT count(*) FROM pgautomator.job_schedule WHERE job_id = pgautomator._job_id('backup-2') AND next_fire_at > now()), 2::bigint,
  'an enabled job''s copy has its next fires computed');

-- Errors: the field at fault is named; nothing is left behind.
SELECT throws_ok($$SELECT pgautomator.copy_job('backup', 'backup-staging')$$, 'PA020', 'job ''backup-staging'' already exists', 'a taken new_name: PA020');
CREATE FUNCTION pg_temp.detail_of(call text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE d text;
BEGIN
  EXECUTE call;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $f$;
SELECT is(pg_temp.detail_of($$SELECT pgautomator.copy_job('backup', 'backup-staging')$$), 'field: new_name', 'the error names the field new_name');
SELECT throws_ok($$SELECT pgautomator.copy_job('backup', ' padded')$$, 'PA002', NULL, 'a bad new_name: PA002');
SELECT is(pg_temp.detail_of($$SELECT pgautomator.copy_job('backup', '')$$), 'field: new_name', 'a blank new_name names the field new_name');
SELECT throws_ok($$SELECT pgautomator.copy_job('nope', 'x')$$, 'PA010', 'job ''nope'' does not exist', 'no such job: PA010');
SELECT is((SELECT count(*) FROM pgautomator.job), 3::bigint, 'failed copies left no job behind');

SELECT * FROM finish();
ROLLBACK;

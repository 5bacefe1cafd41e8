-- Jobs API (create/update/delete/enable/disable) and categories.
BEGIN;
SELECT plan(60);

CREATE FUNCTION pg_temp.error_of(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text; h text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN jsonb_build_object('code', c, 'message', m, 'detail', d, 'hint', h);
END $$;

-- Agents register themselves through the agent protocol; here a registered agent is a fixture row.
INSERT INTO pgautomator.agent (name, db_role, state) VALUES ('host1', 'postgres', 'offline'), ('host2', 'postgres', 'offline');

-- categories -------------------------------------------------------------------------------------
SELECT ok(pgautomator.create_category('backups', 'database backups') > 0, 'create_category returns the new id');
SELECT pgautomator.create_category('reports');
SELECT results_eq($$SELECT name, description, jobs FROM pgautomator.list_categories()$$,
  $$VALUES ('backups', 'database backups', 0), ('reports', NULL, 0)$$, 'list_categories lists them by name with job counts');
SELECT throws_ok($$SELECT pgautomator.create_category('backups')$$, 'PA020', 'category ''backups'' already exists', 'duplicate category is PA020');
SELECT throws_ok($$SELECT pgautomator.create_category('')$$, 'PA002',
  'category name must be 1 to 100 characters without leading or trailing spaces (got "")', 'blank category name is PA002');

-- create_job -------------------------------------------------------------------------------------
SELECT ok(pgautomator.create_job('backup') > 0, 'create_job with a name only');
SELECT results_eq(
  $$SELECT name, category, enabled, owner::text, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon,
           abandon_retries, keep_runs, keep_age, steps, schedules, next_run_at, last_run_id
      FROM pgautomator.jobs WHERE name = 'backup'$$,
  $$VALUES ('backup', NULL::text, true, session_user::text, NULL::text, '{}'::text[], 'skip', 'run_once', interval '1 minute', NULL::interval,
            'fail', 1, NULL::int, NULL::interval, 0, '{}'::text[], NULL::timestamptz, NULL::bigint)$$,
  'defaults: enabled, owner = caller, overlap skip, misfire run_once with 1 minute grace, on_abandon fail');
SELECT lives_ok($$SELECT pgautomator.create_job('vacuum', description => 'nightly vacuum', category => 'backups', agent => 'host1',
  agent_tags => '{linux,db}', overlap => 'queue_one', misfire => 'skip', misfire_grace => '5 minutes', timeout => '2 hours',
  on_abandon => 'retry', abandon_retries => 3, keep_runs => 50, keep_age => '30 days', enabled => false)$$, 'create_job with every argument');
SELECT results_eq(
  $$SELECT description, category, enabled, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age
      FROM pgautomator.jobs WHERE name = 'vacuum'$$,
  $$VALUES ('nightly vacuum', 'backups', false, 'host1', '{linux,db}'::text[], 'queue_one', 'skip', interval '5 minutes', interval '2 hours',
            'retry', 3, 50, interval '30 days')$$,
  'every argument is stored');
SELECT throws_ok($$SELECT pgautomator.create_job('x', overlap => 'x')$$, 'PA002',
  'job overlap must be one of skip, queue_one, queue_all, cancel_previous, allow (got "x")', 'bad overlap is PA002');
SELECT is(pg_temp.error_of($$SELECT pgautomator.create_job('x', overlap => 'x')$$) ->> 'detail', 'field: overlap', 'DETAIL names the field');
SELECT throws_ok($$SELECT pgautomator.create_job('x', misfire => 'later')$$, 'PA002',
  'job misfire must be one of run_once, run_all, skip (got "later")', 'bad misfire is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', on_abandon => NULL)$$, 'PA002',
  'job on_abandon must be one of fail, retry, wait (got NULL)', 'NULL on_abandon is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', misfire_grace => '-1 minute')$$, 'PA002',
  'job misfire_grace must be an interval of 0 or more (got -00:01:00)', 'negative misfire_grace is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', timeout => '0')$$, 'PA002',
  'job timeout must be a positive interval or NULL (got 00:00:00)', 'zero timeout is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', abandon_retries => 101)$$, 'PA002',
  'job abandon_retries must be from 0 to 100 (got 101)', 'abandon_retries out of range is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', keep_runs => 0)$$, 'PA002',
  'job keep_runs must be 1 or more, or NULL for the global retention (got 0)', 'keep_runs 0 is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', keep_age => '-1 day')$$, 'PA002',
  'job keep_age must be a positive interval, or NULL for the global retention (got -1 days)', 'negative keep_age is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', agent_tags => '{linux,""}')$$, 'PA002',
  'job agent_tags must be an array of non-blank tags (''{}'' for none)', 'a blank tag is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', enabled => NULL)$$, 'PA002', 'job enabled must be true or false (got NULL)', 'NULL enabled is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job(NULL)$$, 'PA002',
  'job name must be 1 to 200 characters without leading or trailing spaces (got NULL)', 'NULL name is PA002');
SELECT throws_ok($$SELECT pgautomator.create_job('x', category => 'nope')$$, 'PA010', 'category ''nope'' does not exist', 'unknown category is PA010');
SELECT throws_ok($$SELECT pgautomator.create_job('x', agent => 'nope')$$, 'PA010', 'agent ''nope'' does not exist', 'unknown agent is PA010');
SELECT matches(pg_temp.error_of($$SELECT pgautomator.create_job('x', agent => 'nope')$$) ->> 'hint', 'register',
  'the HINT says an agent must have registered once');
SELECT throws_ok($$SELECT pgautomator.create_job('backup')$$, 'PA020', 'job ''backup'' already exists', 'duplicate job is PA020');
SELECT is((SELECT count(*) FROM pgautomator.jobs WHERE name = 'x'), 0::bigint, 'no failed call left a job behind');

-- update_job -------------------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.update_job('backup', overlap => 'allow', timeout => '1 hour', category => 'reports', agent => 'host2')$$,
  'update_job changes some fields');
SELECT results_eq($$SELECT overlap, timeout, category, agent, misfire FROM pgautomator.jobs WHERE name = 'backup'$$,
  $$VALUES ('allow', interval '1 hour', 'reports', 'host2', 'run_once')$$, 'changed fields changed, the others stayed');
SELECT lives_ok($$SELECT pgautomator.update_job('backup', clear => '{timeout,agent,category}')$$, 'update_job clears nullable fields');
SELECT results_eq($$SELECT overlap, timeout, category, agent FROM pgautomator.jobs WHERE name = 'backup'$$,
  $$VALUES ('allow', NULL::interval, NULL::text, NULL::text)$$, 'cleared fields are NULL');
SELECT pgautomator.update_job('vacuum', clear => '{agent_tags,keep_runs,keep_age,description}');
SELECT results_eq($$SELECT agent_tags, keep_runs, keep_age, description FROM pgautomator.jobs WHERE name = 'vacuum'$$,
  $$VALUES ('{}'::text[], NULL::int, NULL::interval, NULL::text)$$, 'agent_tags clears to {}, the others to NULL');
SELECT throws_ok($$SELECT pgautomator.update_job('backup', clear => '{overlap}')$$, 'PA002',
  'update_job clear must name fields among description, category, agent, agent_tags, timeout, keep_runs, keep_age (got "overlap")',
  'clearing an unknown or non-nullable field is PA002');
SELECT throws_ok($$SELECT pgautomator.update_job('backup', timeout => '1 hour', clear => '{timeout}')$$, 'PA002',
  'update_job cannot both set and clear timeout', 'setting and clearing the same field is PA002');
SELECT throws_ok($$SELECT pgautomator.update_job('backup', misfire => 'x')$$, 'PA002',
  'job misfire must be one of run_once, run_all, skip (got "x")', 'update_job validates like create_job');
SELECT lives_ok($$SELECT pgautomator.update_job('backup', new_name => 'db-backup', description => 'renamed')$$, 'update_job renames');
SELECT results_eq($$SELECT name, description FROM pgautomator.jobs WHERE id = pgautomator._job_id('db-backup')$$,
  $$VALUES ('db-backup', 'renamed')$$, 'the job has its new name');
SELECT throws_ok($$SELECT pgautomator.update_job('db-backup', new_name => 'vacuum')$$, 'PA020', 'job ''vacuum'' already exists',
  'renaming onto another job is PA020');
SELECT throws_ok($$SELECT pgautomator.update_job('backup', description => 'x')$$, 'PA010', 'job ''backup'' does not exist',
  'update_job: unknown job is PA010');
SELECT throws_ok($$SELECT pgautomator.update_job('db-backup', agent => 'nope')$$, 'PA010', 'agent ''nope'' does not exist',
  'update_job: unknown agent is PA010');

-- enable_job / disable_job -----------------------------------------------------------------------
SELECT pgautomator.create_schedule('y2099', '{"type": "once", "date": "2099-01-01", "sub": {"type": "once", "time": "12:00"}}');
SELECT pgautomator.attach_schedule('vacuum', 'y2099');
SELECT is((SELECT next_run_at FROM pgautomator.jobs WHERE name = 'vacuum'), NULL, 'a disabled job has no next run');
SELECT lives_ok($$SELECT pgautomator.enable_job('vacuum')$$, 'enable_job');
SELECT results_eq($$SELECT enabled, next_run_at FROM pgautomator.jobs WHERE name = 'vacuum'$$,
  $$VALUES (true, '2099-01-01 12:00:00+00'::timestamptz)$$, 'enabled, with its next run computed');
SELECT lives_ok($$SELECT pgautomator.disable_job('vacuum', 'disk full')$$, 'disable_job with a reason');
SELECT results_eq($$SELECT enabled, paused_reason, next_run_at FROM pgautomator.jobs WHERE name = 'vacuum'$$,
  $$VALUES (false, 'disk full', NULL::timestamptz)$$, 'disabled, reason kept, no next run');
SELECT pgautomator.update_job('vacuum', enabled => true);
SELECT results_eq($$SELECT enabled, paused_reason, next_run_at FROM pgautomator.jobs WHERE name = 'vacuum'$$,
  $$VALUES (true, NULL::text, '2099-01-01 12:00:00+00'::timestamptz)$$, 'update_job(enabled => true) resumes too and clears the reason');
UPDATE pgautomator.job_schedule SET next_fire_at = '2000-01-01 00:00+00' WHERE job_id = pgautomator._job_id('vacuum');
SELECT pgautomator.enable_job('vacuum');
SELECT is((SELECT next_run_at FROM pgautomator.jobs WHERE name = 'vacuum'), '2000-01-01 00:00:00+00'::timestamptz,
  'enable_job on an enabled job changes nothing (a due fire stays due)');
SELECT throws_ok($$SELECT pgautomator.enable_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'enable_job: unknown is PA010');
SELECT throws_ok($$SELECT pgautomator.disable_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'disable_job: unknown is PA010');

-- list_jobs by category, category rename and delete ----------------------------------------------
SELECT results_eq($$SELECT name FROM pgautomator.list_jobs(category => 'backups')$$, $$VALUES ('vacuum')$$, 'list_jobs filters by category');
SELECT throws_ok($$SELECT * FROM pgautomator.list_jobs(category => 'nope')$$, 'PA010', 'category ''nope'' does not exist',
  'list_jobs: unknown category is PA010');
SELECT throws_ok($$SELECT pgautomator.delete_category('backups')$$, 'PA021', 'category ''backups'' still holds 1 job(s): vacuum',
  'delete_category refuses while jobs are in it');
SELECT lives_ok($$SELECT pgautomator.rename_category('backups', 'maintenance')$$, 'rename_category');
SELECT is((SELECT category FROM pgautomator.jobs WHERE name = 'vacuum'), 'maintenance', 'the job follows the rename');
SELECT throws_ok($$SELECT pgautomator.rename_category('maintenance', 'reports')$$, 'PA020', 'category ''reports'' already exists',
  'rename_category onto another is PA020');
SELECT throws_ok($$SELECT pgautomator.rename_category('nope', 'x')$$, 'PA010', 'category ''nope'' does not exist', 'rename_category: unknown is PA010');
SELECT lives_ok($$SELECT pgautomator.delete_category('reports')$$, 'delete_category of an empty category');
SELECT throws_ok($$SELECT pgautomator.delete_category('reports')$$, 'PA010', 'category ''reports'' does not exist', 'delete_category: unknown is PA010');

-- delete_job -------------------------------------------------------------------------------------
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, agent_id, state)
VALUES (pgautomator._job_id('vacuum'), 'manual', now(), now(), (SELECT id FROM pgautomator.agent WHERE name = 'host1'), 'running');
SELECT throws_ok($$SELECT pgautomator.delete_job('vacuum')$$, 'PA021', NULL, 'delete_job refuses while a run is running');
SELECT lives_ok($$SELECT pgautomator.delete_job('db-backup')$$, 'delete_job');
SELECT is((SELECT count(*) FROM pgautomator.jobs WHERE name = 'db-backup'), 0::bigint, 'the job is gone');
SELECT throws_ok($$SELECT pgautomator.delete_job('db-backup')$$, 'PA010', 'job ''db-backup'' does not exist', 'delete_job: unknown is PA010');

SELECT * FROM finish();
ROLLBACK;

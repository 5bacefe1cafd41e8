-- Not found on EMPTY tables: every API function that takes a name (or an id) says PA010 when the
-- object does not exist, also when its table has no rows at all. A lookup placed in a WHERE clause
-- (`WHERE x.id = pgautomator._job_id(...)`) is never evaluated on an empty table, so such a
-- function went on with NULLs (start_job in a fresh database failed with a not-null violation).
-- The rule since (extension-src/sql/README.md): a lookup that must raise is a statement of its own.
BEGIN;
SELECT plan(65);

-- Everything empty: a fresh install, as the DBA finds it.
SELECT is((SELECT count(*) FROM pgautomator.job) + (SELECT count(*) FROM pgautomator.schedule) + (SELECT count(*) FROM pgautomator.agent)
        + (SELECT count(*) FROM pgautomator.category) + (SELECT count(*) FROM pgautomator.connection) + (SELECT count(*) FROM pgautomator.operator)
        + (SELECT count(*) FROM pgautomator.step) + (SELECT count(*) FROM pgautomator.job_run) + (SELECT count(*) FROM pgautomator.step_run)
        + (SELECT count(*) FROM pgautomator.notification), 0::bigint, 'the fixture: every table is empty');

-- jobs ------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.start_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'start_job on no jobs');
SELECT throws_ok($$SELECT pgautomator._start_job('nope', NULL, now())$$, 'PA010', 'job ''nope'' does not exist', '_start_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.update_job('nope', description => 'x')$$, 'PA010', 'job ''nope'' does not exist', 'update_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.delete_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'delete_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.enable_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'enable_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.disable_job('nope', 'why')$$, 'PA010', 'job ''nope'' does not exist', 'disable_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.get_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'get_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.set_job_email('nope', '{failure}', '{dba@example.com}')$$, 'PA010', 'job ''nope'' does not exist', 'set_job_email on no jobs');
SELECT throws_ok($$SELECT pgautomator.export_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'export_job on no jobs');
SELECT throws_ok($$SELECT pgautomator.script_job('nope')$$, 'PA010', 'job ''nope'' does not exist', 'script_job on no jobs');
SELECT throws_ok($$SELECT * FROM pgautomator.list_step_runs('nope', 'x')$$, 'PA010', 'job ''nope'' does not exist', 'list_step_runs on no jobs');
SELECT throws_ok($$SELECT pgautomator.import_job('{"format": "pgautomator.job", "version": 1, "job": {"name": "j"}, "steps": [{"name": "s", "kind": "sql", "command": "x", "connection": "nope"}]}')$$,
  'PA010', 'step 1 (s): connection ''nope'' does not exist', 'import_job naming a connection, on no connections');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(job => 'nope')$$, 'PA010', 'job ''nope'' does not exist', 'list_runs(job) on no jobs');
SELECT throws_ok($$SELECT pgautomator.purge_history(job => 'nope')$$, 'PA010', 'job ''nope'' does not exist', 'purge_history(job) on no jobs');
SELECT throws_ok($$SELECT pgautomator.attach_schedule('nope', 'nope')$$, 'PA010', 'job ''nope'' does not exist', 'attach_schedule on no jobs');
SELECT throws_ok($$SELECT pgautomator.detach_schedule('nope', 'nope')$$, 'PA010', 'job ''nope'' does not exist', 'detach_schedule on no jobs');
SELECT throws_ok($$SELECT pgautomator.copy_job('nope', 'copy')$$, 'PA010', 'job ''nope'' does not exist', 'copy_job on no jobs');

-- steps (no jobs, hence no steps) -----------------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.add_step('nope', 's', 'shell', 'true')$$, 'PA010', 'job ''nope'' does not exist', 'add_step on no jobs');
SELECT throws_ok($$SELECT pgautomator.update_step('nope', 's', command => 'true')$$, 'PA010', 'job ''nope'' does not exist', 'update_step on no jobs');
SELECT throws_ok($$SELECT pgautomator.remove_step('nope', 's')$$, 'PA010', 'job ''nope'' does not exist', 'remove_step on no jobs');
SELECT throws_ok($$SELECT pgautomator.move_step('nope', 's', 1)$$, 'PA010', 'job ''nope'' does not exist', 'move_step on no jobs');
SELECT throws_ok($$SELECT pgautomator.set_step_email('nope', 's', '{failure}', '{dba@example.com}')$$, 'PA010', 'job ''nope'' does not exist', 'set_step_email on no jobs');

-- schedules ---------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.update_schedule('nope', description => 'x')$$, 'PA010', 'schedule ''nope'' does not exist', 'update_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.delete_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'delete_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.enable_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'enable_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.disable_schedule('nope', 'why')$$, 'PA010', 'schedule ''nope'' does not exist', 'disable_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.get_schedule('nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'get_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.add_schedule_exception('nope', '2026-12-24')$$, 'PA010', 'schedule ''nope'' does not exist', 'add_schedule_exception on no schedules');
SELECT throws_ok($$SELECT pgautomator.remove_schedule_exception('nope', '2026-12-24')$$, 'PA010', 'schedule ''nope'' does not exist', 'remove_schedule_exception on no schedules');

-- agents, categories, connections, operators ---------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.delete_agent('nope')$$, 'PA010', 'agent ''nope'' does not exist', 'delete_agent on no agents');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('nope', 'smtp.example.com')$$, 'PA010', 'agent ''nope'' does not exist', 'set_agent_smtp on no agents');
SELECT throws_ok($$SELECT pgautomator.drain_agent('nope')$$, 'PA010', 'agent ''nope'' does not exist', 'drain_agent on no agents');
SELECT throws_ok($$SELECT pgautomator.undrain_agent('nope')$$, 'PA010', 'agent ''nope'' does not exist', 'undrain_agent on no agents');
SELECT throws_ok($$SELECT pgautomator.send_test_mail('dba@example.com', 'nope')$$, 'PA010', 'agent ''nope'' does not exist', 'send_test_mail on no agents');
SELECT throws_ok($$SELECT pgautomator.get_notification(1)$$, 'PA010', 'notification 1 does not exist', 'get_notification on no mail');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(agent => 'nope')$$, 'PA010', 'agent ''nope'' does not exist', 'list_runs(agent) on no agents');
SELECT throws_ok($$SELECT pgautomator.delete_category('nope')$$, 'PA010', 'category ''nope'' does not exist', 'delete_category on no categories');
SELECT throws_ok($$SELECT pgautomator.rename_category('nope', 'new')$$, 'PA010', 'category ''nope'' does not exist', 'rename_category on no categories');
SELECT throws_ok($$SELECT * FROM pgautomator.list_jobs(category => 'nope')$$, 'PA010', 'category ''nope'' does not exist', 'list_jobs(category) on no categories');
SELECT throws_ok($$SELECT pgautomator.update_connection('nope', description => 'x')$$, 'PA010', 'connection ''nope'' does not exist', 'update_connection on no connections');
SELECT throws_ok($$SELECT pgautomator.delete_connection('nope')$$, 'PA010', 'connection ''nope'' does not exist', 'delete_connection on no connections');
SELECT throws_ok($$SELECT pgautomator.update_operator('nope', enabled => false)$$, 'PA010', 'operator ''nope'' does not exist', 'update_operator on no operators');
SELECT throws_ok($$SELECT pgautomator.delete_operator('nope')$$, 'PA010', 'operator ''nope'' does not exist', 'delete_operator on no operators');
SELECT throws_ok($$SELECT pgautomator.create_job('j', category => 'nope')$$, 'PA010', 'category ''nope'' does not exist', 'create_job(category) on no categories');
SELECT throws_ok($$SELECT pgautomator.create_job('j', agent => 'nope')$$, 'PA010', 'agent ''nope'' does not exist', 'create_job(agent) on no agents');

-- runs, step runs, notifications, by id ----------------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.get_run(1)$$, 'PA010', 'run 1 does not exist', 'get_run on no runs');
SELECT throws_ok($$SELECT pgautomator.kill_run(1)$$, 'PA010', 'run 1 does not exist', 'kill_run on no runs');
SELECT throws_ok($$SELECT * FROM pgautomator.step_output(1)$$, 'PA010', 'step run 1 does not exist', 'step_output on no step runs');
SELECT throws_ok($$SELECT pgautomator.begin_step(1, 1)$$, 'PA010', 'run 1 does not exist', 'begin_step on no runs');
SELECT throws_ok($$SELECT pgautomator.end_run(1, 'succeeded')$$, 'PA010', 'run 1 does not exist', 'end_run on no runs');
SELECT throws_ok($$SELECT pgautomator.end_step(1, 'succeeded', 0)$$, 'PA010', 'step run 1 does not exist', 'end_step on no step runs');
SELECT throws_ok($$SELECT pgautomator.log_step(1, 'x')$$, 'PA010', 'step run 1 does not exist', 'log_step on no step runs');
SELECT throws_ok($$SELECT pgautomator.notification_sent(1)$$, 'PA010', 'notification 1 does not exist', 'notification_sent on no notifications');
SELECT throws_ok($$SELECT pgautomator.notification_failed(1, 'smtp down')$$, 'PA010', 'notification 1 does not exist', 'notification_failed on no notifications');

-- the agent protocol, by agent name, on no agents --------------------------------------------------
SELECT throws_ok($$SELECT pgautomator.agent_heartbeat('nope')$$, 'PA010', 'agent ''nope'' is not registered', 'agent_heartbeat on no agents');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_runs('nope')$$, 'PA010', 'agent ''nope'' is not registered', 'claim_runs on no agents');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_notifications('nope')$$, 'PA010', 'agent ''nope'' is not registered', 'claim_notifications on no agents');
SELECT throws_ok($$SELECT pgautomator.agent_stop('nope')$$, 'PA010', 'agent ''nope'' is not registered', 'agent_stop on no agents');

-- The second lookup of a function on its own empty table: a job exists, nothing else does.
SELECT ok(pgautomator.create_job('j') > 0, 'the fixture for the second lookups: one job, nothing else');
SELECT throws_ok($$SELECT pgautomator.start_job('j', at_step => 'nope')$$, 'PA010', 'job ''j'' has no step named or numbered ''nope''', 'start_job at_step on no steps');
SELECT throws_ok($$SELECT pgautomator.update_step('j', 'nope', command => 'true')$$, 'PA010', 'step ''nope'' of job ''j'' does not exist', 'update_step on no steps');
SELECT throws_ok($$SELECT pgautomator.remove_step('j', 'nope')$$, 'PA010', 'step ''nope'' of job ''j'' does not exist', 'remove_step on no steps');
SELECT throws_ok($$SELECT pgautomator.attach_schedule('j', 'nope')$$, 'PA010', 'schedule ''nope'' does not exist', 'attach_schedule on no schedules');
SELECT throws_ok($$SELECT pgautomator.add_step('j', 's', 'sql', 'SELECT 1', connection => 'nope')$$, 'PA010', 'connection ''nope'' does not exist', 'add_step(connection) on no connections');

SELECT * FROM finish();
ROLLBACK;

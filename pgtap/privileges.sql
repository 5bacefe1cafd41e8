-- Privileges: roles hold no table privileges; every function is SECURITY DEFINER (API) with a pinned
-- search_path and closed to PUBLIC; each API function is granted to the right group role; login
-- roles given access with grant_role can do exactly what their role allows.
BEGIN;
SELECT plan(65);

-- Table privileges: none, for anyone ------------------------------------------------------------
CREATE FUNCTION pg_temp.tables_with_privileges(who text) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}')
    FROM pg_class c
   WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind IN ('r', 'p')
     AND has_table_privilege(who, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
$$;
SELECT is(pg_temp.tables_with_privileges('public'), '{}', 'PUBLIC has no privilege on any table');
SELECT is(pg_temp.tables_with_privileges('pgautomator_viewer'), '{}', 'pgautomator_viewer has no privilege on any table');
SELECT is(pg_temp.tables_with_privileges('pgautomator_operator'), '{}', 'pgautomator_operator has no privilege on any table');
SELECT is(pg_temp.tables_with_privileges('pgautomator_admin'), '{}', 'pgautomator_admin has no privilege on any table');
SELECT is(pg_temp.tables_with_privileges('pgautomator_agent'), '{}', 'pgautomator_agent has no privilege on any table');
SELECT is((SELECT coalesce(array_agg(c.relname::text), '{}') FROM pg_class c, unnest(ARRAY['public', 'pgautomator_viewer', 'pgautomator_operator',
           'pgautomator_admin', 'pgautomator_agent']) r
           WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'S' AND has_sequence_privilege(r, c.oid, 'USAGE, SELECT, UPDATE')),
  '{}', 'no role has any privilege on a sequence');

-- Views: the read models, for viewers only -------------------------------------------------------
SELECT views_are('pgautomator', ARRAY['agents', 'alerts', 'job_triggers', 'categories', 'connections', 'jobs', 'operators', 'running', 'runs', 'schedules', 'step_runs'],
  'the read-model views');
SELECT is((SELECT coalesce(array_agg(c.relname::text), '{}') FROM pg_class c
            WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'v' AND NOT has_table_privilege('pgautomator_viewer', c.oid, 'SELECT')),
  '{}', 'pgautomator_viewer may SELECT every view');
SELECT is((SELECT coalesce(array_agg(c.relname::text), '{}') FROM pg_class c, unnest(ARRAY['public', 'pgautomator_agent']) r
            WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'v'
              AND has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')),
  '{}', 'PUBLIC and the agent role may not read the views');
SELECT is((SELECT coalesce(array_agg(c.relname::text), '{}') FROM pg_class c
            WHERE c.relnamespace = 'pgautomator'::regnamespace AND c.relkind = 'v'
              AND has_table_privilege('pgautomator_admin', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')),
  '{}', 'nobody may write through a view');

-- Every function: pinned search_path, SECURITY DEFINER for the API, no EXECUTE for PUBLIC ----------
SELECT is((SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY p.proname), '{}') FROM pg_proc p
            WHERE p.pronamespace = 'pgautomator'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                               WHERE c LIKE 'search_path=%' AND c NOT LIKE '%public%' AND c NOT LIKE '%$user%' AND c LIKE '%pg\_temp')),
  '{}', 'every function pins search_path (pg_temp last, no public)');
SELECT is((SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY p.proname), '{}') FROM pg_proc p
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND p.proname NOT LIKE '\_%' AND NOT p.prosecdef),
  '{}', 'every API function (not _internal) is SECURITY DEFINER');
SELECT is((SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY p.proname), '{}') FROM pg_proc p
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')),
  '{}', 'no function is executable by PUBLIC');
SELECT is((SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY p.proname), '{}') FROM pg_proc p,
                  unnest(ARRAY['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent']) r
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND p.proname LIKE '\_%' AND has_function_privilege(r, p.oid, 'EXECUTE')),
  '{}', 'internal functions are granted to nobody');
-- The database clock decides: no function a role may execute takes the time that firing, rescue,
-- retention or heartbeats are measured by (an argument `at`, or any other timestamptz that is not a
-- read's window). Those clocks are arguments of the internal functions only.
SELECT is((SELECT coalesce(array_agg(DISTINCT p.oid::regprocedure::text), '{}') FROM pg_proc p,
                  unnest(ARRAY['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent']) r
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND has_function_privilege(r, p.oid, 'EXECUTE')
              AND 'at' = ANY (p.proargnames)),
  '{}', 'no function granted to a role takes an argument at');
SELECT is((SELECT coalesce(array_agg(DISTINCT p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text), '{}') FROM pg_proc p,
                  unnest(ARRAY['pgautomator_viewer', 'pgautomator_operator', 'pgautomator_admin', 'pgautomator_agent']) r
            WHERE p.pronamespace = 'pgautomator'::regnamespace AND has_function_privilege(r, p.oid, 'EXECUTE')
              AND 'timestamptz'::regtype = ANY (p.proargtypes::oid[])),
  ARRAY['pgautomator.list_runs(text,text,text,timestamp with time zone,timestamp with time zone,integer,bigint,text,text)',
        'pgautomator.schedule_preview(jsonb,timestamp with time zone,integer)',
        'pgautomator.timeline(timestamp with time zone,timestamp with time zone,integer)'],
  'the only granted functions with a timestamptz argument are reads (a window, a preview)');

-- Each API function to its group role (and so to the roles above it, not below) -------------------
CREATE TEMP TABLE api (fn name, needs text);
INSERT INTO api
SELECT unnest(ARRAY['create_schedule', 'update_schedule', 'delete_schedule', 'add_schedule_exception', 'remove_schedule_exception',
                    'create_category', 'rename_category', 'delete_category', 'create_job', 'update_job', 'delete_job',
                    'add_step', 'update_step', 'remove_step', 'move_step', 'attach_schedule', 'detach_schedule',
                    'create_connection', 'update_connection', 'delete_connection', 'create_operator', 'update_operator', 'delete_operator',
                    'set_job_email', 'set_step_email', 'set_agent_smtp', 'grant_role', 'revoke_role', 'list_role_grants', 'delete_agent',
                    'add_job_trigger', 'remove_job_trigger', 'set_job_alert', 'copy_job', 'import_job', 'drain_agent', 'undrain_agent', 'send_test_mail',
                    'get_notification']), 'admin'
UNION ALL
SELECT unnest(ARRAY['enable_job', 'disable_job', 'enable_schedule', 'disable_schedule', 'acknowledge_alert']), 'operator'
UNION ALL
SELECT unnest(ARRAY['list_jobs', 'get_job', 'list_schedules', 'get_schedule', 'list_runs', 'get_run', 'step_output', 'list_running',
                    'list_agents', 'list_categories', 'list_connections', 'list_operators', 'timeline', 'watch_events', 'status',
                    'list_job_triggers', 'list_alerts', 'metrics', 'overview', 'export_job', 'script_job', 'list_step_runs', 'get_retention']), 'viewer';
CREATE FUNCTION pg_temp.api_privilege_errors(role text, level text, expected boolean) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(a.fn::text ORDER BY a.fn), '{}')
    FROM api a LEFT JOIN pg_proc p ON p.proname = a.fn AND p.pronamespace = 'pgautomator'::regnamespace
   WHERE a.needs = level AND (p.oid IS NULL OR has_function_privilege(role, p.oid, 'EXECUTE') <> expected)
$$;
SELECT is(pg_temp.api_privilege_errors('pgautomator_admin', 'admin', true), '{}', 'admin functions: pgautomator_admin may execute them');
SELECT is(pg_temp.api_privilege_errors('pgautomator_operator', 'admin', false), '{}', 'admin functions: pgautomator_operator may not');
SELECT is(pg_temp.api_privilege_errors('pgautomator_operator', 'operator', true), '{}', 'operator functions: pgautomator_operator may');
SELECT is(pg_temp.api_privilege_errors('pgautomator_admin', 'operator', true), '{}', 'operator functions: pgautomator_admin may (inherits)');
SELECT is(pg_temp.api_privilege_errors('pgautomator_viewer', 'operator', false), '{}', 'operator functions: pgautomator_viewer may not');
SELECT is(pg_temp.api_privilege_errors('pgautomator_viewer', 'viewer', true), '{}', 'viewer functions: pgautomator_viewer may');
SELECT is(pg_temp.api_privilege_errors('pgautomator_admin', 'viewer', true), '{}', 'viewer functions: pgautomator_admin may (inherits)');
SELECT is(pg_temp.api_privilege_errors('pgautomator_agent', 'viewer', false)
          || pg_temp.api_privilege_errors('pgautomator_agent', 'operator', false)
          || pg_temp.api_privilege_errors('pgautomator_agent', 'admin', false), '{}', 'the agent role may execute none of them');

-- Login roles, given access with grant_role, switched to with SET ROLE -----------------------------
CREATE ROLE pga_tap_viewer LOGIN;
CREATE ROLE pga_tap_operator LOGIN;
CREATE ROLE pga_tap_admin LOGIN;
CREATE ROLE pga_tap_agent LOGIN;
CREATE ROLE pga_tap_nobody LOGIN;
SELECT pgautomator.grant_role('pga_tap_viewer', 'viewer');
SELECT pgautomator.grant_role('pga_tap_operator', 'operator');
SELECT pgautomator.grant_role('pga_tap_admin', 'admin');
SELECT pgautomator.grant_role('pga_tap_agent', 'agent');
SELECT pgautomator.create_job('nightly');
-- A row in every view, so that reading them exercises every expression (a function a view calls
-- is checked against the reader's rights, and only runs when there are rows).
SELECT pgautomator.create_category('ops');
SELECT pgautomator.create_operator('ops-team', 'ops@example.com');
SELECT pgautomator.create_connection('wh', 'postgres', 'postgres://etl@wh/db');
SELECT pgautomator.add_step('nightly', 'merge', 'sql', 'CALL merge()', connection => 'wh');
SELECT pgautomator.create_schedule('daily', '{"type": "daily", "start_date": "2099-01-01"}');
SELECT pgautomator.attach_schedule('nightly', 'daily');
INSERT INTO pgautomator.agent (name, db_role, state, last_heartbeat_at) VALUES ('pga-tap-host', 'postgres', 'online', now());
WITH r AS (
  INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, state, agent_id)
  SELECT pgautomator._job_id('nightly'), 'manual', now(), now(), 'running', a.id FROM pgautomator.agent a WHERE a.name = 'pga-tap-host'
  RETURNING id, agent_id)
INSERT INTO pgautomator.step_run (job_run_id, position, step_name, agent_id) SELECT id, 1, 'merge', agent_id FROM r;
-- Defence in depth: EXECUTE granted by mistake still meets the role check inside (PA040).
GRANT USAGE ON SCHEMA pgautomator TO pga_tap_nobody;
GRANT EXECUTE ON FUNCTION pgautomator.list_jobs(text) TO pga_tap_nobody;

SET ROLE pga_tap_viewer;
SELECT lives_ok($$SELECT * FROM pgautomator.list_jobs()$$, 'viewer: list_jobs');
SELECT lives_ok($$SELECT pgautomator.get_job('nightly')$$, 'viewer: get_job');
SELECT is((SELECT runs_running FROM pgautomator.status()), 1, 'viewer: status() (health in one row)');
SELECT lives_ok($$SELECT * FROM pgautomator.agents$$, 'viewer: SELECT from the agents view');
SELECT lives_ok($$SELECT * FROM pgautomator.categories$$, 'viewer: SELECT from the categories view');
SELECT lives_ok($$SELECT * FROM pgautomator.connections$$, 'viewer: SELECT from the connections view');
SELECT lives_ok($$SELECT * FROM pgautomator.jobs$$, 'viewer: SELECT from the jobs view');
SELECT lives_ok($$SELECT * FROM pgautomator.operators$$, 'viewer: SELECT from the operators view');
SELECT lives_ok($$SELECT * FROM pgautomator.running$$, 'viewer: SELECT from the running view');
SELECT lives_ok($$SELECT * FROM pgautomator.runs$$, 'viewer: SELECT from the runs view');
SELECT lives_ok($$SELECT * FROM pgautomator.schedules$$, 'viewer: SELECT from the schedules view');
SELECT lives_ok($$SELECT * FROM pgautomator.step_runs$$, 'viewer: SELECT from the step_runs view');
SELECT throws_ok($$SELECT * FROM pgautomator.job$$, '42501', NULL, 'viewer: SELECT from the job table is denied');
SELECT throws_ok($$SELECT pgautomator.create_job('x')$$, '42501', NULL, 'viewer: create_job is denied');
SELECT throws_ok($$SELECT pgautomator.enable_job('nightly')$$, '42501', NULL, 'viewer: enable_job is denied');
RESET ROLE;

SET ROLE pga_tap_operator;
SELECT lives_ok($$SELECT pgautomator.disable_job('nightly', 'testing')$$, 'operator: disable_job');
SELECT lives_ok($$SELECT pgautomator.enable_job('nightly')$$, 'operator: enable_job');
SELECT lives_ok($$SELECT * FROM pgautomator.list_jobs()$$, 'operator: list_jobs (inherits viewer)');
SELECT throws_ok($$SELECT pgautomator.create_job('x')$$, '42501', NULL, 'operator: create_job is denied');
SELECT throws_ok($$SELECT pgautomator.delete_job('nightly')$$, '42501', NULL, 'operator: delete_job is denied');
SELECT throws_ok($$UPDATE pgautomator.job SET enabled = false$$, '42501', NULL, 'operator: writing the job table is denied');
RESET ROLE;

SET ROLE pga_tap_admin;
SELECT lives_ok($$SELECT pgautomator.create_job('adm')$$, 'admin: create_job');
SELECT lives_ok($$SELECT pgautomator.disable_job('adm')$$, 'admin: disable_job (inherits operator)');
SELECT is((SELECT owner::text FROM pgautomator.list_jobs() WHERE name = 'adm'), 'pga_tap_admin', 'admin: the job''s owner is the caller');
RESET ROLE;

SET ROLE pga_tap_agent;
SELECT throws_ok($$SELECT * FROM pgautomator.list_jobs()$$, '42501', NULL, 'agent: list_jobs is denied');
SELECT throws_ok($$SELECT pgautomator.enable_job('nightly')$$, '42501', NULL, 'agent: enable_job is denied');
SELECT throws_ok($$SELECT pgautomator.create_job('x')$$, '42501', NULL, 'agent: create_job is denied');
SELECT throws_ok($$SELECT * FROM pgautomator.status()$$, '42501', NULL, 'agent: status() is denied');
SELECT throws_ok($$SELECT * FROM pgautomator.jobs$$, '42501', NULL, 'agent: the views are denied');
RESET ROLE;

SET ROLE pga_tap_nobody;
SELECT throws_ok($$SELECT * FROM pgautomator.list_jobs()$$, 'PA040', 'permission denied: pga_tap_nobody is not a member of pgautomator_viewer',
  'EXECUTE without the group role still fails inside with PA040');
RESET ROLE;

-- grant_role / revoke_role / list_role_grants ----------------------------------------------------
SELECT results_eq($$SELECT role_name::text, access FROM pgautomator.list_role_grants() WHERE role_name::text LIKE 'pga\_tap\_%'$$,
  $$VALUES ('pga_tap_admin'::name::text, 'admin'), ('pga_tap_agent'::name::text, 'agent'), ('pga_tap_operator'::name::text, 'operator'),
           ('pga_tap_viewer'::name::text, 'viewer')$$,
  'list_role_grants shows who has which access');
SELECT lives_ok($$SELECT pgautomator.grant_role('pga_tap_viewer', 'viewer')$$, 'granting again changes nothing');
SELECT lives_ok($$SELECT pgautomator.revoke_role('pga_tap_viewer', 'viewer')$$, 'revoke_role');
SELECT ok(NOT pg_has_role('pga_tap_viewer', 'pgautomator_viewer', 'MEMBER'), 'the role lost the access');
SELECT lives_ok($$SELECT pgautomator.revoke_role('pga_tap_viewer', 'viewer')$$, 'revoking what is not granted changes nothing');
SELECT throws_ok($$SELECT pgautomator.grant_role('pga_tap_viewer', 'root')$$, 'PA002', 'access must be one of admin, operator, viewer, agent (got "root")',
  'grant_role: unknown access is PA002');
SELECT throws_ok($$SELECT pgautomator.grant_role('pga_tap_missing', 'viewer')$$, 'PA010', 'role pga_tap_missing does not exist',
  'grant_role: unknown role is PA010');
SELECT throws_ok($$SELECT pgautomator.grant_role('pgautomator_viewer', 'admin')$$, 'PA002', 'grant_role is for login roles, not pgautomator_viewer',
  'grant_role: the group roles themselves are refused');
SET ROLE pga_tap_admin;
SELECT lives_ok($$SELECT pgautomator.grant_role('pga_tap_nobody', 'operator')$$, 'an admin (not superuser) can grant access');
RESET ROLE;
SELECT ok(pg_has_role('pga_tap_nobody', 'pgautomator_viewer', 'MEMBER'), 'operator access includes viewer');
SET ROLE pga_tap_operator;
SELECT throws_ok($$SELECT pgautomator.grant_role('pga_tap_operator', 'admin')$$, '42501', NULL, 'an operator cannot grant access (to itself or anyone)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

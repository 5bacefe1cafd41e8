-- Connections (secrets never in clear), operators, and mail settings of jobs, steps and agents.
BEGIN;
SELECT plan(61);

CREATE FUNCTION pg_temp.error_of(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text; h text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN jsonb_build_object('code', c, 'message', m, 'detail', d, 'hint', h);
END $$;

-- connections ------------------------------------------------------------------------------------
SELECT ok(pgautomator.create_connection('sales', 'postgres', 'postgres://report@db.example.com:5432/sales', 'env:SALES_PASSWORD', 'sales db') > 0,
  'create_connection returns the new id');
SELECT results_eq($$SELECT name, driver, dsn, secret_ref, description, steps FROM pgautomator.list_connections()$$,
  $$VALUES ('sales', 'postgres', 'postgres://report@db.example.com:5432/sales', 'env:SALES_PASSWORD', 'sales db', 0)$$,
  'list_connections shows it');
SELECT lives_ok($$SELECT pgautomator.create_connection('local', 'sqlite', '/var/lib/app/data.db')$$, 'a sqlite path without secret_ref');
SELECT lives_ok($$SELECT pgautomator.create_connection('kv', 'postgres', 'host=db user=report dbname=sales sslmode=require', 'file:sales')$$,
  'a key/value dsn without password');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'postgres', 'postgres://u:secret@h/db')$$, 'PA002',
  'connection dsn must not contain a password', 'a password in a URL is refused');
SELECT matches(pg_temp.error_of($$SELECT pgautomator.create_connection('x', 'postgres', 'postgres://u:secret@h/db')$$) ->> 'hint', 'secret_ref',
  'the HINT points to secret_ref');
SELECT ok(strpos(pg_temp.error_of($$SELECT pgautomator.create_connection('x', 'postgres', 'postgres://u:s3cr3t@h/db')$$)::text, 's3cr3t') = 0,
  'the error never repeats the secret');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'mysql', 'mysql://app:p@ss@db/sales')$$, 'PA002',
  'connection dsn must not contain a password', 'a password with @ in a URL is refused');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'postgres', 'host=db user=u password=secret')$$, 'PA002',
  'connection dsn must not contain a password', 'password= in a key/value dsn is refused');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'odbc', 'Server=db;User Id=u;Password=secret;')$$, 'PA002',
  'connection dsn must not contain a password', 'Password= in an ADO dsn is refused');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'odbc', 'Driver={ODBC};Server=db;UID=u;PWD=secret')$$, 'PA002',
  'connection dsn must not contain a password', 'PWD= in an ODBC dsn is refused');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'postgres', 'postgres://u@h/db?sslmode=require&password=secret')$$, 'PA002',
  'connection dsn must not contain a password', 'password= in a URL query is refused');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'postgres', 'postgres://u@h/db', 'hunter2')$$, 'PA002',
  'secret_ref must look like env:NAME or file:NAME (got a value of 7 characters that does not)', 'a secret_ref that is not a reference is PA002');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'oracle', 'oracle://u@h/db')$$, 'PA002',
  'connection driver must be one of postgres, mysql, mariadb, sqlite, odbc (got "oracle")', 'unknown driver is PA002');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'mssql', 'Server=db;User Id=u')$$, 'PA002',
  'connection driver mssql is not supported: SQL Server is reached with driver odbc', 'mssql, which no agent can run, is refused with a pointer to odbc');
SELECT lives_ok($$SELECT pgautomator.create_connection('warehouse', 'odbc', 'Driver={ODBC Driver 18 for SQL Server};Server=db;Database=dw;Uid=app', 'env:DW_PASSWORD')$$,
  'an odbc connection with a DSN string and a secret_ref');
SELECT throws_ok($$SELECT pgautomator.create_connection('x', 'postgres', '')$$, 'PA002', 'connection dsn must not be empty', 'empty dsn is PA002');
SELECT throws_ok($$SELECT pgautomator.create_connection('sales', 'postgres', 'postgres://u@h/db')$$, 'PA020', 'connection ''sales'' already exists',
  'duplicate connection is PA020');

SELECT lives_ok($$SELECT pgautomator.update_connection('sales', dsn => 'postgres://report@db2.example.com/sales', description => 'moved')$$,
  'update_connection');
SELECT results_eq($$SELECT dsn, secret_ref, description FROM pgautomator.connections WHERE name = 'sales'$$,
  $$VALUES ('postgres://report@db2.example.com/sales', 'env:SALES_PASSWORD', 'moved')$$, 'changed fields changed, the others stayed');
SELECT throws_ok($$SELECT pgautomator.update_connection('sales', dsn => 'postgres://report:pw@db2/sales')$$, 'PA002',
  'connection dsn must not contain a password', 'update_connection refuses a password too');
SELECT lives_ok($$SELECT pgautomator.update_connection('sales', clear => '{secret_ref,description}', new_name => 'sales2')$$,
  'update_connection clears and renames');
SELECT results_eq($$SELECT name, secret_ref, description FROM pgautomator.connections WHERE name = 'sales2'$$,
  $$VALUES ('sales2', NULL::text, NULL::text)$$, 'cleared and renamed');
SELECT throws_ok($$SELECT pgautomator.update_connection('sales2', clear => '{dsn}')$$, 'PA002',
  'update_connection clear must name fields among secret_ref, description (got "dsn")', 'clearing dsn is PA002');
SELECT throws_ok($$SELECT pgautomator.update_connection('sales2', new_name => 'kv')$$, 'PA020', 'connection ''kv'' already exists',
  'renaming onto another connection is PA020');
SELECT throws_ok($$SELECT pgautomator.update_connection('sales', driver => 'mysql')$$, 'PA010', 'connection ''sales'' does not exist',
  'update_connection: unknown is PA010');

SELECT pgautomator.create_job('report');
SELECT pgautomator.add_step('report', 'totals', 'sql', 'SELECT sum(amount) FROM orders', connection => 'sales2');
SELECT throws_ok($$SELECT pgautomator.delete_connection('sales2')$$, 'PA021', 'connection ''sales2'' is used by 1 step(s): report.totals',
  'delete_connection refuses while steps use it');
SELECT lives_ok($$SELECT pgautomator.delete_connection('local')$$, 'delete_connection of an unused connection');
SELECT throws_ok($$SELECT pgautomator.delete_connection('local')$$, 'PA010', 'connection ''local'' does not exist', 'delete_connection: unknown is PA010');

-- operators --------------------------------------------------------------------------------------
SELECT ok(pgautomator.create_operator('dba-team', 'dba@example.com') > 0, 'create_operator returns the new id');
SELECT pgautomator.create_operator('night-shift', 'night@example.com', enabled => false);
SELECT results_eq($$SELECT name, email, enabled FROM pgautomator.list_operators()$$,
  $$VALUES ('dba-team', 'dba@example.com', true), ('night-shift', 'night@example.com', false)$$, 'list_operators lists them by name');
SELECT throws_ok($$SELECT pgautomator.create_operator('a@b', 'a@b.example')$$, 'PA002', 'operator name must not contain @ (got "a@b")',
  'an operator name with @ is PA002');
SELECT throws_ok($$SELECT pgautomator.create_operator('x', 'not an address')$$, 'PA002',
  'operator email must be a mail address (got "not an address")', 'a bad address is PA002');
SELECT throws_ok($$SELECT pgautomator.create_operator('dba-team', 'x@example.com')$$, 'PA020', 'operator ''dba-team'' already exists',
  'duplicate operator is PA020');

-- set_job_email / set_step_email -----------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.set_job_email('report', '{failure,success}', '{dba-team,boss@example.com}', 'jobs@example.com',
  '{{job}}: {{state}}', 'run {{run_id}}')$$, 'set_job_email with an operator and an address');
SELECT is(pgautomator.get_job('report') -> 'email',
  '{"on": ["failure", "success"], "to": ["dba-team", "boss@example.com"], "from": "jobs@example.com", "subject": "{{job}}: {{state}}", "body": "run {{run_id}}"}'::jsonb,
  'get_job shows the mail settings');
SELECT throws_ok($$SELECT pgautomator.set_job_email('report', '{retry}', '{dba-team}')$$, 'PA002',
  'mail "on" must list events among start, success, failure, completion (got "retry")', 'an unknown event is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_email('report', '{failure}', '{nobody}')$$, 'PA010',
  'operator "nobody" does not exist (and it is not a mail address)', 'an unknown operator is PA010');
SELECT throws_ok($$SELECT pgautomator.set_job_email('report', '{failure}', '{a@b@c}')$$, 'PA002', 'mail recipient "a@b@c" is not a mail address',
  'a malformed address is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_email('report', '{failure}', '{}')$$, 'PA002',
  'mail "to" must name at least one recipient when "on" lists events', 'events without recipients is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_email('report', '{failure}', '{dba-team}', 'nobody')$$, 'PA002',
  'mail "from" must be a mail address (got "nobody")', 'a bad sender is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_email('nope', '{}', '{}')$$, 'PA010', 'job ''nope'' does not exist', 'set_job_email: unknown job is PA010');
SELECT lives_ok($$SELECT pgautomator.set_step_email('report', 'totals', '{start,completion}', '{night-shift}', '"Jobs" <jobs@example.com>')$$,
  'set_step_email');
SELECT is((SELECT s -> 'email' FROM jsonb_array_elements(pgautomator.get_job('report') -> 'steps') s),
  '{"on": ["completion", "start"], "to": ["night-shift"], "from": "\"Jobs\" <jobs@example.com>", "subject": null, "body": null}'::jsonb,
  'get_job shows the step''s mail settings');
SELECT throws_ok($$SELECT pgautomator.set_step_email('report', 'nope', '{}', '{}')$$, 'PA010', 'step ''nope'' of job ''report'' does not exist',
  'set_step_email: unknown step is PA010');

-- operators in use, renamed, deleted -------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.update_operator('dba-team', email => 'dbas@example.com', new_name => 'dbas')$$, 'update_operator renames');
SELECT is(pgautomator.get_job('report') #> '{email,to}', '["dbas", "boss@example.com"]'::jsonb, 'the rename follows into mail settings');
SELECT throws_ok($$SELECT pgautomator.update_operator('dbas', new_name => 'night-shift')$$, 'PA020', 'operator ''night-shift'' already exists',
  'renaming onto another operator is PA020');
SELECT throws_ok($$SELECT pgautomator.update_operator('dba-team', enabled => false)$$, 'PA010', 'operator ''dba-team'' does not exist',
  'update_operator: unknown is PA010');
SELECT throws_ok($$SELECT pgautomator.delete_operator('night-shift')$$, 'PA021', 'operator ''night-shift'' is a mail recipient of step report.totals',
  'delete_operator refuses while mail settings list it');
SELECT pgautomator.set_step_email('report', 'totals', NULL, NULL);
SELECT is((SELECT s -> 'email' ->> 'on' FROM jsonb_array_elements(pgautomator.get_job('report') -> 'steps') s), '[]',
  'set_step_email with NULLs turns the mail off');
SELECT lives_ok($$SELECT pgautomator.delete_operator('night-shift')$$, 'delete_operator once unused');
SELECT throws_ok($$SELECT pgautomator.delete_operator('night-shift')$$, 'PA010', 'operator ''night-shift'' does not exist', 'delete_operator: unknown is PA010');

-- set_agent_smtp ---------------------------------------------------------------------------------
INSERT INTO pgautomator.agent (name, db_role) VALUES ('host1', 'postgres');
SELECT lives_ok($$SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', "user" => 'jobs', password_ref => 'env:SMTP_PASSWORD',
  "from" => 'jobs@example.com')$$, 'set_agent_smtp');
SELECT results_eq($$SELECT smtp_host, smtp_port, smtp_security, smtp_user, smtp_password_ref, smtp_from FROM pgautomator.list_agents()$$,
  $$VALUES ('smtp.example.com', NULL::int, 'starttls', 'jobs', 'env:SMTP_PASSWORD', 'jobs@example.com')$$, 'the agents view shows the settings');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', "user" => 'jobs', password_ref => 'hunter2')$$, 'PA002',
  'password_ref must look like env:NAME or file:NAME (got a value of 7 characters that does not)', 'a password instead of a reference is PA002');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', security => 'ssl')$$, 'PA002',
  'smtp security must be one of none, starttls, tls (got "ssl")', 'unknown security is PA002');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', port => 70000)$$, 'PA002',
  'smtp port must be from 1 to 65535 (got 70000)', 'port out of range is PA002');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', password_ref => 'env:X')$$, 'PA002',
  'smtp password_ref needs a user', 'password_ref without user is PA002');
SELECT throws_ok($$SELECT pgautomator.set_agent_smtp('nope', 'smtp.example.com')$$, 'PA010', 'agent ''nope'' does not exist', 'unknown agent is PA010');
SELECT pgautomator.set_agent_smtp('host1', NULL);
SELECT results_eq($$SELECT smtp_host, smtp_user, smtp_password_ref, smtp_from FROM pgautomator.list_agents()$$,
  $$VALUES (NULL::text, NULL::text, NULL::text, NULL::text)$$, 'host NULL turns the agent''s mail off and clears the rest');

SELECT * FROM finish();
ROLLBACK;

-- Steps API: add_step, update_step, remove_step, move_step; positions stay 1..n.
BEGIN;
SELECT plan(56);

CREATE FUNCTION pg_temp.error_of(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text; h text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN jsonb_build_object('code', c, 'message', m, 'detail', d, 'hint', h);
END $$;

-- The job's steps as "position:name" in order.
CREATE FUNCTION pg_temp.steps(j text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg((s ->> 'position') || ':' || (s ->> 'name') ORDER BY (s ->> 'position')::int)
    FROM jsonb_array_elements(pgautomator.get_job(j) -> 'steps') s
$$;
CREATE FUNCTION pg_temp.step(j text, n text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT s FROM jsonb_array_elements(pgautomator.get_job(j) -> 'steps') s WHERE s ->> 'name' = n
$$;

SELECT pgautomator.create_job('backup');
SELECT pgautomator.create_connection('sales', 'postgres', 'postgres://report@db.example.com/sales', 'env:SALES_PASSWORD');

-- add_step ---------------------------------------------------------------------------------------
SELECT ok(pgautomator.add_step('backup', 'dump', 'shell', 'pg_dump mydb > /tmp/x') > 0, 'add_step returns the new id');
SELECT pgautomator.add_step('backup', 'compress', 'shell', 'gzip /tmp/x');
SELECT pgautomator.add_step('backup', 'upload', 'shell', 'rclone copy /tmp/x.gz remote:');
SELECT is(pg_temp.steps('backup'), '{1:dump,2:compress,3:upload}', 'steps are appended in order');
SELECT lives_ok($$SELECT pgautomator.add_step('backup', 'check', 'sql', 'SELECT 1', connection => 'sales', "position" => 1)$$,
  'add_step inserts at a position');
SELECT is(pg_temp.steps('backup'), '{1:check,2:dump,3:compress,4:upload}', 'the following steps move down');
SELECT pgautomator.add_step('backup', 'notify', 'shell', 'echo done', "position" => 5);
SELECT is(pg_temp.steps('backup'), '{1:check,2:dump,3:compress,4:upload,5:notify}', 'position n+1 appends');
SELECT is((SELECT steps FROM pgautomator.jobs WHERE name = 'backup'), 5, 'the jobs view counts the steps');
SELECT lives_ok($$SELECT pgautomator.add_step('backup', 'cleanup', 'shell', 'rm -f /tmp/x.gz', shell => 'bash', working_dir => '/tmp',
  env => '{"LANG": "C"}', success_codes => '{0,1}', timeout => '5 minutes', retries => 2, retry_delay => '10 seconds', retry_backoff => 2,
  on_success => 'quit_success', on_failure => 'goto', on_failure_goto => 'notify', enabled => false)$$, 'add_step with every argument');
SELECT is(pg_temp.step('backup', 'cleanup') - 'id' - 'created_at' - 'updated_at',
  '{"position": 6, "name": "cleanup", "enabled": false, "kind": "shell", "command": "rm -f /tmp/x.gz", "shell": "bash", "connection": null,
    "working_dir": "/tmp", "env": {"LANG": "C"}, "success_codes": [0, 1], "timeout": "00:05:00", "retries": 2, "retry_delay": "00:00:10",
    "retry_backoff": 2, "on_success": "quit_success", "on_success_goto": null, "on_failure": "goto", "on_failure_goto": "notify",
    "email": {"on": [], "to": [], "from": null, "subject": null, "body": null}}'::jsonb,
  'get_job shows every field, with connection and goto as names');
SELECT is(pg_temp.step('backup', 'check') ->> 'connection', 'sales', 'a sql step shows its connection name');

SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'python', 'print(1)')$$, 'PA002',
  'step kind must be one of shell, sql (got "python")', 'unknown kind is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'sql', 'SELECT 1')$$, 'PA002', 'a sql step needs a connection',
  'a sql step without connection is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'sql', 'SELECT 1', connection => 'nope')$$, 'PA010',
  'connection ''nope'' does not exist', 'an unknown connection is PA010');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'sql', 'SELECT 1', connection => 'sales', shell => 'bash')$$, 'PA002',
  'shell, working_dir and env apply to shell steps only, not to a sql step', 'shell on a sql step is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', connection => 'sales')$$, 'PA002',
  'connection applies to sql steps only, not to a shell step', 'a connection on a shell step is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', shell => 'zsh')$$, 'PA002',
  'step shell must be one of sh, bash, cmd, powershell, pwsh (got "zsh")', 'unknown shell is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', '  ')$$, 'PA002', 'step command must not be empty', 'blank command is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', env => '["A"]')$$, 'PA002',
  'step env must be a JSON object of strings', 'env that is not an object is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', env => '{"RETRIES": 3}')$$, 'PA002',
  'step env must map variable names (letters, digits, _) to strings; "RETRIES" is not', 'env with a non-string value is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', success_codes => '{}')$$, 'PA002',
  'step success_codes must list at least one exit code, without NULLs', 'empty success_codes is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', retries => 101)$$, 'PA002',
  'step retries must be from 0 to 100 (got 101)', 'retries out of range is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', retry_backoff => 0.5)$$, 'PA002',
  'step retry_backoff must be from 1 to 10 (got 0.5)', 'retry_backoff below 1 is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', retry_delay => '-1 second')$$, 'PA002',
  'step retry_delay must be an interval of 0 or more (got -00:00:01)', 'negative retry_delay is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', timeout => '0')$$, 'PA002',
  'step timeout must be a positive interval or NULL (got 00:00:00)', 'zero timeout is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', on_success => 'goto')$$, 'PA002',
  'step on_success = goto needs on_success_goto (a step name of the same job)', 'goto without a target is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', on_failure_goto => 'dump')$$, 'PA002',
  'step on_failure_goto applies only when on_failure = goto (on_failure is quit_failure)', 'a target without goto is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', on_success => 'goto', on_success_goto => 'nope')$$, 'PA010',
  'step ''nope'' of job ''backup'' does not exist', 'a goto to an unknown step is PA010');
SELECT is(pg_temp.error_of($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', on_success => 'goto', on_success_goto => 'nope')$$) ->> 'detail',
  'field: on_success_goto', 'and DETAIL names the goto field');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', on_failure => 'retry')$$, 'PA002',
  'step on_failure must be one of next, goto, quit_success, quit_failure (got "retry")', 'unknown on_failure is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'x', 'shell', 'ls', "position" => 9)$$, 'PA002',
  'step position must be from 1 to 7 for job ''backup'' (got 9)', 'a position past n+1 is PA002');
SELECT throws_ok($$SELECT pgautomator.add_step('backup', 'dump', 'shell', 'ls')$$, 'PA020', 'job ''backup'' already has a step ''dump''',
  'a duplicate step name is PA020');
SELECT throws_ok($$SELECT pgautomator.add_step('nope', 'x', 'shell', 'ls')$$, 'PA010', 'job ''nope'' does not exist', 'unknown job is PA010');
SELECT is(pg_temp.steps('backup'), '{1:check,2:dump,3:compress,4:upload,5:notify,6:cleanup}', 'no failed call changed the steps');

-- update_step ------------------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.update_step('backup', 'dump', command => 'pg_dump -Fc mydb > /tmp/x', retries => 3)$$, 'update_step');
SELECT results_eq($$SELECT s ->> 'command', (s ->> 'retries')::int, s ->> 'kind' FROM pg_temp.step('backup', 'dump') s$$,
  $$VALUES ('pg_dump -Fc mydb > /tmp/x', 3, 'shell')$$, 'changed fields changed, the others stayed');
SELECT lives_ok($$SELECT pgautomator.update_step('backup', 'cleanup', clear => '{shell,working_dir,env,timeout,on_failure_goto}', on_failure => 'next')$$,
  'update_step clears fields');
SELECT results_eq($$SELECT s -> 'shell', s -> 'working_dir', s -> 'env', s -> 'timeout', s -> 'on_failure_goto', s ->> 'on_failure' FROM pg_temp.step('backup', 'cleanup') s$$,
  $$VALUES ('null'::jsonb, 'null'::jsonb, '{}'::jsonb, 'null'::jsonb, 'null'::jsonb, 'next')$$, 'cleared fields are NULL (env {})');
SELECT pgautomator.update_step('backup', 'upload', on_success => 'goto', on_success_goto => 'cleanup');
SELECT is(pg_temp.step('backup', 'upload') ->> 'on_success_goto', 'cleanup', 'update_step sets a goto');
SELECT pgautomator.update_step('backup', 'upload', on_success => 'next');
SELECT is(pg_temp.step('backup', 'upload') -> 'on_success_goto', 'null'::jsonb, 'leaving goto drops its target');
SELECT pgautomator.update_step('backup', 'compress', env => '{"LEVEL": "9"}', working_dir => '/tmp');
SELECT lives_ok($$SELECT pgautomator.update_step('backup', 'compress', kind => 'sql', command => 'SELECT 2', connection => 'sales')$$,
  'update_step turns a shell step into a sql step');
SELECT results_eq($$SELECT s ->> 'kind', s ->> 'connection', s -> 'env', s -> 'working_dir' FROM pg_temp.step('backup', 'compress') s$$,
  $$VALUES ('sql', 'sales', '{}'::jsonb, 'null'::jsonb)$$, 'the shell-only fields are dropped with the kind');
SELECT throws_ok($$SELECT pgautomator.update_step('backup', 'compress', shell => 'sh')$$, 'PA002',
  'shell, working_dir and env apply to shell steps only, not to a sql step', 'update_step validates like add_step');
SELECT throws_ok($$SELECT pgautomator.update_step('backup', 'dump', on_failure => 'goto', on_failure_goto => 'dump')$$, 'PA002',
  'step ''dump'' cannot go to itself', 'a step going to itself is PA002');
SELECT throws_ok($$SELECT pgautomator.update_step('backup', 'dump', clear => '{command}')$$, 'PA002',
  'update_step clear must name fields among shell, connection, working_dir, env, timeout, on_success_goto, on_failure_goto (got "command")',
  'clearing an unknown field is PA002');
SELECT throws_ok($$SELECT pgautomator.update_step('backup', 'dump', new_name => 'upload')$$, 'PA020', 'job ''backup'' already has a step ''upload''',
  'renaming onto another step is PA020');
SELECT lives_ok($$SELECT pgautomator.update_step('backup', 'dump', new_name => 'pg_dump')$$, 'update_step renames');
SELECT throws_ok($$SELECT pgautomator.update_step('backup', 'dump', retries => 1)$$, 'PA010', 'step ''dump'' of job ''backup'' does not exist',
  'update_step: unknown step is PA010');

-- move_step --------------------------------------------------------------------------------------
SELECT is(pg_temp.steps('backup'), '{1:check,2:pg_dump,3:compress,4:upload,5:notify,6:cleanup}', 'before moving');
SELECT lives_ok($$SELECT pgautomator.move_step('backup', 'cleanup', 1)$$, 'move the last step first');
SELECT is(pg_temp.steps('backup'), '{1:cleanup,2:check,3:pg_dump,4:compress,5:upload,6:notify}', 'the others shift down');
SELECT pgautomator.move_step('backup', 'check', 5);
SELECT is(pg_temp.steps('backup'), '{1:cleanup,2:pg_dump,3:compress,4:upload,5:check,6:notify}', 'moving down shifts the ones between up');
SELECT throws_ok($$SELECT pgautomator.move_step('backup', 'check', 7)$$, 'PA002', 'step position must be from 1 to 6 for job ''backup'' (got 7)',
  'moving past the end is PA002');
SELECT throws_ok($$SELECT pgautomator.move_step('backup', 'nope', 1)$$, 'PA010', 'step ''nope'' of job ''backup'' does not exist', 'move_step: unknown step is PA010');

-- remove_step ------------------------------------------------------------------------------------
SELECT pgautomator.update_step('backup', 'upload', on_failure => 'goto', on_failure_goto => 'notify');
SELECT throws_ok($$SELECT pgautomator.remove_step('backup', 'notify')$$, 'PA021',
  'step ''notify'' of job ''backup'' is the goto target of step(s) upload', 'removing a goto target is PA021');
SELECT lives_ok($$SELECT pgautomator.remove_step('backup', 'pg_dump')$$, 'remove_step');
SELECT is(pg_temp.steps('backup'), '{1:cleanup,2:compress,3:upload,4:check,5:notify}', 'positions are renumbered 1..n');
SELECT throws_ok($$SELECT pgautomator.remove_step('backup', 'pg_dump')$$, 'PA010', 'step ''pg_dump'' of job ''backup'' does not exist',
  'remove_step: unknown step is PA010');

SELECT * FROM finish();
ROLLBACK;

CREATE OR REPLACE FUNCTION pgautomator._check_step(s pgautomator.step)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  bad text;
BEGIN
  -- One validator for add_step and update_step: the would-be row (connection and goto targets
  -- already resolved to ids by the caller, which reports unknown names as PA010).
  PERFORM pgautomator._check_name(s.name, 'step name', 200);
  PERFORM pgautomator._check_one_of(s.kind, ARRAY['shell', 'sql'], 'step kind', 'kind');
  IF s.command IS NULL OR btrim(s.command) = '' THEN
    PERFORM pgautomator._raise('PA002', 'step command must not be empty', 'field: command',
      'Pass the shell command line, or the SQL script for a sql step.');
  END IF;
  IF s.kind = 'sql' THEN
    IF s.connection_id IS NULL THEN
      PERFORM pgautomator._raise('PA002', 'a sql step needs a connection', 'field: connection',
        'Pass connection => ''<name>'' (SELECT name FROM pgautomator.list_connections(); or create one with pgautomator.create_connection).');
    END IF;
    IF s.shell IS NOT NULL OR s.working_dir IS NOT NULL OR s.env <> '{}'::jsonb THEN
      PERFORM pgautomator._raise('PA002', 'shell, working_dir and env apply to shell steps only, not to a sql step',
        'field: ' || CASE WHEN s.shell IS NOT NULL THEN 'shell' WHEN s.working_dir IS NOT NULL THEN 'working_dir' ELSE 'env' END,
        'Leave them out, or clear them: clear => ''{shell,working_dir,env}''.');
    END IF;
  ELSE
    IF s.connection_id IS NOT NULL THEN
      PERFORM pgautomator._raise('PA002', 'connection applies to sql steps only, not to a shell step', 'field: connection',
        'Leave connection out, or pass kind => ''sql''.');
    END IF;
    IF s.shell IS NOT NULL THEN
      PERFORM pgautomator._check_one_of(s.shell, ARRAY['sh', 'bash', 'cmd', 'powershell', 'pwsh'], 'step shell', 'shell');
    END IF;
  END IF;
  IF s.env IS NULL OR jsonb_typeof(s.env) <> 'object' THEN
    PERFORM pgautomator._raise('PA002', 'step env must be a JSON object of strings', 'field: env',
      'For example: env => ''{"PGDATABASE": "mydb"}''.');
  END IF;
  SELECT e.key INTO bad FROM jsonb_each(s.env) e
   WHERE jsonb_typeof(e.value) <> 'string' OR e.key !~ '^[A-Za-z_][A-Za-z0-9_]*$' LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002',
      format('step env must map variable names (letters, digits, _) to strings; %s is not', to_jsonb(bad)),
      'field: env', 'Quote numbers as strings: env => ''{"RETRIES": "3"}''.');
  END IF;
  IF s.success_codes IS NULL OR cardinality(s.success_codes) = 0 OR array_position(s.success_codes, NULL) IS NOT NULL THEN
    PERFORM pgautomator._raise('PA002', 'step success_codes must list at least one exit code, without NULLs', 'field: success_codes',
      'For example: success_codes => ''{0,1}''.');
  END IF;
  IF s.timeout IS NOT NULL AND s.timeout <= interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('step timeout must be a positive interval or NULL (got %s)', s.timeout),
      'field: timeout', 'For example: timeout => ''30 minutes''; NULL means no limit.');
  END IF;
  IF s.retries IS NULL OR s.retries NOT BETWEEN 0 AND 100 THEN
    PERFORM pgautomator._raise('PA002', format('step retries must be from 0 to 100 (got %s)', coalesce(s.retries::text, 'NULL')),
      'field: retries', 'For example: retries => 3.');
  END IF;
  IF s.retry_delay IS NULL OR s.retry_delay < interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('step retry_delay must be an interval of 0 or more (got %s)', coalesce(s.retry_delay::text, 'NULL')),
      'field: retry_delay', 'For example: retry_delay => ''1 minute''.');
  END IF;
  IF s.retry_backoff IS NULL OR NOT (s.retry_backoff BETWEEN 1 AND 10) THEN
    PERFORM pgautomator._raise('PA002', format('step retry_backoff must be from 1 to 10 (got %s)', coalesce(s.retry_backoff::text, 'NULL')),
      'field: retry_backoff', 'retry_backoff => 1 keeps the delay constant; 2 doubles it after each retry.');
  END IF;
  PERFORM pgautomator._check_one_of(s.on_success, ARRAY['next', 'goto', 'quit_success', 'quit_failure'], 'step on_success', 'on_success');
  PERFORM pgautomator._check_one_of(s.on_failure, ARRAY['next', 'goto', 'quit_success', 'quit_failure'], 'step on_failure', 'on_failure');
  IF (s.on_success = 'goto') <> (s.on_success_goto IS NOT NULL) THEN
    PERFORM pgautomator._raise('PA002',
      CASE WHEN s.on_success = 'goto' THEN 'step on_success = goto needs on_success_goto (a step name of the same job)'
           ELSE format('step on_success_goto applies only when on_success = goto (on_success is %s)', s.on_success) END,
      'field: on_success_goto', 'Pass on_success => ''goto'', on_success_goto => ''<step name>'' together.');
  END IF;
  IF (s.on_failure = 'goto') <> (s.on_failure_goto IS NOT NULL) THEN
    PERFORM pgautomator._raise('PA002',
      CASE WHEN s.on_failure = 'goto' THEN 'step on_failure = goto needs on_failure_goto (a step name of the same job)'
           ELSE format('step on_failure_goto applies only when on_failure = goto (on_failure is %s)', s.on_failure) END,
      'field: on_failure_goto', 'Pass on_failure => ''goto'', on_failure_goto => ''<step name>'' together.');
  END IF;
  IF s.id IS NOT NULL AND s.id IN (s.on_success_goto, s.on_failure_goto) THEN
    PERFORM pgautomator._raise('PA002', format('step %L cannot go to itself', s.name),
      'field: ' || CASE WHEN s.on_success_goto = s.id THEN 'on_success_goto' ELSE 'on_failure_goto' END,
      'To try a step again, use retries and retry_delay.');
  END IF;
  IF s.enabled IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'step enabled must be true or false (got NULL)', 'field: enabled', 'Pass enabled => true or false.');
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_step(pgautomator.step) IS 'Validates a would-be step row field by field (kind-specific fields, env of strings, goto consistency), raising PA002 naming the first bad field; shared by add_step and update_step.';

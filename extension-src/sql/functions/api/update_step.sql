CREATE OR REPLACE FUNCTION pgautomator.update_step(
  job text,
  step text,
  kind text DEFAULT NULL,
  command text DEFAULT NULL,
  shell text DEFAULT NULL,
  connection text DEFAULT NULL,
  working_dir text DEFAULT NULL,
  env jsonb DEFAULT NULL,
  success_codes int[] DEFAULT NULL,
  timeout interval DEFAULT NULL,
  retries int DEFAULT NULL,
  retry_delay interval DEFAULT NULL,
  retry_backoff float8 DEFAULT NULL,
  on_success text DEFAULT NULL,
  on_success_goto text DEFAULT NULL,
  on_failure text DEFAULT NULL,
  on_failure_goto text DEFAULT NULL,
  enabled boolean DEFAULT NULL,
  new_name text DEFAULT NULL,
  clear text[] DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  clearable CONSTANT text[] := ARRAY['shell', 'connection', 'working_dir', 'env', 'timeout', 'on_success_goto', 'on_failure_goto'];
  jid       bigint;
  sid       bigint;
  cur_row   pgautomator.step;
  s         pgautomator.step;
  bad       text;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(update_step.job, true);
  sid := pgautomator._step_id(jid, update_step.step, true);  -- a statement of its own: it must raise (README.md)
  SELECT x.* INTO cur_row FROM pgautomator.step x WHERE x.id = sid;
  SELECT c INTO bad FROM unnest(coalesce(update_step.clear, '{}')) c WHERE c IS NULL OR NOT c = ANY (clearable) LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002',
      format('update_step clear must name fields among %s (got %s)', array_to_string(clearable, ', '), coalesce('"' || bad || '"', 'NULL')),
      'field: clear', 'clear lists the nullable fields to reset, e.g. clear => ''{timeout,working_dir}''.');
  END IF;
  SELECT c INTO bad FROM unnest(update_step.clear) c
   WHERE (c = 'shell' AND update_step.shell IS NOT NULL) OR (c = 'connection' AND update_step.connection IS NOT NULL)
      OR (c = 'working_dir' AND update_step.working_dir IS NOT NULL) OR (c = 'env' AND update_step.env IS NOT NULL)
      OR (c = 'timeout' AND update_step.timeout IS NOT NULL)
      OR (c = 'on_success_goto' AND update_step.on_success_goto IS NOT NULL)
      OR (c = 'on_failure_goto' AND update_step.on_failure_goto IS NOT NULL)
   LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002', format('update_step cannot both set and clear %s', bad), 'field: clear',
      format('Pass %s or clear it, not both.', bad));
  END IF;

  s := cur_row;
  IF update_step.new_name IS NOT NULL THEN
    PERFORM pgautomator._check_name(update_step.new_name, 'step new_name', 200, 'new_name');
    IF update_step.new_name <> cur_row.name
       AND EXISTS (SELECT 1 FROM pgautomator.step x WHERE x.job_id = jid AND x.name = update_step.new_name) THEN
      PERFORM pgautomator._raise('PA020', format('job %L already has a step %L', update_step.job, update_step.new_name),
        'field: new_name', 'Choose another new_name.');
    END IF;
    s.name := update_step.new_name;
  END IF;
  s.kind    := coalesce(update_step.kind, s.kind);
  s.command := coalesce(update_step.command, s.command);
  -- A change of kind drops the fields of the old kind that the call does not restate.
  IF s.kind IS DISTINCT FROM cur_row.kind THEN
    IF s.kind = 'shell' THEN
      s.connection_id := NULL;
    ELSIF s.kind = 'sql' THEN
      s.shell := NULL;
      s.working_dir := NULL;
      s.env := '{}';
    END IF;
  END IF;
  s.shell         := CASE WHEN 'shell' = ANY (update_step.clear) THEN NULL ELSE coalesce(update_step.shell, s.shell) END;
  s.connection_id := CASE WHEN 'connection' = ANY (update_step.clear) THEN NULL
                          WHEN update_step.connection IS NOT NULL THEN pgautomator._connection_id(update_step.connection)
                          ELSE s.connection_id END;
  s.working_dir   := CASE WHEN 'working_dir' = ANY (update_step.clear) THEN NULL ELSE coalesce(update_step.working_dir, s.working_dir) END;
  s.env           := CASE WHEN 'env' = ANY (update_step.clear) THEN '{}' ELSE coalesce(update_step.env, s.env) END;
  s.success_codes := coalesce(update_step.success_codes, s.success_codes);
  s.timeout       := CASE WHEN 'timeout' = ANY (update_step.clear) THEN NULL ELSE coalesce(update_step.timeout, s.timeout) END;
  s.retries       := coalesce(update_step.retries, s.retries);
  s.retry_delay   := coalesce(update_step.retry_delay, s.retry_delay);
  s.retry_backoff := coalesce(update_step.retry_backoff, s.retry_backoff);
  s.on_success    := coalesce(update_step.on_success, s.on_success);
  s.on_failure    := coalesce(update_step.on_failure, s.on_failure);
  -- Leaving goto drops the target, unless the call restates it (then _check_step complains).
  s.on_success_goto := CASE WHEN 'on_success_goto' = ANY (update_step.clear) THEN NULL
                            WHEN update_step.on_success_goto IS NOT NULL
                              THEN pgautomator._step_id(jid, update_step.on_success_goto, false, 'on_success_goto')
                            WHEN s.on_success <> 'goto' THEN NULL
                            ELSE s.on_success_goto END;
  s.on_failure_goto := CASE WHEN 'on_failure_goto' = ANY (update_step.clear) THEN NULL
                            WHEN update_step.on_failure_goto IS NOT NULL
                              THEN pgautomator._step_id(jid, update_step.on_failure_goto, false, 'on_failure_goto')
                            WHEN s.on_failure <> 'goto' THEN NULL
                            ELSE s.on_failure_goto END;
  s.enabled := coalesce(update_step.enabled, s.enabled);
  PERFORM pgautomator._check_step(s);

  BEGIN
    UPDATE pgautomator.step x
       SET name = s.name, kind = s.kind, command = s.command, shell = s.shell, connection_id = s.connection_id,
           working_dir = s.working_dir, env = s.env, success_codes = s.success_codes, timeout = s.timeout,
           retries = s.retries, retry_delay = s.retry_delay, retry_backoff = s.retry_backoff,
           on_success = s.on_success, on_success_goto = s.on_success_goto,
           on_failure = s.on_failure, on_failure_goto = s.on_failure_goto, enabled = s.enabled, updated_at = now()
     WHERE x.id = cur_row.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('job %L already has a step %L', update_step.job, s.name), 'field: new_name',
      'Choose another new_name.');
  END;
  UPDATE pgautomator.job x SET updated_at = now() WHERE x.id = jid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.update_step(text, text, text, text, text, text, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean, text, text[]) IS
$c$Changes a step; arguments left NULL stay as they are (they mean what they mean in add_step; the position changes with move_step).
Arguments: job and step, the job's and the step's names; kind, command, shell, connection, working_dir, env, success_codes, timeout, retries, retry_delay, retry_backoff, on_success, on_success_goto, on_failure, on_failure_goto, enabled: new values; new_name, to rename the step; clear, fields to reset: any of shell, connection, working_dir, env (to '{}'), timeout, on_success_goto, on_failure_goto.
Changing kind drops the old kind's fields that the call does not restate (connection for a shell step; shell, working_dir and env for a sql step); setting on_success or on_failure to something other than goto drops its goto target.
Errors: PA002 a bad value, an unknown field in clear, or a field both set and cleared; PA010 no such job, step, connection or goto step; PA020 new_name taken within the job; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.update_step('backup', 'dump', retries => 2, retry_delay => '1 minute');$c$;
REVOKE ALL ON FUNCTION pgautomator.update_step(text, text, text, text, text, text, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.update_step(text, text, text, text, text, text, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean, text, text[]) TO pgautomator_admin;

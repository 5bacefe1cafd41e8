CREATE OR REPLACE FUNCTION pgautomator.add_step(
  job text,
  name text,
  kind text,
  command text,
  shell text DEFAULT NULL,
  connection text DEFAULT NULL,
  "position" int DEFAULT NULL,
  working_dir text DEFAULT NULL,
  env jsonb DEFAULT '{}',
  success_codes int[] DEFAULT '{0}',
  timeout interval DEFAULT NULL,
  retries int DEFAULT 0,
  retry_delay interval DEFAULT '0',
  retry_backoff float8 DEFAULT 1,
  on_success text DEFAULT 'next',
  on_success_goto text DEFAULT NULL,
  on_failure text DEFAULT 'quit_failure',
  on_failure_goto text DEFAULT NULL,
  enabled boolean DEFAULT true
)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s     pgautomator.step;
  last  int;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  -- Locking the job serializes step edits of one job (positions are renumbered).
  s.job_id := pgautomator._job_id(add_step.job, true);
  SELECT coalesce(max(x.position), 0) INTO last FROM pgautomator.step x WHERE x.job_id = s.job_id;
  IF add_step."position" IS NOT NULL AND add_step."position" NOT BETWEEN 1 AND last + 1 THEN
    PERFORM pgautomator._raise('PA002',
      format('step position must be from 1 to %s for job %L (got %s)', last + 1, add_step.job, add_step."position"),
      'field: position', 'Leave position NULL to append the step; give 1 to insert it first.');
  END IF;
  s.position        := coalesce(add_step."position", last + 1);
  s.name            := add_step.name;
  s.kind            := add_step.kind;
  s.command         := add_step.command;
  s.shell           := add_step.shell;
  s.connection_id   := CASE WHEN add_step.connection IS NOT NULL THEN pgautomator._connection_id(add_step.connection) END;
  s.working_dir     := add_step.working_dir;
  s.env             := add_step.env;
  s.success_codes   := add_step.success_codes;
  s.timeout         := add_step.timeout;
  s.retries         := add_step.retries;
  s.retry_delay     := add_step.retry_delay;
  s.retry_backoff   := add_step.retry_backoff;
  s.on_success      := add_step.on_success;
  s.on_success_goto := CASE WHEN add_step.on_success_goto IS NOT NULL
                            THEN pgautomator._step_id(s.job_id, add_step.on_success_goto, false, 'on_success_goto') END;
  s.on_failure      := add_step.on_failure;
  s.on_failure_goto := CASE WHEN add_step.on_failure_goto IS NOT NULL
                            THEN pgautomator._step_id(s.job_id, add_step.on_failure_goto, false, 'on_failure_goto') END;
  s.enabled         := add_step.enabled;
  PERFORM pgautomator._check_step(s);
  IF EXISTS (SELECT 1 FROM pgautomator.step x WHERE x.job_id = s.job_id AND x.name = s.name) THEN
    PERFORM pgautomator._raise('PA020', format('job %L already has a step %L', add_step.job, s.name), 'field: name',
      format('Choose another name, or change that step with pgautomator.update_step(%L, %L, ...).', add_step.job, s.name));
  END IF;
  BEGIN
    -- step_position_unique is DEFERRABLE, so it is checked after the whole shift, not row by row.
    UPDATE pgautomator.step x SET position = x.position + 1, updated_at = now()
     WHERE x.job_id = s.job_id AND x.position >= s.position;
    INSERT INTO pgautomator.step (job_id, position, name, enabled, kind, command, shell, connection_id, working_dir, env,
                                  success_codes, timeout, retries, retry_delay, retry_backoff,
                                  on_success, on_success_goto, on_failure, on_failure_goto)
    VALUES (s.job_id, s.position, s.name, s.enabled, s.kind, s.command, s.shell, s.connection_id, s.working_dir, s.env,
            s.success_codes, s.timeout, s.retries, s.retry_delay, s.retry_backoff,
            s.on_success, s.on_success_goto, s.on_failure, s.on_failure_goto)
    RETURNING id INTO s.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('job %L already has a step %L', add_step.job, s.name), 'field: name',
      'Another session added it a moment ago; choose another name.');
  END;
  UPDATE pgautomator.job x SET updated_at = now() WHERE x.id = s.job_id;
  RETURN s.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.add_step(text, text, text, text, text, text, int, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean) IS
$c$Adds a step to a job and returns its id.
Arguments: job, the job's name; name, unique within the job; kind, shell (a command run on the agent's host) or sql (a script run against connection); command, the command line or SQL script; shell, for shell steps: sh, bash, cmd, powershell or pwsh (NULL: the host's default); connection, for sql steps: a connection name (required); "position", where to insert it (1..n+1; the steps from there on move down), NULL to append; working_dir and env (a JSON object of strings), for shell steps; success_codes, exit codes that count as success (default '{0}'); timeout, longest one attempt may take (NULL: none); retries (0..100, default 0), retry_delay (default 0) and retry_backoff (1..10, the factor by which each further delay grows, default 1); on_success (default next) and on_failure (default quit_failure): next, goto, quit_success or quit_failure, with on_success_goto / on_failure_goto naming an existing step of the same job for goto; enabled (default true; a disabled step is passed over as if it succeeded).
Errors: PA002 a bad value (the message names the field); PA010 no such job, connection or goto step; PA020 the job already has a step of that name; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.add_step('backup', 'dump', 'shell', 'pg_dump mydb > /tmp/x');$c$;
REVOKE ALL ON FUNCTION pgautomator.add_step(text, text, text, text, text, text, int, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.add_step(text, text, text, text, text, text, int, text, jsonb, int[], interval, int, interval, float8, text, text, text, text, boolean) TO pgautomator_admin;

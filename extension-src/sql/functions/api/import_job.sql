CREATE OR REPLACE FUNCTION pgautomator.import_job(doc jsonb, new_name text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  j      jsonb;
  jname  text;
  jid    bigint;
  s      jsonb;
  e      jsonb;
  t      jsonb;
  i      int;
  -- Where in the document we are ('job', 'steps[2]', ...): an error raised by the API function
  -- called for that part names its field relative to it (field: connection), and the handler
  -- below turns that into the document's path (field: steps[2].connection).
  part   text := 'doc';
  what   text := 'the document';
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  IF import_job.doc IS NULL OR jsonb_typeof(import_job.doc) <> 'object' OR import_job.doc ->> 'format' IS DISTINCT FROM 'pgautomator.job' THEN
    PERFORM pgautomator._raise('PA002', 'import_job needs a job document as export_job writes it ("format": "pgautomator.job")',
      'field: format', 'Export the job with pgautomator.export_job(name) (the console''s Export) and import that document.');
  END IF;
  IF import_job.doc -> 'version' IS DISTINCT FROM '1' THEN
    PERFORM pgautomator._raise('PA002', format('job document version %s is not supported (only version 1)', coalesce(import_job.doc ->> 'version', 'NULL')),
      'field: version', 'Export the job again with this version of pgAutomator.');
  END IF;
  IF jsonb_typeof(import_job.doc -> 'job') IS DISTINCT FROM 'object' THEN
    PERFORM pgautomator._raise('PA002', 'the job document has no "job" object', 'field: job', 'Export the job with pgautomator.export_job(name).');
  END IF;
  j := import_job.doc -> 'job';
  jname := coalesce(import_job.new_name, j ->> 'name');

  -- All in this one call, so in one transaction: a failure anywhere leaves nothing behind (no
  -- category or schedule created for a job that was not).
  IF jsonb_typeof(import_job.doc -> 'category') = 'object' THEN
    part := 'category'; what := 'the category';
    IF NOT EXISTS (SELECT FROM pgautomator.category c WHERE c.name = import_job.doc #>> '{category,name}') THEN
      PERFORM pgautomator.create_category(import_job.doc #>> '{category,name}', import_job.doc #>> '{category,description}');
    END IF;
  END IF;

  part := 'job'; what := 'the job';
  jid := pgautomator.create_job(
    name => jname, description => j ->> 'description', category => import_job.doc #>> '{category,name}', agent => j ->> 'agent',
    agent_tags => coalesce(ARRAY(SELECT jsonb_array_elements_text(coalesce(j -> 'agent_tags', '[]'))), '{}'),
    overlap => coalesce(j ->> 'overlap', 'skip'), misfire => coalesce(j ->> 'misfire', 'run_once'),
    misfire_grace => coalesce(j ->> 'misfire_grace', '1 minute')::interval, timeout => (j ->> 'timeout')::interval,
    on_abandon => coalesce(j ->> 'on_abandon', 'fail'), abandon_retries => coalesce((j ->> 'abandon_retries')::int, 1),
    keep_runs => (j ->> 'keep_runs')::int, keep_age => (j ->> 'keep_age')::interval,
    enabled => coalesce((j ->> 'enabled')::boolean, true));
  IF NOT coalesce((j ->> 'enabled')::boolean, true) AND j ->> 'paused_reason' IS NOT NULL THEN
    PERFORM pgautomator.disable_job(jname, j ->> 'paused_reason');
  END IF;

  -- Steps in order; gotos once every step exists (a goto may name a later step).
  i := 0;
  FOR s IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc -> 'steps', '[]')) x LOOP
    i := i + 1; part := format('steps[%s]', i); what := format('step %s (%s)', i, coalesce(s ->> 'name', 'no name'));
    PERFORM pgautomator.add_step(
      job => jname, name => s ->> 'name', kind => s ->> 'kind', command => s ->> 'command', shell => s ->> 'shell',
      connection => s ->> 'connection', working_dir => s ->> 'working_dir', env => coalesce(s -> 'env', '{}'),
      success_codes => coalesce(ARRAY(SELECT jsonb_array_elements_text(s -> 'success_codes'))::int[], '{0}'),
      timeout => (s ->> 'timeout')::interval, retries => coalesce((s ->> 'retries')::int, 0),
      retry_delay => coalesce(s ->> 'retry_delay', '0')::interval, retry_backoff => coalesce((s ->> 'retry_backoff')::float8, 1),
      on_success => CASE WHEN s ->> 'on_success' = 'goto' THEN 'next' ELSE coalesce(s ->> 'on_success', 'next') END,
      on_failure => CASE WHEN s ->> 'on_failure' = 'goto' THEN 'quit_failure' ELSE coalesce(s ->> 'on_failure', 'quit_failure') END,
      enabled => coalesce((s ->> 'enabled')::boolean, true));
  END LOOP;
  i := 0;
  FOR s IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc -> 'steps', '[]')) x LOOP
    i := i + 1; part := format('steps[%s]', i); what := format('step %s (%s)', i, s ->> 'name');
    IF s ->> 'on_success' = 'goto' OR s ->> 'on_failure' = 'goto' THEN
      PERFORM pgautomator.update_step(job => jname, step => s ->> 'name',
        on_success => CASE WHEN s ->> 'on_success' = 'goto' THEN 'goto' END, on_success_goto => s ->> 'on_success_goto',
        on_failure => CASE WHEN s ->> 'on_failure' = 'goto' THEN 'goto' END, on_failure_goto => s ->> 'on_failure_goto');
    END IF;
    e := s -> 'email';
    IF jsonb_typeof(e) = 'object' AND (coalesce(e -> 'on', '[]') <> '[]' OR coalesce(e -> 'to', '[]') <> '[]'
        OR e ->> 'from' IS NOT NULL OR e ->> 'subject' IS NOT NULL OR e ->> 'body' IS NOT NULL) THEN
      part := format('steps[%s].email', i);
      PERFORM pgautomator.set_step_email(jname, s ->> 'name', ARRAY(SELECT jsonb_array_elements_text(coalesce(e -> 'on', '[]'))),
        ARRAY(SELECT jsonb_array_elements_text(coalesce(e -> 'to', '[]'))), e ->> 'from', e ->> 'subject', e ->> 'body');
    END IF;
  END LOOP;

  -- Schedules are shared: one of the same name is used as it is.
  i := 0;
  FOR s IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc -> 'schedules', '[]')) x LOOP
    i := i + 1; part := format('schedules[%s]', i); what := format('schedule %s (%s)', i, coalesce(s ->> 'name', 'no name'));
    IF NOT EXISTS (SELECT FROM pgautomator.schedule sc WHERE sc.name = s ->> 'name') THEN
      PERFORM pgautomator.create_schedule(s ->> 'name', s -> 'spec', coalesce((s ->> 'enabled')::boolean, true), s ->> 'description');
    END IF;
    PERFORM pgautomator.attach_schedule(jname, s ->> 'name');
  END LOOP;

  e := import_job.doc -> 'email';
  IF jsonb_typeof(e) = 'object' AND (coalesce(e -> 'on', '[]') <> '[]' OR coalesce(e -> 'to', '[]') <> '[]'
      OR e ->> 'from' IS NOT NULL OR e ->> 'subject' IS NOT NULL OR e ->> 'body' IS NOT NULL) THEN
    part := 'email'; what := 'the job''s mail';
    PERFORM pgautomator.set_job_email(jname, ARRAY(SELECT jsonb_array_elements_text(coalesce(e -> 'on', '[]'))),
      ARRAY(SELECT jsonb_array_elements_text(coalesce(e -> 'to', '[]'))), e ->> 'from', e ->> 'subject', e ->> 'body');
  END IF;

  -- The jobs it waits for must exist; a job it starts gets its trigger only where that job exists
  -- and lacks it (as script_job does).
  i := 0;
  FOR t IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc #> '{triggers,after}', '[]')) x LOOP
    i := i + 1; part := format('triggers.after[%s]', i); what := format('the trigger after job %s', t ->> 'job');
    PERFORM pgautomator.add_job_trigger(jname, t ->> 'job', coalesce(t ->> 'outcome', 'succeeded'), coalesce(t ->> 'delay', '0')::interval);
  END LOOP;
  i := 0;
  FOR t IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc #> '{triggers,starts}', '[]')) x LOOP
    i := i + 1; part := format('triggers.starts[%s]', i); what := format('the trigger starting job %s', t ->> 'job');
    IF EXISTS (SELECT FROM pgautomator.job d WHERE d.name = t ->> 'job')
       AND NOT EXISTS (SELECT FROM pgautomator.job_trigger x JOIN pgautomator.job d ON d.id = x.job_id
                        WHERE d.name = t ->> 'job' AND x.after_job_id = jid) THEN
      PERFORM pgautomator.add_job_trigger(t ->> 'job', jname, coalesce(t ->> 'outcome', 'succeeded'), coalesce(t ->> 'delay', '0')::interval);
    END IF;
  END LOOP;
  i := 0;
  FOR t IN SELECT x FROM jsonb_array_elements(coalesce(import_job.doc -> 'alerts', '[]')) x LOOP
    i := i + 1; part := format('alerts[%s]', i); what := format('the %s alert', t ->> 'kind');
    PERFORM pgautomator.set_job_alert(jname, t ->> 'kind', (t ->> 'threshold')::interval);
  END LOOP;
  RETURN jid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
    -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md);
    -- the field named by the API function called for one part becomes that part's path in the document.
    DECLARE pa_detail text; pa_hint text;
    BEGIN
      GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
      IF part <> 'doc' THEN
        pa_detail := CASE WHEN pa_detail LIKE 'field: %' THEN format('field: %s.%s', part, substr(pa_detail, 8))
                          ELSE concat_ws(E'\n', format('field: %s', part), nullif(pa_detail, '')) END;
      END IF;
      RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = CASE WHEN part = 'doc' THEN SQLERRM ELSE format('%s: %s', what, SQLERRM) END,
        DETAIL = pa_detail, HINT = pa_hint;
    END;
  WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR numeric_value_out_of_range
       OR invalid_parameter_value OR array_subscript_error OR cannot_coerce THEN
    -- A value of the wrong type in the document (e.g. "retries": "many"): ours to name, not a cast error.
    RAISE EXCEPTION USING ERRCODE = 'PA002', MESSAGE = format('%s: %s', what, SQLERRM), DETAIL = format('field: %s', part),
      HINT = 'Each value must have the type export_job writes (numbers, booleans, intervals as text).';
END
$$;
COMMENT ON FUNCTION pgautomator.import_job(jsonb, text) IS
$c$Creates a job from a document written by export_job, all or nothing (one call, one transaction): its category (if missing), the job, its steps in order, their mail, its schedules (each created if missing; an existing one of that name is used as it is) and attachments, its mail, triggers (the jobs it waits for must exist; a job it starts gets its trigger where that job exists) and alert rules. Missing values take the API defaults. Returns the new job's id.
Arguments: doc, the document; new_name, a name for the new job (NULL: the document's), e.g. to copy a job.
Errors: the errors of the API calls it makes (PA002, PA010 e.g. a connection or agent missing here, PA020 the job exists...), each with DETAIL naming the document's path, e.g. "field: steps[2].connection"; PA002 not a version 1 job document (field: format / version), or a value of the wrong type; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.import_job(pgautomator.export_job('backup'), new_name => 'backup copy');$c$;
REVOKE ALL ON FUNCTION pgautomator.import_job(jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.import_job(jsonb, text) TO pgautomator_admin;

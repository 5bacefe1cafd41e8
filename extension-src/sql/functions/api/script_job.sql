CREATE OR REPLACE FUNCTION pgautomator.script_job(name text)
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  doc   jsonb;
  j     jsonb;
  jname text;
  s     jsonb;
  e     jsonb;
  t     jsonb;
  args  text[];
  out   text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- One source for what a job is: the export document, rendered here as the API calls that
  -- recreate it. Every value goes through format('%L') (quote_literal), so quotes, backslashes,
  -- unicode and newlines in names and commands survive psql; nothing is concatenated bare.
  doc := pgautomator.export_job(script_job.name);
  j := doc -> 'job';
  jname := j ->> 'name';
  out := ARRAY[
    format('-- Job %s as SQL (pgautomator.script_job). Run it with psql, e.g. psql -v ON_ERROR_STOP=1 -f job.sql', jname),
    '-- One transaction: if the job exists already, or an agent, connection or upstream job it names is',
    '-- missing, it fails and changes nothing. The category and schedules are shared: each is created',
    '-- only if missing (an existing one of that name is used as it is). Connections are referenced by',
    '-- name only (no DSN or secret here).',
    'BEGIN;'];

  IF doc -> 'category' <> 'null' THEN
    out := out || format(E'SELECT pgautomator.create_category(name => %L, description => %L)\n WHERE NOT EXISTS (SELECT FROM pgautomator.list_categories() c WHERE c.name = %L);',
                         doc #>> '{category,name}', doc #>> '{category,description}', doc #>> '{category,name}');
  END IF;

  args := ARRAY[format('name => %L', jname)];
  IF j ->> 'description' IS NOT NULL THEN args := args || format('description => %L', j ->> 'description'); END IF;
  IF doc -> 'category' <> 'null' THEN args := args || format('category => %L', doc #>> '{category,name}'); END IF;
  IF j ->> 'agent' IS NOT NULL THEN args := args || format('agent => %L', j ->> 'agent'); END IF;
  args := args || format('agent_tags => %L::text[]', ARRAY(SELECT jsonb_array_elements_text(j -> 'agent_tags'))::text)
               || format('overlap => %L', j ->> 'overlap') || format('misfire => %L', j ->> 'misfire')
               || format('misfire_grace => %L::interval', j ->> 'misfire_grace');
  IF j ->> 'timeout' IS NOT NULL THEN args := args || format('timeout => %L::interval', j ->> 'timeout'); END IF;
  args := args || format('on_abandon => %L', j ->> 'on_abandon') || format('abandon_retries => %s', (j ->> 'abandon_retries')::int);
  IF j ->> 'keep_runs' IS NOT NULL THEN args := args || format('keep_runs => %s', (j ->> 'keep_runs')::int); END IF;
  IF j ->> 'keep_age' IS NOT NULL THEN args := args || format('keep_age => %L::interval', j ->> 'keep_age'); END IF;
  args := args || format('enabled => %s', (j ->> 'enabled')::boolean::text);
  out := out || format(E'SELECT pgautomator.create_job(\n  %s);', array_to_string(args, E',\n  '));
  IF NOT (j ->> 'enabled')::boolean AND j ->> 'paused_reason' IS NOT NULL THEN
    out := out || format('SELECT pgautomator.disable_job(%L, reason => %L);', jname, j ->> 'paused_reason');
  END IF;

  -- Steps in order. A goto may name a later step, so gotos are set once every step exists.
  FOR s IN SELECT x FROM jsonb_array_elements(doc -> 'steps') x LOOP
    args := ARRAY[format('job => %L', jname), format('name => %L', s ->> 'name'), format('kind => %L', s ->> 'kind'),
                  format('command => %L', s ->> 'command')];
    IF s ->> 'shell' IS NOT NULL THEN args := args || format('shell => %L', s ->> 'shell'); END IF;
    IF s ->> 'connection' IS NOT NULL THEN args := args || format('connection => %L', s ->> 'connection'); END IF;
    IF s ->> 'working_dir' IS NOT NULL THEN args := args || format('working_dir => %L', s ->> 'working_dir'); END IF;
    IF s -> 'env' <> '{}' THEN args := args || format('env => %L::jsonb', s ->> 'env'); END IF;
    args := args || format('success_codes => %L::int[]', ARRAY(SELECT jsonb_array_elements_text(s -> 'success_codes'))::int[]::text);
    IF s ->> 'timeout' IS NOT NULL THEN args := args || format('timeout => %L::interval', s ->> 'timeout'); END IF;
    args := args || format('retries => %s', (s ->> 'retries')::int) || format('retry_delay => %L::interval', s ->> 'retry_delay')
                 || format('retry_backoff => %L::float8', s ->> 'retry_backoff')
                 || format('on_success => %L', CASE WHEN s ->> 'on_success' = 'goto' THEN 'next' ELSE s ->> 'on_success' END)
                 || format('on_failure => %L', CASE WHEN s ->> 'on_failure' = 'goto' THEN 'quit_failure' ELSE s ->> 'on_failure' END)
                 || format('enabled => %s', (s ->> 'enabled')::boolean::text);
    out := out || format(E'SELECT pgautomator.add_step(\n  %s);', array_to_string(args, E',\n  '));
  END LOOP;
  FOR s IN SELECT x FROM jsonb_array_elements(doc -> 'steps') x
            WHERE x ->> 'on_success' = 'goto' OR x ->> 'on_failure' = 'goto' LOOP
    args := ARRAY[format('job => %L', jname), format('step => %L', s ->> 'name')];
    IF s ->> 'on_success' = 'goto' THEN
      args := args || 'on_success => ''goto'''::text || format('on_success_goto => %L', s ->> 'on_success_goto');
    END IF;
    IF s ->> 'on_failure' = 'goto' THEN
      args := args || 'on_failure => ''goto'''::text || format('on_failure_goto => %L', s ->> 'on_failure_goto');
    END IF;
    out := out || format('SELECT pgautomator.update_step(%s);', array_to_string(args, ', '));
  END LOOP;
  FOR s IN SELECT x FROM jsonb_array_elements(doc -> 'steps') x
            WHERE x #> '{email,on}' <> '[]' OR x #> '{email,to}' <> '[]' OR x #>> '{email,from}' IS NOT NULL
               OR x #>> '{email,subject}' IS NOT NULL OR x #>> '{email,body}' IS NOT NULL LOOP
    e := s -> 'email';
    out := out || format(E'SELECT pgautomator.set_step_email(job => %L, step => %L, "on" => %L::text[], "to" => %L::text[],\n  "from" => %L, subject => %L, body => %L);',
                         jname, s ->> 'name', ARRAY(SELECT jsonb_array_elements_text(e -> 'on'))::text,
                         ARRAY(SELECT jsonb_array_elements_text(e -> 'to'))::text, e ->> 'from', e ->> 'subject', e ->> 'body');
  END LOOP;

  FOR s IN SELECT x FROM jsonb_array_elements(doc -> 'schedules') x LOOP
    out := out || format(E'SELECT pgautomator.create_schedule(name => %L, spec => %L::jsonb, enabled => %s, description => %L)\n WHERE NOT EXISTS (SELECT FROM pgautomator.list_schedules() s WHERE s.name = %L);',
                         s ->> 'name', s ->> 'spec', (s ->> 'enabled')::boolean::text, s ->> 'description', s ->> 'name')
               || format('SELECT pgautomator.attach_schedule(job => %L, schedule => %L);', jname, s ->> 'name');
  END LOOP;

  e := doc -> 'email';
  IF e -> 'on' <> '[]' OR e -> 'to' <> '[]' OR e ->> 'from' IS NOT NULL OR e ->> 'subject' IS NOT NULL OR e ->> 'body' IS NOT NULL THEN
    out := out || format(E'SELECT pgautomator.set_job_email(job => %L, "on" => %L::text[], "to" => %L::text[],\n  "from" => %L, subject => %L, body => %L);',
                         jname, ARRAY(SELECT jsonb_array_elements_text(e -> 'on'))::text,
                         ARRAY(SELECT jsonb_array_elements_text(e -> 'to'))::text, e ->> 'from', e ->> 'subject', e ->> 'body');
  END IF;

  -- The jobs this one waits for must exist (they are part of what it means); the jobs it starts are
  -- theirs as much as its own, so those triggers are added only where that job exists and lacks it
  -- (running the downstream job's script later adds it from its side).
  FOR t IN SELECT x FROM jsonb_array_elements(doc #> '{triggers,after}') x LOOP
    out := out || format('SELECT pgautomator.add_job_trigger(job => %L, after => %L, outcome => %L, delay => %L::interval);',
                         jname, t ->> 'job', t ->> 'outcome', t ->> 'delay');
  END LOOP;
  FOR t IN SELECT x FROM jsonb_array_elements(doc #> '{triggers,starts}') x LOOP
    out := out || format(E'SELECT pgautomator.add_job_trigger(job => %L, after => %L, outcome => %L, delay => %L::interval)\n WHERE EXISTS (SELECT FROM pgautomator.list_jobs() j WHERE j.name = %L)\n   AND NOT EXISTS (SELECT FROM pgautomator.list_job_triggers() t WHERE t.job = %L AND t.after = %L);',
                         t ->> 'job', jname, t ->> 'outcome', t ->> 'delay', t ->> 'job', t ->> 'job', jname);
  END LOOP;
  FOR t IN SELECT x FROM jsonb_array_elements(doc -> 'alerts') x LOOP
    out := out || format('SELECT pgautomator.set_job_alert(job => %L, kind => %L, threshold => %L::interval);',
                         jname, t ->> 'kind', t ->> 'threshold');
  END LOOP;
  out := out || 'COMMIT;'::text;
  RETURN array_to_string(out, E'\n') || E'\n';
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.script_job(text) IS
$c$The SQL that recreates a job, for psql: in one transaction, the category (if missing), create_job with every property, add_step for each step in order (gotos set by update_step once all steps exist), set_step_email, each schedule (created if missing, an existing one of that name is used as it is) and attach_schedule, set_job_email, add_job_trigger and set_job_alert. Every value is quoted with format('%L'). Running it where the job exists fails with PA020 and changes nothing (one transaction); agents, connections (by name: no DSN or secret) and the jobs it waits for must exist. It renders export_job's document; import_job takes that document over the gateway.
Arguments: name, the job's name.
Errors: PA010 no such job; PA040 caller is not pgautomator_viewer (or above).
Example: \pset format unaligned \pset tuples_only on \o backup.sql SELECT pgautomator.script_job('backup');$c$;
REVOKE ALL ON FUNCTION pgautomator.script_job(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.script_job(text) TO pgautomator_viewer;

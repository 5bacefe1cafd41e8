CREATE OR REPLACE FUNCTION pgautomator.export_job(name text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  jid := pgautomator._job_id(export_job.name);
  -- Only what defines the job, by names (category, agent, connections, schedules, other jobs): no
  -- ids, owners, timestamps or history, so the document recreates the job in another database
  -- (import_job) and script_job renders the same document as SQL. Connections are referenced by
  -- name only: their DSN and secret reference stay where they are.
  RETURN jsonb_build_object(
    'format', 'pgautomator.job',
    'version', 1,
    'job', (SELECT jsonb_build_object(
                     'name', j.name, 'description', j.description, 'enabled', j.enabled, 'paused_reason', j.paused_reason,
                     'agent', a.name, 'agent_tags', to_jsonb(j.agent_tags), 'overlap', j.overlap, 'misfire', j.misfire,
                     'misfire_grace', j.misfire_grace, 'timeout', j.timeout, 'on_abandon', j.on_abandon,
                     'abandon_retries', j.abandon_retries, 'keep_runs', j.keep_runs, 'keep_age', j.keep_age)
              FROM pgautomator.job j LEFT JOIN pgautomator.agent a ON a.id = j.agent_id
             WHERE j.id = jid),
    'category', (SELECT jsonb_build_object('name', c.name, 'description', c.description)
                   FROM pgautomator.job j JOIN pgautomator.category c ON c.id = j.category_id
                  WHERE j.id = jid),
    'steps', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'name', s.name, 'enabled', s.enabled, 'kind', s.kind, 'command', s.command, 'shell', s.shell,
               'connection', c.name, 'working_dir', s.working_dir, 'env', s.env, 'success_codes', to_jsonb(s.success_codes),
               'timeout', s.timeout, 'retries', s.retries, 'retry_delay', s.retry_delay, 'retry_backoff', s.retry_backoff,
               'on_success', s.on_success, 'on_success_goto', sg.name, 'on_failure', s.on_failure, 'on_failure_goto', fg.name,
               'email', jsonb_build_object('on', to_jsonb(s.email_on), 'to', to_jsonb(s.email_to), 'from', s.email_from,
                                           'subject', s.email_subject, 'body', s.email_body))
             ORDER BY s.position)
        FROM pgautomator.step s
        LEFT JOIN pgautomator.connection c ON c.id = s.connection_id
        LEFT JOIN pgautomator.step sg ON sg.id = s.on_success_goto
        LEFT JOIN pgautomator.step fg ON fg.id = s.on_failure_goto
       WHERE s.job_id = jid), '[]'),
    'schedules', coalesce((
      SELECT jsonb_agg(jsonb_build_object('name', sc.name, 'spec', sc.spec, 'enabled', sc.enabled, 'description', sc.description)
             ORDER BY sc.name)
        FROM pgautomator.job_schedule js JOIN pgautomator.schedule sc ON sc.id = js.schedule_id
       WHERE js.job_id = jid), '[]'),
    'email', (SELECT jsonb_build_object('on', to_jsonb(j.email_on), 'to', to_jsonb(j.email_to), 'from', j.email_from,
                                        'subject', j.email_subject, 'body', j.email_body)
                FROM pgautomator.job j WHERE j.id = jid),
    'triggers', jsonb_build_object(
      'after', coalesce((SELECT jsonb_agg(jsonb_build_object('job', u.name, 'outcome', t.outcome, 'delay', t.delay) ORDER BY u.name)
                           FROM pgautomator.job_trigger t JOIN pgautomator.job u ON u.id = t.after_job_id WHERE t.job_id = jid), '[]'),
      'starts', coalesce((SELECT jsonb_agg(jsonb_build_object('job', d.name, 'outcome', t.outcome, 'delay', t.delay) ORDER BY d.name)
                            FROM pgautomator.job_trigger t JOIN pgautomator.job d ON d.id = t.job_id WHERE t.after_job_id = jid), '[]')),
    'alerts', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', ar.kind, 'threshold', ar.threshold) ORDER BY ar.kind)
                          FROM pgautomator.alert_rule ar WHERE ar.job_id = jid), '[]'));
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.export_job(text) IS
$c$A job as a portable JSON document that import_job recreates (here or in another database): {"format": "pgautomator.job", "version": 1, "job": {name, description, enabled, paused_reason, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age}, "category": {name, description} or null, "steps": [in order: every add_step argument by name, gotos and connection by name, "email": {on, to, from, subject, body}], "schedules": [{name, spec, enabled, description}], "email": {on, to, from, subject, body}, "triggers": {"after": [{job, outcome, delay}], "starts": [{job, outcome, delay}]}, "alerts": [{kind, threshold}]}. Objects are named, never by id; connections by name only (no DSN, no secret); no history. script_job renders the same document as SQL.
Arguments: name, the job's name.
Errors: PA010 no such job; PA040 caller is not pgautomator_viewer (or above).
Example: \copy (SELECT pgautomator.export_job('backup')) TO 'backup.json'$c$;
REVOKE ALL ON FUNCTION pgautomator.export_job(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.export_job(text) TO pgautomator_viewer;

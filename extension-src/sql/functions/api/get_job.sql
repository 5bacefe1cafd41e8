CREATE OR REPLACE FUNCTION pgautomator.get_job(name text)
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
  jid := pgautomator._job_id(get_job.name);
  RETURN jsonb_build_object(
    'job', (SELECT to_jsonb(v) FROM pgautomator.jobs v WHERE v.id = jid),
    'steps', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'id', s.id, 'position', s.position, 'name', s.name, 'enabled', s.enabled, 'kind', s.kind,
               'command', s.command, 'shell', s.shell, 'connection', c.name, 'working_dir', s.working_dir,
               'env', s.env, 'success_codes', to_jsonb(s.success_codes), 'timeout', s.timeout,
               'retries', s.retries, 'retry_delay', s.retry_delay, 'retry_backoff', s.retry_backoff,
               'on_success', s.on_success, 'on_success_goto', sg.name,
               'on_failure', s.on_failure, 'on_failure_goto', fg.name,
               'email', jsonb_build_object('on', to_jsonb(s.email_on), 'to', to_jsonb(s.email_to), 'from', s.email_from,
                                           'subject', s.email_subject, 'body', s.email_body),
               'created_at', s.created_at, 'updated_at', s.updated_at)
             ORDER BY s.position)
        FROM pgautomator.step s
        LEFT JOIN pgautomator.connection c ON c.id = s.connection_id
        LEFT JOIN pgautomator.step sg ON sg.id = s.on_success_goto
        LEFT JOIN pgautomator.step fg ON fg.id = s.on_failure_goto
       WHERE s.job_id = jid), '[]'),
    'schedules', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'name', sc.name, 'type', sc.spec ->> 'type', 'enabled', sc.enabled,
               'time_zone', coalesce(sc.spec ->> 'time_zone', 'UTC'),
               'next_fire_at', js.next_fire_at, 'last_fire_at', js.last_fire_at, 'attached_at', js.created_at)
             ORDER BY js.next_fire_at NULLS LAST, sc.name)
        FROM pgautomator.job_schedule js
        JOIN pgautomator.schedule sc ON sc.id = js.schedule_id
       WHERE js.job_id = jid), '[]'),
    'email', (SELECT jsonb_build_object('on', to_jsonb(j.email_on), 'to', to_jsonb(j.email_to), 'from', j.email_from,
                                        'subject', j.email_subject, 'body', j.email_body)
                FROM pgautomator.job j WHERE j.id = jid),
    -- Dependencies both ways, and alert rules (docs/dependencies-and-alerts.md): what a job editor shows.
    'triggers', jsonb_build_object(
      'after', coalesce((SELECT jsonb_agg(jsonb_build_object('job', u.name, 'outcome', t.outcome, 'delay', t.delay) ORDER BY u.name)
                           FROM pgautomator.job_trigger t JOIN pgautomator.job u ON u.id = t.after_job_id WHERE t.job_id = jid), '[]'),
      'starts', coalesce((SELECT jsonb_agg(jsonb_build_object('job', d.name, 'outcome', t.outcome, 'delay', t.delay) ORDER BY d.name)
                            FROM pgautomator.job_trigger t JOIN pgautomator.job d ON d.id = t.job_id WHERE t.after_job_id = jid), '[]')),
    'alert_rules', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', ar.kind, 'threshold', ar.threshold, 'due_at', ar.due_at) ORDER BY ar.kind)
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
COMMENT ON FUNCTION pgautomator.get_job(text) IS
$c$Everything about one job as one JSON document: {"job": the jobs view row, "steps": [in order, with connection and goto step names and their mail settings], "schedules": [{name, type, enabled, time_zone, next_fire_at, last_fire_at, attached_at}], "email": {on, to, from, subject, body}, "triggers": {"after": [{job, outcome, delay}: the upstream jobs whose ends start this one], "starts": [{job, outcome, delay}: the jobs its ends start]}, "alert_rules": [{kind, threshold, due_at}]}. Intervals are in PostgreSQL's text form.
Arguments: name, the job's name.
Errors: PA010 no such job; PA040 caller is not pgautomator_viewer (or above).
Example: SELECT jsonb_pretty(pgautomator.get_job('backup'));$c$;
REVOKE ALL ON FUNCTION pgautomator.get_job(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.get_job(text) TO pgautomator_viewer;

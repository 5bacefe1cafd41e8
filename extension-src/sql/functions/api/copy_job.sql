CREATE OR REPLACE FUNCTION pgautomator.copy_job(name text, new_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  src pgautomator.job;
  jid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  -- Locked, so the steps and schedules copied are those of one moment (no edit half-way through).
  jid := pgautomator._job_id(copy_job.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT * INTO src FROM pgautomator.job x WHERE x.id = jid;
  PERFORM pgautomator._check_name(copy_job.new_name, 'job name', 200, 'new_name');
  IF EXISTS (SELECT 1 FROM pgautomator.job x WHERE x.name = copy_job.new_name) THEN
    PERFORM pgautomator._raise('PA020', format('job %L already exists', copy_job.new_name), 'field: new_name',
      'Choose a name no other job has for the copy.');
  END IF;
  -- One function, one transaction: a copy that fails half-way (a name taken meanwhile) leaves
  -- nothing behind. The copy keeps every property, including enabled (it fires on the same
  -- schedules from now on); the caller becomes its owner, as with create_job.
  BEGIN
    INSERT INTO pgautomator.job (name, description, category_id, enabled, paused_reason, owner, agent_id, agent_tags, overlap,
                                 misfire, misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age,
                                 email_on, email_to, email_from, email_subject, email_body)
    VALUES (copy_job.new_name, src.description, src.category_id, src.enabled, src.paused_reason, pgautomator._caller(), src.agent_id,
            src.agent_tags, src.overlap, src.misfire, src.misfire_grace, src.timeout, src.on_abandon, src.abandon_retries,
            src.keep_runs, src.keep_age, src.email_on, src.email_to, src.email_from, src.email_subject, src.email_body)
    RETURNING id INTO jid;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('job %L already exists', copy_job.new_name), 'field: new_name',
      'Another session created it a moment ago; choose another name for the copy.');
  END;
  INSERT INTO pgautomator.step (job_id, position, name, enabled, kind, command, shell, connection_id, working_dir, env, success_codes,
                                timeout, retries, retry_delay, retry_backoff, on_success, on_failure,
                                email_on, email_to, email_from, email_subject, email_body)
  SELECT jid, s.position, s.name, s.enabled, s.kind, s.command, s.shell, s.connection_id, s.working_dir, s.env, s.success_codes,
         s.timeout, s.retries, s.retry_delay, s.retry_backoff, s.on_success, s.on_failure,
         s.email_on, s.email_to, s.email_from, s.email_subject, s.email_body
    FROM pgautomator.step s WHERE s.job_id = src.id;
  -- "Go to step" points at a step row: point the copy's at the copy's step in the same position.
  UPDATE pgautomator.step n
     SET on_success_goto = (SELECT t.id FROM pgautomator.step t WHERE t.job_id = jid AND t.position = gs.position),
         on_failure_goto = (SELECT t.id FROM pgautomator.step t WHERE t.job_id = jid AND t.position = gf.position)
    FROM pgautomator.step o
    LEFT JOIN pgautomator.step gs ON gs.id = o.on_success_goto
    LEFT JOIN pgautomator.step gf ON gf.id = o.on_failure_goto
   WHERE o.job_id = src.id AND n.job_id = jid AND n.position = o.position
     AND (o.on_success_goto IS NOT NULL OR o.on_failure_goto IS NOT NULL);
  INSERT INTO pgautomator.job_schedule (job_id, schedule_id)
  SELECT jid, js.schedule_id FROM pgautomator.job_schedule js WHERE js.job_id = src.id;
  -- Attached from now, as attach_schedule does: the first fire is the next one after now.
  IF FOUND THEN
    PERFORM pgautomator._refresh_next_fires(job_id => jid);
  END IF;
  RETURN jid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.copy_job(text, text) IS
$c$Copies a job under a new name, in one transaction, and returns the new job's id: every property (description, category, agent and tags, policies, timeout, retention, enabled), its mail settings, its steps (with their mail settings; "go to step" kept pointing at the same position) and its attached schedules (firing from now on, as attach_schedule). Not copied: runs, job triggers and alert rules. The caller is the copy's owner.
Arguments: name, the job to copy; new_name, the copy's name (1..200 characters, not taken).
Errors: PA002 a bad new_name; PA010 no such job; PA020 a job named new_name exists (DETAIL field: new_name); PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.copy_job('backup', 'backup-staging');$c$;
REVOKE ALL ON FUNCTION pgautomator.copy_job(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.copy_job(text, text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.update_job(
  name text,
  description text DEFAULT NULL,
  category text DEFAULT NULL,
  agent text DEFAULT NULL,
  agent_tags text[] DEFAULT NULL,
  overlap text DEFAULT NULL,
  misfire text DEFAULT NULL,
  misfire_grace interval DEFAULT NULL,
  timeout interval DEFAULT NULL,
  on_abandon text DEFAULT NULL,
  abandon_retries int DEFAULT NULL,
  keep_runs int DEFAULT NULL,
  keep_age interval DEFAULT NULL,
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
  clearable CONSTANT text[] := ARRAY['description', 'category', 'agent', 'agent_tags', 'timeout', 'keep_runs', 'keep_age'];
  jid       bigint;
  cur_row   pgautomator.job;
  j         pgautomator.job;
  bad       text;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(update_job.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT x.* INTO cur_row FROM pgautomator.job x WHERE x.id = jid;
  SELECT c INTO bad FROM unnest(coalesce(update_job.clear, '{}')) c WHERE c IS NULL OR NOT c = ANY (clearable) LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002',
      format('update_job clear must name fields among %s (got %s)', array_to_string(clearable, ', '), coalesce('"' || bad || '"', 'NULL')),
      'field: clear', 'clear lists the nullable fields to reset, e.g. clear => ''{timeout,agent}''.');
  END IF;
  SELECT c INTO bad FROM unnest(update_job.clear) c
   WHERE (c = 'description' AND update_job.description IS NOT NULL) OR (c = 'category' AND update_job.category IS NOT NULL)
      OR (c = 'agent' AND update_job.agent IS NOT NULL) OR (c = 'agent_tags' AND update_job.agent_tags IS NOT NULL)
      OR (c = 'timeout' AND update_job.timeout IS NOT NULL) OR (c = 'keep_runs' AND update_job.keep_runs IS NOT NULL)
      OR (c = 'keep_age' AND update_job.keep_age IS NOT NULL)
   LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002', format('update_job cannot both set and clear %s', bad), 'field: clear',
      format('Pass %s or clear it, not both.', bad));
  END IF;

  j := cur_row;
  IF update_job.new_name IS NOT NULL THEN
    PERFORM pgautomator._check_name(update_job.new_name, 'job new_name', 200, 'new_name');
    IF update_job.new_name <> cur_row.name AND EXISTS (SELECT 1 FROM pgautomator.job x WHERE x.name = update_job.new_name) THEN
      PERFORM pgautomator._raise('PA020', format('job %L already exists', update_job.new_name), 'field: new_name', 'Choose another new_name.');
    END IF;
    j.name := update_job.new_name;
  END IF;
  j.description     := CASE WHEN 'description' = ANY (update_job.clear) THEN NULL ELSE coalesce(update_job.description, j.description) END;
  j.category_id     := CASE WHEN 'category' = ANY (update_job.clear) THEN NULL
                            WHEN update_job.category IS NOT NULL THEN pgautomator._category_id(update_job.category)
                            ELSE j.category_id END;
  j.agent_id        := CASE WHEN 'agent' = ANY (update_job.clear) THEN NULL
                            WHEN update_job.agent IS NOT NULL THEN pgautomator._agent_id(update_job.agent)
                            ELSE j.agent_id END;
  j.agent_tags      := CASE WHEN 'agent_tags' = ANY (update_job.clear) THEN '{}' ELSE coalesce(update_job.agent_tags, j.agent_tags) END;
  j.overlap         := coalesce(update_job.overlap, j.overlap);
  j.misfire         := coalesce(update_job.misfire, j.misfire);
  j.misfire_grace   := coalesce(update_job.misfire_grace, j.misfire_grace);
  j.timeout         := CASE WHEN 'timeout' = ANY (update_job.clear) THEN NULL ELSE coalesce(update_job.timeout, j.timeout) END;
  j.on_abandon      := coalesce(update_job.on_abandon, j.on_abandon);
  j.abandon_retries := coalesce(update_job.abandon_retries, j.abandon_retries);
  j.keep_runs       := CASE WHEN 'keep_runs' = ANY (update_job.clear) THEN NULL ELSE coalesce(update_job.keep_runs, j.keep_runs) END;
  j.keep_age        := CASE WHEN 'keep_age' = ANY (update_job.clear) THEN NULL ELSE coalesce(update_job.keep_age, j.keep_age) END;
  j.enabled         := coalesce(update_job.enabled, j.enabled);
  IF j.enabled AND NOT cur_row.enabled THEN
    j.paused_reason := NULL;
  END IF;
  PERFORM pgautomator._check_job(j);

  BEGIN
    UPDATE pgautomator.job x
       SET name = j.name, description = j.description, category_id = j.category_id, agent_id = j.agent_id,
           agent_tags = j.agent_tags, overlap = j.overlap, misfire = j.misfire, misfire_grace = j.misfire_grace,
           timeout = j.timeout, on_abandon = j.on_abandon, abandon_retries = j.abandon_retries,
           keep_runs = j.keep_runs, keep_age = j.keep_age, enabled = j.enabled, paused_reason = j.paused_reason,
           updated_at = now()
     WHERE x.id = cur_row.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('job %L already exists', j.name), 'field: new_name', 'Choose another new_name.');
  END;
  IF j.enabled <> cur_row.enabled THEN
    PERFORM pgautomator._refresh_next_fires(job_id => cur_row.id);
  END IF;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.update_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean, text, text[]) IS
$c$Changes a job; arguments left NULL stay as they are (the arguments mean what they mean in create_job).
Arguments: name, the job to change; description, category, agent, agent_tags, overlap, misfire, misfire_grace, timeout, on_abandon (fail, retry or wait: see create_job), abandon_retries, keep_runs, keep_age, enabled: new values; new_name, to rename it; clear, fields to reset: any of description, category, agent, agent_tags (to '{}'), timeout, keep_runs, keep_age, e.g. clear => '{timeout,agent}'.
Changing enabled recomputes the job's next fires (prefer enable_job / disable_job, which keep a reason).
Errors: PA002 a bad value, an unknown field in clear, or a field both set and cleared; PA010 no such job, category or agent; PA020 new_name taken; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.update_job('backup', timeout => '3 hours', clear => '{agent}');$c$;
REVOKE ALL ON FUNCTION pgautomator.update_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.update_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean, text, text[]) TO pgautomator_admin;

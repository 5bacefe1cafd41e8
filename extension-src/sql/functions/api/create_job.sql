CREATE OR REPLACE FUNCTION pgautomator.create_job(
  name text,
  description text DEFAULT NULL,
  category text DEFAULT NULL,
  agent text DEFAULT NULL,
  agent_tags text[] DEFAULT '{}',
  overlap text DEFAULT 'skip',
  misfire text DEFAULT 'run_once',
  misfire_grace interval DEFAULT '1 minute',
  timeout interval DEFAULT NULL,
  on_abandon text DEFAULT 'fail',
  abandon_retries int DEFAULT 1,
  keep_runs int DEFAULT NULL,
  keep_age interval DEFAULT NULL,
  enabled boolean DEFAULT true
)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  j pgautomator.job;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  j.name            := create_job.name;
  j.description     := create_job.description;
  j.category_id     := CASE WHEN create_job.category IS NOT NULL THEN pgautomator._category_id(create_job.category) END;
  j.agent_id        := CASE WHEN create_job.agent IS NOT NULL THEN pgautomator._agent_id(create_job.agent) END;
  j.agent_tags      := create_job.agent_tags;
  j.overlap         := create_job.overlap;
  j.misfire         := create_job.misfire;
  j.misfire_grace   := create_job.misfire_grace;
  j.timeout         := create_job.timeout;
  j.on_abandon      := create_job.on_abandon;
  j.abandon_retries := create_job.abandon_retries;
  j.keep_runs       := create_job.keep_runs;
  j.keep_age        := create_job.keep_age;
  j.enabled         := create_job.enabled;
  PERFORM pgautomator._check_job(j);
  IF EXISTS (SELECT 1 FROM pgautomator.job x WHERE x.name = j.name) THEN
    PERFORM pgautomator._raise('PA020', format('job %L already exists', j.name), 'field: name',
      format('Choose another name, or change it with pgautomator.update_job(%L, ...).', j.name));
  END IF;
  BEGIN
    INSERT INTO pgautomator.job (name, description, category_id, enabled, owner, agent_id, agent_tags, overlap, misfire,
                                 misfire_grace, timeout, on_abandon, abandon_retries, keep_runs, keep_age)
    VALUES (j.name, j.description, j.category_id, j.enabled, pgautomator._caller(), j.agent_id, j.agent_tags, j.overlap, j.misfire,
            j.misfire_grace, j.timeout, j.on_abandon, j.abandon_retries, j.keep_runs, j.keep_age)
    RETURNING id INTO j.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('job %L already exists', j.name), 'field: name',
      'Another session created it a moment ago; choose another name.');
  END;
  RETURN j.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.create_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean) IS
$c$Creates a job (without steps or schedules: add them with add_step and attach_schedule) and returns its id. The caller is recorded as its owner.
Arguments: name, unique (1..200 characters); description; category, an existing category name; agent, the one agent allowed to run it (it must have registered once), NULL for any agent carrying all of agent_tags; agent_tags (default '{}'); overlap, what a fire does while a run is queued or running: skip (default, recorded skipped), queue_one, queue_all, cancel_previous, allow; misfire, for fires missed by more than misfire_grace: run_once (default), run_all, skip; misfire_grace (default 1 minute); timeout, longest run (NULL: none); on_abandon, when the agent running a run goes silent past dead_after (dies, or is cut off from the database): fail (default: the run is recorded abandoned), retry (abandoned and queued again, up to abandon_retries (default 1) times) or wait (the run stays running and its steps keep running while the agent is cut off; the database waits for that agent to come back and continue it; if it comes back without the run, restarted, the run is recorded abandoned and not retried; the job timeout still bounds the wait); keep_runs / keep_age, history retention (NULL: the global setting); enabled (default true).
Errors: PA002 a bad value (the message names the field and what is allowed); PA010 unknown category or agent; PA020 a job of that name exists; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.create_job('backup', overlap => 'queue_one', timeout => '2 hours');$c$;
REVOKE ALL ON FUNCTION pgautomator.create_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.create_job(text, text, text, text, text[], text, text, interval, interval, text, int, int, interval, boolean) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.add_job_trigger(job text, after text, outcome text DEFAULT 'succeeded', delay interval DEFAULT '0')
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid    bigint;
  uid    bigint;
  path   text;
  new_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_one_of(add_job_trigger.outcome, ARRAY['succeeded', 'failed', 'finished'], 'trigger outcome', 'outcome');
  IF add_job_trigger.delay IS NULL OR add_job_trigger.delay < interval '0' THEN
    PERFORM pgautomator._raise('PA002', format('trigger delay must be an interval of 0 or more (got %s)', coalesce(add_job_trigger.delay::text, 'NULL')),
      'field: delay', 'For example: delay => ''5 minutes''; 0 starts the job as soon as the upstream run ends.');
  END IF;
  jid := pgautomator._job_id(add_job_trigger.job);
  uid := pgautomator._job_id(add_job_trigger.after);
  -- One writer of the graph at a time: two additions that each close half of a cycle cannot both
  -- pass the test below.
  PERFORM pg_advisory_xact_lock(hashtext('pgautomator.job_trigger'));
  IF jid = uid THEN
    PERFORM pgautomator._raise('PA050', format('job %L cannot be started by its own end', add_job_trigger.job), 'field: after',
      'A job that repeats belongs on a schedule (create_schedule, attach_schedule).');
  END IF;
  -- A cycle: `job` already starts (directly or down a chain) `after`. The path is named in DETAIL.
  WITH RECURSIVE down(id, path) AS (
    SELECT jid, ARRAY[jid]
    UNION ALL
    SELECT t.job_id, d.path || t.job_id
      FROM down d JOIN pgautomator.job_trigger t ON t.after_job_id = d.id
     WHERE t.job_id <> ALL (d.path)
  )
  SELECT string_agg(j.name, ' -> ' ORDER BY p.ord) INTO path
    FROM (SELECT d.path FROM down d WHERE d.id = uid LIMIT 1) x
    CROSS JOIN LATERAL unnest(x.path) WITH ORDINALITY AS p(id, ord)
    JOIN pgautomator.job j ON j.id = p.id;
  IF path IS NOT NULL THEN
    PERFORM pgautomator._raise('PA050',
      format('a trigger starting job %L after job %L would make a cycle', add_job_trigger.job, add_job_trigger.after),
      format(E'field: after\nchain: %s', path),
      format('Remove one link of the chain first (pgautomator.remove_job_trigger), or let %L run on a schedule.', add_job_trigger.job));
  END IF;
  IF EXISTS (SELECT 1 FROM pgautomator.job_trigger t WHERE t.job_id = jid AND t.after_job_id = uid) THEN
    PERFORM pgautomator._raise('PA020', format('job %L already has a trigger after job %L', add_job_trigger.job, add_job_trigger.after),
      'field: after', format('SELECT pgautomator.remove_job_trigger(%L, %L); first to change its outcome or delay.', add_job_trigger.job, add_job_trigger.after));
  END IF;
  INSERT INTO pgautomator.job_trigger (job_id, after_job_id, outcome, delay, created_by)
  VALUES (jid, uid, add_job_trigger.outcome, add_job_trigger.delay, pgautomator._caller())
  RETURNING id INTO new_id;
  RETURN new_id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.add_job_trigger(text, text, text, interval) IS
$c$Makes the end of every run of job `after` start job `job` (a dependency): the started run has trigger = 'job' and upstream_run_id, and follows job's overlap policy. Many to many; cycles are refused. Written with the upstream run's outcome, so no start is lost when an agent dies.
Arguments: job, the downstream job; after, the upstream job; outcome: succeeded (default), failed (failed, killed, timed_out, or abandoned without retry) or finished (either); delay: how long after the upstream end (default 0).
Errors: PA002 bad outcome or delay; PA010 no such job; PA020 that trigger exists; PA050 the trigger would make a cycle; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.add_job_trigger(job => 'load', after => 'extract', outcome => 'succeeded', delay => '5 minutes');$c$;
REVOKE ALL ON FUNCTION pgautomator.add_job_trigger(text, text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.add_job_trigger(text, text, text, interval) TO pgautomator_admin;

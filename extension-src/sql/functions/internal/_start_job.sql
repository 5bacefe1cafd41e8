CREATE OR REPLACE FUNCTION pgautomator._start_job(job text, at_step text DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned: it runs under the planner settings of start_job (see _claim_runs).
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid      bigint;
  j        pgautomator.job;
  start_at int := 1;
  active   record;
  new_id   bigint;
BEGIN
  -- The job row locked (NO KEY UPDATE, as claimers lock it): the overlap decision below cannot
  -- race with a claimer firing or starting a run of this job.
  -- The lookup is a statement of its own: in the WHERE clause it is never called on an empty table
  -- (PA010 lost to a not-null violation), and called once per row on a full one.
  jid := pgautomator._job_id(_start_job.job);
  SELECT x.* INTO j FROM pgautomator.job x WHERE x.id = jid FOR NO KEY UPDATE;

  IF _start_job.at_step IS NOT NULL THEN
    SELECT s.position INTO start_at FROM pgautomator.step s WHERE s.job_id = j.id AND s.name = _start_job.at_step;
    IF NOT FOUND AND _start_job.at_step ~ '^[0-9]{1,9}$' THEN
      SELECT s.position INTO start_at FROM pgautomator.step s WHERE s.job_id = j.id AND s.position = _start_job.at_step::int;
    END IF;
    IF start_at IS NULL THEN
      PERFORM pgautomator._raise('PA010', format('job %L has no step named or numbered %L', j.name, _start_job.at_step), 'field: at_step',
        'Pass the name or the position of one of the job''s steps, or omit at_step to start at the first.');
    END IF;
  END IF;

  SELECT count(*) FILTER (WHERE r.state = 'queued') AS queued,
         count(*) FILTER (WHERE r.state = 'running') AS running,
         min(r.id) AS first_id
    INTO active
    FROM pgautomator.job_run r
   WHERE r.job_id = j.id AND r.state IN ('queued', 'running');

  -- A manual start is never skipped silently: where the overlap policy would skip it, it fails.
  IF j.overlap = 'skip' AND active.queued + active.running > 0 THEN
    PERFORM pgautomator._raise('PA030', format('job %L already has a run queued or running (run %s) and its overlap policy is skip', j.name, active.first_id),
      'field: job', format('Kill it first (SELECT pgautomator.kill_run(%s);), or change the job''s overlap policy (queue_one, queue_all, cancel_previous, allow).', active.first_id));
  ELSIF j.overlap = 'queue_one' AND active.queued > 0 THEN
    PERFORM pgautomator._raise('PA030', format('job %L already has a run waiting and its overlap policy is queue_one', j.name),
      'field: job', 'The waiting run will start after the running one; kill it first to start anew, or change the job''s overlap policy.');
  ELSIF j.overlap = 'cancel_previous' AND active.queued + active.running > 0 THEN
    PERFORM pgautomator._cancel_previous_runs(j.id, format('superseded by a manual start by %s (overlap = cancel_previous)', pgautomator._caller()),
                                              pgautomator._caller());
  END IF;

  INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, requested_by, start_position)
  VALUES (j.id, 'manual', _start_job.at, pgautomator._caller(), start_at)
  RETURNING id INTO new_id;
  PERFORM pgautomator._notify('run_queued', jsonb_build_object('run_id', new_id, 'job', j.name, 'trigger', 'manual'));
  RETURN new_id;
END
$$;
COMMENT ON FUNCTION pgautomator._start_job(text, text, timestamptz) IS
  'The body of start_job with the clock as an argument (at: the run''s scheduled_for). Granted to nobody: start_job passes now() (a run '
  'queued for a later time would block the job''s fires under overlap skip); tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._start_job(text, text, timestamptz) FROM PUBLIC;

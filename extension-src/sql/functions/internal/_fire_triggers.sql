-- Turns due trigger_fire rows into runs (trigger = job), called by every claim after _fire_due: a
-- delayed start fires whether or not another run ends meanwhile, on the database's clock.
CREATE OR REPLACE FUNCTION pgautomator._fire_triggers(at timestamptz DEFAULT now(), max_fires int DEFAULT 1000)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  f       record;
  j       pgautomator.job;
  act     record;
  state   text;
  why     text;
  queued  int := 0;
  rid     bigint;
  skipped bigint[] := '{}';
BEGIN
  -- The usual case: nothing due, one probe of trigger_fire_due_idx.
  IF NOT EXISTS (SELECT 1 FROM pgautomator.trigger_fire tf WHERE tf.due_at <= _fire_triggers.at) THEN
    RETURN 0;
  END IF;
  -- SKIP LOCKED: concurrent claimers share the due rows and never wait for each other.
  FOR f IN
    SELECT tf.id, tf.job_id, tf.upstream_run_id, tf.due_at
      FROM pgautomator.trigger_fire tf
     WHERE tf.due_at <= _fire_triggers.at
     ORDER BY tf.due_at, tf.id
     LIMIT _fire_triggers.max_fires
       FOR UPDATE SKIP LOCKED
  LOOP
    -- The job locked as claimers and _fire_due lock it, so the overlap decision cannot race; held
    -- by another claimer: left for the next call.
    SELECT x.* INTO j FROM pgautomator.job x WHERE x.id = f.job_id FOR NO KEY UPDATE SKIP LOCKED;
    CONTINUE WHEN j.id IS NULL;
    DELETE FROM pgautomator.trigger_fire tf WHERE tf.id = f.id;

    SELECT count(*) FILTER (WHERE r.state = 'queued') AS q, count(*) FILTER (WHERE r.state = 'running') AS rn
      INTO act
      FROM pgautomator.job_run r
     WHERE r.job_id = j.id AND r.state IN ('queued', 'running');
    -- The overlap policy as for a scheduled fire (_fire_due); a disabled job starts on nothing.
    state := 'queued';
    why := format('started by the end of run %s', f.upstream_run_id);
    IF NOT j.enabled THEN
      state := 'skipped'; why := format('the job is disabled (trigger: the end of run %s)', f.upstream_run_id);
    ELSIF j.overlap = 'skip' AND act.q + act.rn > 0 THEN
      state := 'skipped'; why := format('a run of the job was still queued or running (overlap = skip; trigger: the end of run %s)', f.upstream_run_id);
    ELSIF j.overlap = 'queue_one' AND act.q > 0 THEN
      state := 'skipped'; why := format('a run of the job was already waiting (overlap = queue_one; trigger: the end of run %s)', f.upstream_run_id);
    ELSIF j.overlap = 'cancel_previous' AND act.q + act.rn > 0 THEN
      PERFORM pgautomator._cancel_previous_runs(j.id, format('superseded by the end of run %s (overlap = cancel_previous)', f.upstream_run_id), 'pgautomator');
    END IF;

    INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, upstream_run_id, state, message, finished_at)
    VALUES (j.id, 'job', f.due_at, f.upstream_run_id, state, why, CASE WHEN state = 'skipped' THEN clock_timestamp() END)
    ON CONFLICT DO NOTHING  -- job_run_upstream_unique: an end starts a job once
    RETURNING id INTO rid;
    IF FOUND AND state = 'queued' THEN
      queued := queued + 1;
    ELSIF FOUND THEN
      skipped := skipped || rid;
    END IF;
  END LOOP;
  -- Counted in one statement after the loop (one insert for all of them).
  IF cardinality(skipped) > 0 THEN
    PERFORM pgautomator._count_ended_runs(skipped);
  END IF;
  IF queued > 0 THEN
    PERFORM pgautomator._notify('run_queued', jsonb_build_object('trigger', 'job', 'count', queued));
  END IF;
  RETURN queued;
END
$$;
COMMENT ON FUNCTION pgautomator._fire_triggers(timestamptz, int) IS
  'Turns trigger_fire rows due by at (at most max_fires, SKIP LOCKED) into runs with trigger = job and upstream_run_id, under the '
  'downstream job''s overlap policy (skipped rows record why; a disabled job''s are skipped). Returns the number of runs queued.';
REVOKE ALL ON FUNCTION pgautomator._fire_triggers(timestamptz, int) FROM PUBLIC;

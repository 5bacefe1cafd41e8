-- counted_by_caller: as in _finish_run (agent_report counts the runs of its whole batch at its end).
CREATE OR REPLACE FUNCTION pgautomator._abandon_runs(run_ids bigint[], reason text, at timestamptz DEFAULT now(), counted_by_caller boolean DEFAULT false)
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  abandoned bigint[];
  retried   bigint[];
  rid       bigint;
BEGIN
  WITH ab AS (
    UPDATE pgautomator.job_run r
       SET state = 'abandoned', finished_at = clock_timestamp(), message = reason
     WHERE r.id = ANY (run_ids) AND r.state = 'running'
    RETURNING r.id
  )
  SELECT coalesce(array_agg(ab.id ORDER BY ab.id), '{}') INTO abandoned FROM ab;
  IF cardinality(abandoned) = 0 THEN
    RETURN 0;
  END IF;

  UPDATE pgautomator.step_run s
     SET state = 'abandoned', finished_at = clock_timestamp(), message = reason
   WHERE s.job_run_id = ANY (abandoned) AND s.state = 'running';

  -- on_abandon = retry: the same fire is queued again (same schedule and scheduled_for; the
  -- fire's unique key covers trigger = schedule only, so the retry row does not collide).
  WITH again AS (
    INSERT INTO pgautomator.job_run (job_id, schedule_id, trigger, scheduled_for, requested_by, start_position, attempt, retry_of, message)
    SELECT r.job_id, r.schedule_id, 'retry', r.scheduled_for, r.requested_by, r.start_position, r.attempt + 1, r.id,
           format('retry %s of run %s, abandoned: %s', r.attempt, r.id, reason)
      FROM pgautomator.job_run r
      JOIN pgautomator.job j ON j.id = r.job_id
     WHERE r.id = ANY (abandoned) AND j.on_abandon = 'retry' AND r.attempt <= j.abandon_retries
    RETURNING id
  )
  SELECT coalesce(array_agg(again.id), '{}') INTO retried FROM again;

  -- Counted abandoned, retried or not: the retry is a run of its own.
  IF NOT counted_by_caller THEN
    PERFORM pgautomator._count_ended_runs(abandoned);
  END IF;
  -- Retried runs start their downstream jobs when their retry ends, not now.
  PERFORM pgautomator._run_ended(abandoned, ARRAY(SELECT x.retry_of FROM pgautomator.job_run x WHERE x.id = ANY (retried)));
  FOREACH rid IN ARRAY abandoned LOOP
    PERFORM pgautomator._enqueue_mail(rid, 'failure');
    PERFORM pgautomator._notify('run_finished', jsonb_build_object('run_id', rid, 'state', 'abandoned'));
  END LOOP;
  FOREACH rid IN ARRAY retried LOOP
    PERFORM pgautomator._notify('run_queued', jsonb_build_object('run_id', rid, 'trigger', 'retry'));
  END LOOP;
  RETURN cardinality(abandoned);
END
$$;
COMMENT ON FUNCTION pgautomator._abandon_runs(bigint[], text, timestamptz, boolean) IS
  'Records the running runs among run_ids abandoned (with their running step attempts), with reason as message; queues a retry '
  '(trigger retry, attempt + 1, same schedule and scheduled_for) where the job says on_abandon = retry and retries remain; '
  'writes failure mail; counts them in run_count unless counted_by_caller. Returns how many runs were abandoned.';
REVOKE ALL ON FUNCTION pgautomator._abandon_runs(bigint[], text, timestamptz, boolean) FROM PUBLIC;

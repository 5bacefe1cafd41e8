CREATE OR REPLACE FUNCTION pgautomator._reap_overdue_runs(at timestamptz DEFAULT now())
RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_grace CONSTANT interval := '1 minute';  -- the agent enforces the timeout; this is the backstop
  reaped  record;
  n       int := 0;
  ended   bigint[] := '{}';
BEGIN
  -- job_run_deadline_idx makes this an index probe that finds nothing most of the time.
  FOR reaped IN
    WITH overdue AS (
      SELECT r.id
        FROM pgautomator.job_run r
       WHERE r.state = 'running' AND r.deadline_at < _reap_overdue_runs.at - c_grace
       ORDER BY r.deadline_at
       LIMIT 1000
         FOR UPDATE SKIP LOCKED
    )
    UPDATE pgautomator.job_run r
       SET state = 'timed_out', finished_at = clock_timestamp(),
           message = format('still running at %s, past its deadline %s (job timeout) plus %s: recorded timed_out by the database',
                            _reap_overdue_runs.at, r.deadline_at, c_grace)
      FROM overdue
     WHERE r.id = overdue.id
    RETURNING r.id, r.agent_id
  LOOP
    n := n + 1;
    ended := ended || reaped.id;
    UPDATE pgautomator.step_run s
       SET state = 'timed_out', finished_at = clock_timestamp(), message = 'the run passed its deadline'
     WHERE s.job_run_id = reaped.id AND s.state = 'running';
    PERFORM pgautomator._enqueue_mail(reaped.id, 'failure');
    PERFORM pgautomator._run_ended(ARRAY[reaped.id]);
    PERFORM pgautomator._notify('run_finished', jsonb_build_object('run_id', reaped.id, 'state', 'timed_out'));
    -- The agent may still be executing it: ask it to stop.
    PERFORM pgautomator._notify('kill', jsonb_build_object('run_id', reaped.id,
      'agent', (SELECT a.name FROM pgautomator.agent a WHERE a.id = reaped.agent_id)));
  END LOOP;
  -- Counted in one statement after the loop, not run by run (one insert for all of them).
  IF n > 0 THEN
    PERFORM pgautomator._count_ended_runs(ended);
  END IF;
  RETURN n;
END
$$;
COMMENT ON FUNCTION pgautomator._reap_overdue_runs(timestamptz) IS
  'Backstop of job timeouts: running runs more than one minute past deadline_at are recorded timed_out (their running step '
  'attempts too), failure mail is written and the agent is told to kill them. At most 1,000 per call. Returns how many.';
REVOKE ALL ON FUNCTION pgautomator._reap_overdue_runs(timestamptz) FROM PUBLIC;

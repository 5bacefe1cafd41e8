-- The numbers of pgautomator.status() at instant `at` (tests pin it; status() passes now()).
-- Each count reads one partial index or a short range: status() is cheap enough to poll.
CREATE OR REPLACE FUNCTION pgautomator._status(at timestamptz DEFAULT now())
RETURNS TABLE (
  agents_online    int,
  agents_draining  int,
  agents_silent    int,
  runs_running     int,
  runs_queued      int,
  runs_late        int,
  failed_last_hour int,
  failed_last_day  int,
  jobs_failing     int,
  failing_jobs     text[],
  mail_waiting     int
)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH failing AS (
    -- A job fails while the last of its runs that ran to an outcome did not succeed (killed,
    -- cancelled and skipped runs are someone's decision, not an outcome: they are passed over).
    SELECT j.name FROM pgautomator.job j
     CROSS JOIN LATERAL (SELECT r.state FROM pgautomator.job_run r
                          WHERE r.job_id = j.id AND r.state IN ('succeeded', 'failed', 'timed_out', 'abandoned')
                            AND r.finished_at <= _status.at
                          ORDER BY r.id DESC LIMIT 1) last
     WHERE last.state <> 'succeeded'
  )
  SELECT
    -- Alive: heartbeated within its lease (3 heartbeat intervals), as the agents view says "online".
    (SELECT count(*) FROM pgautomator.agent a
      WHERE a.state = 'online' AND a.drained_at IS NULL AND a.last_heartbeat_at > _status.at - pgautomator._lease(a.heartbeat_interval))::int,
    -- Draining: said so itself (agent_stop(drain)), or drained by an admin (drain_agent).
    (SELECT count(*) FROM pgautomator.agent a
      WHERE (a.state = 'draining' OR (a.state = 'online' AND a.drained_at IS NOT NULL)) AND a.last_heartbeat_at > _status.at - pgautomator._lease(a.heartbeat_interval))::int,
    -- Silent: says online or draining but its lease ran out (dead, cut off, or stopped without agent_stop).
    (SELECT count(*) FROM pgautomator.agent a
      WHERE a.state IN ('online', 'draining')
        AND (a.last_heartbeat_at IS NULL OR a.last_heartbeat_at <= _status.at - pgautomator._lease(a.heartbeat_interval)))::int,
    (SELECT count(*) FROM pgautomator.job_run r WHERE r.state = 'running')::int,
    (SELECT count(*) FROM pgautomator.job_run r WHERE r.state = 'queued')::int,
    -- Late: due more than a minute ago and not started: queued runs, plus fires that no agent has
    -- claimed yet (claim_runs writes a fire's run, so with no agent claiming there is no row to count).
    ((SELECT count(*) FROM pgautomator.job_run r WHERE r.state = 'queued' AND r.scheduled_for < _status.at - interval '1 minute')
     + (SELECT count(*) FROM pgautomator.job_schedule js WHERE js.next_fire_at < _status.at - interval '1 minute'))::int,
    (SELECT count(*) FROM pgautomator.job_run r
      WHERE r.finished_at > _status.at - interval '1 hour' AND r.finished_at <= _status.at
        AND r.state IN ('failed', 'timed_out', 'abandoned'))::int,
    (SELECT count(*) FROM pgautomator.job_run r
      WHERE r.finished_at > _status.at - interval '1 day' AND r.finished_at <= _status.at
        AND r.state IN ('failed', 'timed_out', 'abandoned'))::int,
    (SELECT count(*) FROM failing)::int,
    (SELECT coalesce(array_agg(f.name ORDER BY f.name), '{}') FROM failing f),
    (SELECT count(*) FROM pgautomator.notification n WHERE n.state IN ('pending', 'sending'))::int
$$;
COMMENT ON FUNCTION pgautomator._status(timestamptz) IS
  'The body of status() at instant at (agents, runs, failures, mail): status() passes now() and adds the engine and version.';
REVOKE ALL ON FUNCTION pgautomator._status(timestamptz) FROM PUBLIC;

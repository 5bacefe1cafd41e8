CREATE OR REPLACE FUNCTION pgautomator._claim_runs(name text, max int DEFAULT 1, at timestamptz DEFAULT now())
RETURNS SETOF jsonb
LANGUAGE plpgsql
-- Not SECURITY DEFINER, and only search_path pinned (as every function here): it runs under the
-- planner settings of claim_runs, its only caller besides superusers (tests and the benchmark, which
-- pin the clock), so an agent's claim switches those settings once, not twice.
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a          pgautomator.agent;
  want       int;
  candidates bigint[];
  locked_jobs bigint[];
  claimed    bigint[];
  start_mail bigint[];
  step_mail_runs     bigint[];
  step_mail_attempts bigint[];
  started    timestamptz;
  sweep_agents  boolean;
  sweep_overdue boolean;
  sweep_alerts  boolean;
  queue_waits   boolean;
  triggers_due  boolean;
  running_now   bigint;
  watched       boolean;
  swept         boolean;
BEGIN
  IF _claim_runs.max IS NULL OR _claim_runs.max NOT BETWEEN 0 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('max must be 0..1000, got %s', coalesce(_claim_runs.max::text, 'NULL')),
      'field: max', 'Pass how many runs the agent can start now (its free capacity).');
  END IF;
  a := pgautomator._acting_agent(_claim_runs.name);
  -- One claim per agent at a time (its capacity is counted below). An advisory lock, not a row
  -- lock: a claim that finds nothing to do writes nothing, so it costs no WAL flush at commit.
  PERFORM pg_advisory_xact_lock(hashtext('pgautomator.claim_runs'), a.id::int);
  SELECT x.* INTO a FROM pgautomator.agent x WHERE x.id = a.id;
  IF a.state = 'offline' THEN
    RETURN;  -- an offline agent claims nothing; its next heartbeat tells it to register again
  END IF;
  -- Everyone silent until now: the database's outage, not the agents' deaths (see _note_contact).
  -- (Its fast path tested here first: a claim pays no call when the agent itself was heard of lately.)
  IF NOT coalesce(a.last_heartbeat_at >= _claim_runs.at - 2 * a.heartbeat_interval, false) THEN
    PERFORM pgautomator._note_contact(a, _claim_runs.at);
  END IF;
  -- A claim is a heartbeat; written at most once a second, for the same reason.
  UPDATE pgautomator.agent x SET last_heartbeat_at = _claim_runs.at
   WHERE x.id = a.id AND (x.last_heartbeat_at IS NULL OR x.last_heartbeat_at < _claim_runs.at - interval '1 second');

  -- The sweeps find nothing on almost every claim. One statement of wider probes (each true
  -- whenever its sweep has work, and cheap: the small agent table, the deadline and alert-rule
  -- indexes) says which to call; each call is a function with its own settings and statements, and
  -- the three cost about 160 us per claim when all found nothing (bench/cost-per-run.ts). The
  -- sweeps then decide exactly, as before.
  -- The same statement reads what the claim needs next (due downstream starts, whether a due run
  -- waits in the queue, this agent's running runs, whether anyone watches progress events): a
  -- claim's cost is mostly fixed per call, whatever its size (bench/README.md, session 9), and
  -- most claims run no sweep. A sweep changes what follows (it ends, requeues and starts runs,
  -- and writes downstream starts): after one, the statement is read again (once: the sweeps are
  -- not called twice; the probes are wider than what they decide).
  swept := false;
  LOOP
    SELECT EXISTS (SELECT 1 FROM pgautomator.agent x
                    WHERE x.state IN ('online', 'draining')
                      -- dead_after is longer than one interval, and silence counted from a later resume is shorter
                      AND coalesce(x.last_heartbeat_at, x.started_at, x.created_at) < _claim_runs.at - x.heartbeat_interval),
           EXISTS (SELECT 1 FROM pgautomator.job_run r WHERE r.state = 'running' AND r.deadline_at < _claim_runs.at),
           EXISTS (SELECT 1 FROM pgautomator.alert_rule ar WHERE ar.due_at <= _claim_runs.at)
             OR EXISTS (SELECT 1 FROM pgautomator.alert_rule ar WHERE ar.kind = 'duration'),
           EXISTS (SELECT 1 FROM pgautomator.trigger_fire tf WHERE tf.due_at <= _claim_runs.at),
           -- A wide probe, any queued run due: a run pinned to an agent that is gone only sends
           -- claims the longer way (1. below).
           EXISTS (SELECT 1 FROM pgautomator.job_run r WHERE r.state = 'queued' AND r.scheduled_for <= _claim_runs.at),
           (SELECT count(*) FROM pgautomator.job_run r WHERE r.agent_id = a.id AND r.state = 'running'),
           pgautomator._events_watched()
      INTO sweep_agents, sweep_overdue, sweep_alerts, triggers_due, queue_waits, running_now, watched;
    EXIT WHEN swept OR NOT (sweep_agents OR sweep_overdue);
    IF sweep_agents THEN
      PERFORM pgautomator._rescue_dead_agents(_claim_runs.at);
    END IF;
    IF sweep_overdue THEN
      PERFORM pgautomator._reap_overdue_runs(_claim_runs.at);
    END IF;
    swept := true;
  END LOOP;
  -- What this agent can take now: nothing while draining (agent_stop(drain), or drained by an
  -- admin: it finishes its runs, takes no new ones).
  IF a.state <> 'online' OR a.drained_at IS NOT NULL THEN
    want := 0;
  ELSE
    want := least(_claim_runs.max, a.max_concurrent - running_now);
  END IF;

  -- 1. Fire due schedules (every claimer helps, whatever jobs it may run itself). When nothing
  --    due waits in the queue (the usual claim), the fires this agent can take start on it at once
  --    (_fire_due: claimer, take), written running; otherwise the queue goes first, oldest first,
  --    as below.
  IF want > 0 AND NOT queue_waits THEN
    SELECT f.started_runs INTO claimed FROM pgautomator._fire_due(_claim_runs.at, claimer => a.id, claimer_tags => a.tags, take => want) f;
  ELSE
    PERFORM pgautomator._fire_due(_claim_runs.at);
  END IF;
  -- ... and due starts of downstream jobs (job_trigger), and due alerts. (The runs _fire_due ends
  -- as skipped start no downstream job: only _run_ended writes trigger_fire.)
  IF triggers_due THEN
    PERFORM pgautomator._fire_triggers(_claim_runs.at);
  END IF;
  IF sweep_alerts THEN
    PERFORM pgautomator._evaluate_alerts(_claim_runs.at);
  END IF;
  IF want <= 0 THEN
    RETURN;
  END IF;
  IF claimed IS NOT NULL THEN
    -- Started by the fire itself: the claim's mail at start, then on as below.
    start_mail := ARRAY(SELECT r.id FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
                         WHERE r.id = ANY (claimed) AND 'start' = ANY (j.email_on) ORDER BY r.scheduled_for, r.id);
    IF cardinality(start_mail) = 0 THEN
      start_mail := NULL;
    END IF;
  ELSE
    -- 2a. Lock candidate queued runs this agent may take, oldest first (_claim_candidates walks
    --     the queue index and stops at the limit). Twice `want` rows: 2c may drop some (a second
    --     run of a job that runs one at a time).
    candidates := pgautomator._claim_candidates(a.id, a.tags, _claim_runs.at, 2 * want);
    IF candidates IS NULL THEN
      RETURN;
    END IF;

    -- 2b. Lock the jobs of the candidates that run one at a time (overlap other than allow). Every
    --     claimer takes this lock before starting a run of such a job, and the job's fires are made
    --     under it (_fire_due), so the overlap test below cannot race. SKIP LOCKED: a job another
    --     claimer holds is simply left for later.
    SELECT coalesce(array_agg(x.id), '{}') INTO locked_jobs
      FROM (SELECT j.id
              FROM pgautomator.job j
             WHERE j.id IN (SELECT r.job_id FROM pgautomator.job_run r WHERE r.id = ANY (candidates))
               AND j.overlap <> 'allow'
               FOR NO KEY UPDATE SKIP LOCKED) x;

    -- 2c. A new statement, so a new snapshot taken after the job locks were granted: it sees every
    --     claim committed by the previous holder of each lock. At most one run per locked job.
    --     The candidates are read by primary key. They are still queued: _claim_candidates locked
    --     them queued, and nobody else changes a locked run. (A test of state here would let the
    --     planner read the whole queue through job_run_queued_idx instead, which it did.)
    -- The database clock (at is now() but for tests, whose runs then start at their own clock).
    started := greatest(clock_timestamp(), _claim_runs.at);
    WITH eligible AS (
      SELECT r.id, r.scheduled_for, j.timeout, 'start' = ANY (j.email_on) AS mail_start,
             j.overlap = 'allow' OR row_number() OVER (PARTITION BY r.job_id ORDER BY r.scheduled_for, r.id) = 1 AS may_start
        FROM pgautomator.job_run r
        JOIN pgautomator.job j ON j.id = r.job_id
       WHERE r.id = ANY (candidates)
         AND (j.overlap = 'allow'
              OR (j.id = ANY (locked_jobs)
                  AND NOT EXISTS (SELECT 1 FROM pgautomator.job_run o WHERE o.job_id = r.job_id AND o.state = 'running')))
    ), chosen AS (
      SELECT e.id, e.timeout, e.mail_start FROM eligible e WHERE e.may_start ORDER BY e.scheduled_for, e.id LIMIT want
    ), upd AS (
      UPDATE pgautomator.job_run r
         SET state = 'running', started_at = started, agent_id = a.id, deadline_at = started + chosen.timeout
        FROM chosen
       WHERE r.id = chosen.id
      RETURNING r.id, r.scheduled_for, chosen.mail_start
    )
    SELECT array_agg(upd.id ORDER BY upd.scheduled_for, upd.id), array_agg(upd.id ORDER BY upd.scheduled_for, upd.id) FILTER (WHERE upd.mail_start)
      INTO claimed, start_mail
      FROM upd;
  END IF;
  IF claimed IS NULL THEN
    RETURN;
  END IF;

  -- One statement each, not one per run: mail for jobs that ask for it at start (known from the
  -- claim itself: a separate statement over the claimed runs was planned anew on most claims), the
  -- wake-ups, and the run objects.
  IF start_mail IS NOT NULL THEN
    PERFORM pgautomator._enqueue_mail(u.id, 'start') FROM unnest(start_mail) AS u(id);
  END IF;
  -- The first attempt of each run begins with its claim: the first enabled step from the run's
  -- start position, as the agent's flow would pick it (docs/agent-protocol.md). The agent starts it
  -- at once, without a begin_step round trip first (measured: that trip was most of the time from
  -- claim to step start); the payload says which attempt it is ("begun").
  -- One INSERT for all the claimed runs, not _begin_attempt per run (four statements each: the
  -- step, the run's attempts, the insert, the mail test; measured, about a sixth of a no-op run's
  -- database CPU): a run claimed here was queued until now, or fired just now, and has no attempt
  -- yet (a retry is a run of its own), so its first is attempt 1 and none of _begin_attempt's
  -- checks can refuse it.
  WITH first AS (
    SELECT r.id AS run_id, r.agent_id, f.id AS step_id, f.position, f.name, 'start' = ANY (f.email_on) AS mail
      FROM pgautomator.job_run r
      CROSS JOIN LATERAL (SELECT st.id, st.position, st.name, st.email_on FROM pgautomator.step st
                           WHERE st.job_id = r.job_id AND st.enabled AND st.position >= r.start_position
                           ORDER BY st.position LIMIT 1) f
     WHERE r.id = ANY (claimed)
     ORDER BY r.id
  ), begun AS (
    INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, agent_id)
    SELECT first.run_id, first.step_id, first.position, first.name, 1, first.agent_id FROM first
    RETURNING step_run.id, step_run.job_run_id
  )
  SELECT array_agg(b.job_run_id ORDER BY b.id), array_agg(b.id ORDER BY b.id) INTO step_mail_runs, step_mail_attempts
    FROM begun b JOIN first ON first.run_id = b.job_run_id
   WHERE first.mail;
  -- Steps that ask for mail at their start (few): as _begin_attempt writes it.
  IF step_mail_runs IS NOT NULL THEN
    PERFORM pgautomator._enqueue_mail(u.run_id, 'start', u.step_run_id) FROM unnest(step_mail_runs, step_mail_attempts) AS u(run_id, step_run_id);
  END IF;
  -- A progress event: sent only while someone watches (_notify_each), so not even built otherwise.
  IF watched THEN
    PERFORM pgautomator._notify_each('run_started',
      ARRAY(SELECT jsonb_build_object('run_id', u.id, 'agent', a.name) FROM unnest(claimed) WITH ORDINALITY AS u(id, ord) ORDER BY u.ord));
  END IF;
  RETURN QUERY SELECT pgautomator._run_payloads(claimed);
END
$$;
COMMENT ON FUNCTION pgautomator._claim_runs(text, int, timestamptz) IS
  'The body of claim_runs with the clock as an argument (at: when due fires and queued runs are measured, and the heartbeat it '
  'counts as). Granted to nobody: claim_runs passes now(); tests call it as a superuser.';
REVOKE ALL ON FUNCTION pgautomator._claim_runs(text, int, timestamptz) FROM PUBLIC;

-- claimer, claimer_tags, take: the claim that calls it (_claim_runs) may start up to `take` of the
-- runs it fires on its own agent at once, when nothing older waits in the queue: each is written
-- running instead of queued, then claimed by an UPDATE of the same transaction (measured with
-- bench/cost-per-run.ts: that UPDATE, writing six index entries per run, the queue walk and the job
-- locks were about a sixth of a no-op run's claim). Only a fire decided `queued` whose job this
-- agent may run, that has no other run queued, and (unless overlap = allow) none running: what
-- the claim would have taken first from the queue.
CREATE OR REPLACE FUNCTION pgautomator._fire_due(at timestamptz DEFAULT now(), max_pairs int DEFAULT 1000,
  claimer bigint DEFAULT NULL, claimer_tags text[] DEFAULT NULL, take int DEFAULT 0,
  OUT queued_runs int, OUT started_runs bigint[])
LANGUAGE plpgsql
-- Every statement here reads or writes a few hundred rows by primary key among possibly millions;
-- a hash or merge join would read whole tables, which the planner picks when its estimates of the
-- arrays are off (measured: 300 ms instead of 5 ms to advance 1,000 of 100,000 pairs).
SET enable_hashjoin = off
SET enable_mergejoin = off
SET jit = off
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p_job     bigint[];
  p_sched   bigint[];
  p_fire    timestamptz[];
  p_spec    jsonb[];
  p_overlap text[];
  p_misfire text[];
  p_grace   interval[];
  p_enabled boolean[];
  p_fits    boolean[];    -- the claimer may run the job (pinned to it, or its tags fit)
  p_timeout interval[];
  p_follow  timestamptz[];
  p_simple  boolean[];
  dup_jobs  bigint[];
  k_sched   bigint[];     -- step 2: one entry per schedule and instant due
  k_fire    timestamptz[];
  k_spec    jsonb[];
  k_enabled boolean[];
  k_follow  timestamptz[];
  k         int;
  d_job     bigint[];
  d_sched   bigint[];
  d_fire    timestamptz[];
  d_follow  timestamptz[];
  d_state   text[];
  d_message text[];
  d_cancel  boolean[];
  d_direct  boolean[];
  d_timeout interval[];
  started   timestamptz;
  n         int;
  i         int;
  queued    int := 0;
  -- Fires enumerated per call, all pairs together: a call that meets many long backlogs (agents
  -- down for a day with every-10-second schedules) stays short and leaves the rest to the next.
  c_budget  CONSTANT int := 5000;
  budget    int;
  done_q    int;
  done_f    int;
  inserted  int;
  skipped   bigint[];  -- rows written skipped: counted (_count_ended_runs)
BEGIN
  -- 1. Due pairs, each locked with its job. SKIP LOCKED: concurrent claimers split the due pairs
  --    and never wait for each other. First the pairs alone (_lock_due_pairs: in next_fire_at
  --    order, at most max_pairs, with their next_fire_at); then, in one statement, their jobs
  --    (NO KEY UPDATE: foreign-key checks of concurrent inserts are not blocked) with what
  --    deciding needs from the job and the schedule. A pair whose job another claimer holds
  --    (firing another schedule of it, or starting one of its runs) drops out here; it stays
  --    locked by this transaction and unprocessed, and is fired by the next call.
  SELECT d.job_ids, d.schedule_ids, d.fires INTO p_job, p_sched, p_fire
    FROM pgautomator._lock_due_pairs(_fire_due.at, _fire_due.max_pairs) d;
  queued_runs := 0;
  IF p_job IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(d.job_id), array_agg(d.schedule_id), array_agg(d.fire),
         array_agg(d.overlap), array_agg(d.misfire), array_agg(d.misfire_grace), array_agg(d.enabled),
         array_agg(d.fits), array_agg(d.timeout)
    INTO p_job, p_sched, p_fire, p_overlap, p_misfire, p_grace, p_enabled, p_fits, p_timeout
    FROM (SELECT u.job_id, u.schedule_id, u.fire, j.overlap, j.misfire, j.misfire_grace, j.enabled,
                 coalesce(j.agent_id = _fire_due.claimer OR (j.agent_id IS NULL AND _fire_due.claimer_tags @> j.agent_tags), false) AS fits,
                 j.timeout
            FROM unnest(p_job, p_sched, p_fire) AS u(job_id, schedule_id, fire)
            JOIN pgautomator.job j ON j.id = u.job_id
           -- Fires in time order (aggregated in this order): a job's earlier fire is decided
           -- first. Within an instant, by schedule, as step 2 reads them.
           ORDER BY u.fire, u.schedule_id, u.job_id
             FOR NO KEY UPDATE OF j SKIP LOCKED) d;
  n := coalesce(cardinality(p_job), 0);
  IF n = 0 THEN
    RETURN;
  END IF;

  -- 2. The fire after each due one, computed once per schedule and instant, not once per pair
  --    (many jobs share a schedule: 1,000 due pairs of 100 schedules cost 100 engine calls, not
  --    1,000). In the same order as the pairs, so the loop below walks both lists together.
  --    (Schedules are not joined to the pairs: the planner, believing the pair list short, scans a
  --    small schedule table once per pair.) All the follows in one engine call (_next_fire_each:
  --    one plv8 call for all of them under the plv8 engine); a disabled schedule's is NULL.
  SELECT array_agg(k.schedule_id ORDER BY k.fire, k.schedule_id), array_agg(k.fire ORDER BY k.fire, k.schedule_id),
         array_agg(k.spec ORDER BY k.fire, k.schedule_id), array_agg(k.enabled ORDER BY k.fire, k.schedule_id)
    INTO k_sched, k_fire, k_spec, k_enabled
    FROM (SELECT u.schedule_id, u.fire, s.spec, s.enabled
            FROM (SELECT DISTINCT x.schedule_id, x.fire FROM unnest(p_sched, p_fire) AS x(schedule_id, fire)) u
            JOIN pgautomator.schedule s ON s.id = u.schedule_id) k;
  k_follow := pgautomator._next_fire_each(
    ARRAY(SELECT CASE WHEN e.enabled THEN e.spec END FROM unnest(k_spec, k_enabled) WITH ORDINALITY AS e(spec, enabled, n) ORDER BY e.n),
    k_fire);

  -- 3. Pairs with more than one fire due (a backlog), or whose job has another schedule due in this
  --    batch, are decided fire by fire by _fire_pair (misfire policy, overlap in order). The rest,
  --    the usual case, are decided together below. (A job counts twice here even when one of its
  --    schedules is disabled: that pair is passed over below, the other goes by _fire_pair.)
  dup_jobs := ARRAY(SELECT u.job_id FROM unnest(p_job, p_enabled) AS u(job_id, enabled) WHERE u.enabled
                     GROUP BY u.job_id HAVING count(*) > 1);
  p_simple := array_fill(false, ARRAY[n]);
  p_follow := array_fill(NULL::timestamptz, ARRAY[n]);
  p_spec := array_fill(NULL::jsonb, ARRAY[n]);
  budget := c_budget - n;
  k := 1;
  FOR i IN 1 .. n LOOP
    -- The schedule entry of this pair: both lists are ordered by (fire, schedule).
    WHILE k <= coalesce(cardinality(k_sched), 0)
          AND (k_fire[k] < p_fire[i] OR (k_fire[k] = p_fire[i] AND k_sched[k] < p_sched[i])) LOOP
      k := k + 1;
    END LOOP;
    IF k > coalesce(cardinality(k_sched), 0) OR k_sched[k] <> p_sched[i] OR k_fire[k] <> p_fire[i] THEN
      -- No schedule row: cannot happen while we hold the pair (deleting the schedule deletes its
      -- pairs, which waits for our lock); treated as disabled rather than trusted.
      p_enabled[i] := false;
    ELSE
      p_enabled[i] := p_enabled[i] AND k_enabled[k];
      p_spec[i] := k_spec[k];
      p_follow[i] := k_follow[k];
    END IF;
    CONTINUE WHEN NOT p_enabled[i];
    IF (p_follow[i] IS NOT NULL AND p_follow[i] <= _fire_due.at) OR p_job[i] = ANY (dup_jobs) THEN
      -- Out of budget: the pair stays as it is (locked by this transaction until it ends) and the
      -- next call goes on with it. A job's pairs are taken in fire order, so none jumps ahead.
      CONTINUE WHEN budget <= 0;
      SELECT x.queued_runs, x.fires_done INTO done_q, done_f
        FROM pgautomator._fire_pair(p_job[i], p_sched[i], p_spec[i], p_fire[i], p_follow[i],
                                    p_overlap[i], p_misfire[i], p_grace[i], _fire_due.at, budget) x;
      queued := queued + done_q;
      budget := budget - done_f;
    ELSE
      p_simple[i] := true;
    END IF;
  END LOOP;

  -- A disabled job or schedule fires nothing and its next fire is NULL (enabling resumes from
  -- now). disable_job/disable_schedule clear it already; this keeps a stray row from being rescanned.
  IF false = ANY (p_enabled) THEN
    UPDATE pgautomator.job_schedule js SET next_fire_at = NULL
      FROM unnest(p_job, p_sched, p_enabled) AS u(job_id, schedule_id, enabled)
     WHERE NOT u.enabled AND js.job_id = u.job_id AND js.schedule_id = u.schedule_id;
  END IF;

  -- 4. One fire per pair, one pair per job: the misfire policy skips it only under misfire = skip
  --    (run_once and run_all both run a lone fire); the overlap policy decides against the job's
  --    active runs, counted per job through job_run_active_idx.
  --    And which of them the claimer starts at once (see above): the first `take` in fire order.
  SELECT array_agg(y.job_id), array_agg(y.schedule_id), array_agg(y.fire), array_agg(y.follow),
         array_agg(y.state), array_agg(y.message), array_agg(y.cancel), array_agg(y.direct), array_agg(y.timeout)
    INTO d_job, d_sched, d_fire, d_follow, d_state, d_message, d_cancel, d_direct, d_timeout
    -- (A fire decided queued, not one the misfire policy skips: the state decides, once.)
    FROM (SELECT x.*, x.startable AND x.state = 'queued'
                 AND count(*) FILTER (WHERE x.startable AND x.state = 'queued') OVER (ORDER BY x.fire, x.job_id, x.schedule_id ROWS UNBOUNDED PRECEDING) <= _fire_due.take AS direct
    FROM (SELECT u.job_id, u.schedule_id, u.fire, u.follow, u.timeout,
                 u.fits AND act.q = 0 AND (u.overlap = 'allow' OR act.rn = 0) AS startable,
                 CASE WHEN u.fire < _fire_due.at - u.grace AND u.misfire = 'skip' THEN 'skipped'
                      WHEN u.overlap = 'skip' AND act.q + act.rn > 0 THEN 'skipped'
                      WHEN u.overlap = 'queue_one' AND act.q > 0 THEN 'skipped'
                      ELSE 'queued' END AS state,
                 CASE WHEN u.fire < _fire_due.at - u.grace AND u.misfire = 'skip'
                        THEN format('missed: due %s, more than misfire_grace %s before %s (misfire = skip)', u.fire, u.grace, _fire_due.at)
                      WHEN u.overlap = 'skip' AND act.q + act.rn > 0 THEN 'a run of the job was still queued or running (overlap = skip)'
                      WHEN u.overlap = 'queue_one' AND act.q > 0 THEN 'a run of the job was already waiting (overlap = queue_one)' END AS message,
                 u.overlap = 'cancel_previous' AND act.q + act.rn > 0
                   AND NOT (u.fire < _fire_due.at - u.grace AND u.misfire = 'skip') AS cancel
            FROM unnest(p_job, p_sched, p_fire, p_follow, p_overlap, p_misfire, p_grace, p_simple, p_fits, p_timeout)
                   AS u(job_id, schedule_id, fire, follow, overlap, misfire, grace, simple, fits, timeout)
           CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE r.state = 'queued') AS q,
                                      count(*) FILTER (WHERE r.state = 'running') AS rn
                                 FROM pgautomator.job_run r
                                WHERE r.job_id = u.job_id AND r.state IN ('queued', 'running')) act
           WHERE u.simple) x) y;

  IF d_job IS NOT NULL THEN
    -- overlap = cancel_previous: the previous runs go before the new one is written. (Tested
    -- first: a statement fewer per call in the usual case.)
    IF true = ANY (d_cancel) THEN
      PERFORM pgautomator._cancel_previous_runs(u.job_id, format('superseded by the fire at %s (overlap = cancel_previous)', u.fire), 'pgautomator')
         FROM unnest(d_job, d_fire, d_cancel) AS u(job_id, fire, cancel)
        WHERE u.cancel;
    END IF;

    -- The database clock, as the claim starts runs (_claim_runs).
    started := greatest(clock_timestamp(), _fire_due.at);
    WITH ins AS (
      INSERT INTO pgautomator.job_run (job_id, schedule_id, trigger, scheduled_for, state, message, finished_at, agent_id, started_at, deadline_at)
      SELECT u.job_id, u.schedule_id, 'schedule', u.fire, CASE WHEN u.direct THEN 'running' ELSE u.state END, u.message,
             CASE WHEN u.state = 'skipped' THEN clock_timestamp() END,
             CASE WHEN u.direct THEN _fire_due.claimer END, CASE WHEN u.direct THEN started END, CASE WHEN u.direct THEN started + u.timeout END
        FROM unnest(d_job, d_sched, d_fire, d_state, d_message, d_direct, d_timeout) AS u(job_id, schedule_id, fire, state, message, direct, timeout)
       -- Ids (the claim order within an instant) follow the jobs, as they did before step 1
       -- grouped the pairs by schedule.
       ORDER BY u.fire, u.job_id, u.schedule_id
      ON CONFLICT DO NOTHING  -- job_run_fire_unique: a fire already turned into a row stays as it is
      RETURNING id, state
    )
    SELECT count(*) FILTER (WHERE ins.state = 'queued'), array_agg(ins.id) FILTER (WHERE ins.state = 'skipped'),
           array_agg(ins.id ORDER BY ins.id) FILTER (WHERE ins.state = 'running')
      INTO inserted, skipped, started_runs FROM ins;
    queued := queued + inserted;
    IF skipped IS NOT NULL THEN
      PERFORM pgautomator._count_ended_runs(skipped);
    END IF;

    UPDATE pgautomator.job_schedule js
       SET next_fire_at = u.follow, last_fire_at = u.fire
      FROM unnest(d_job, d_sched, d_fire, d_follow) AS u(job_id, schedule_id, fire, follow)
     WHERE js.job_id = u.job_id AND js.schedule_id = u.schedule_id;
  END IF;

  -- Runs started at once wake nobody: the claimer runs them.
  IF queued > 0 THEN
    PERFORM pgautomator._notify('run_queued', jsonb_build_object('trigger', 'schedule', 'count', queued));
  END IF;
  queued_runs := queued;
END
$$;
COMMENT ON FUNCTION pgautomator._fire_due(timestamptz, int, bigint, text[], int) IS
  'Fires due schedules: job-schedule pairs with next_fire_at <= at whose job and schedule are enabled (at most max_pairs per call, '
  'locked with SKIP LOCKED so concurrent claimers share the work) become runs: set-based when one fire is due, by _fire_pair when '
  'several are (misfire policy) or the job has several due schedules. Up to take of them start at once on the claimer''s agent '
  '(claimer: its id, claimer_tags: its tags) when nothing of the job waits before them. Returns the number of runs queued and the '
  'ids of those started, in fire order.';
REVOKE ALL ON FUNCTION pgautomator._fire_due(timestamptz, int, bigint, text[], int) FROM PUBLIC;

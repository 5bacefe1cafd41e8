CREATE OR REPLACE FUNCTION pgautomator._fire_pair(
  job_id        bigint,
  schedule_id   bigint,
  spec          jsonb,
  first_fire    timestamptz,
  first_follow  timestamptz,
  overlap       text,
  misfire       text,
  misfire_grace interval,
  at            timestamptz,
  max_fires     int,
  OUT queued_runs int,
  OUT fires_done  int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_max_fires   CONSTANT int := 1000;  -- fires enumerated per pair and call; a longer backlog continues next call
  c_max_skipped CONSTANT int := 100;   -- skipped rows written per pair and call; the last one counts the rest
  fires      timestamptz[] := ARRAY[first_fire];
  states     text[] := '{}';
  messages   text[] := '{}';
  f          timestamptz;
  b          timestamptz;
  batch      timestamptz[];
  batch_size int := 16;
  next_fire  timestamptz;
  complete   boolean;
  late_limit timestamptz := _fire_pair.at - _fire_pair.misfire_grace;
  n          int;
  i          int;
  k          int;
  queued     int;
  running    int;
  n_skipped  int;
  skipped_idx int[];
  cancelled_prev boolean := false;
  n_queued   int;
  skipped    bigint[];
  cap        int;
BEGIN
  -- 1. The fires in [first_fire, at], in order. first_fire is the pair's next_fire_at; the engine
  --    gives each following one. Bounded: a long backlog (an every-second schedule after a day
  --    without agents) is worked off over several calls, never in one long transaction.
  --    The fire after first_fire (first_follow) comes from the caller, which computed it with
  --    every other pair's in one engine call (_next_fire_each): one fire due costs no engine call
  --    here; a backlog is read in batches.
  f := first_follow;
  cap := greatest(1, least(c_max_fires, max_fires));
  WHILE f IS NOT NULL AND f <= _fire_pair.at AND cardinality(fires) < cap LOOP
    fires := fires || f;
    batch := pgautomator._next_fires(spec, f, least(cap - cardinality(fires) + 1, batch_size));
    batch_size := least(batch_size * 4, cap);
    f := NULL;
    FOREACH b IN ARRAY batch LOOP
      IF f IS NOT NULL THEN
        IF f > _fire_pair.at OR cardinality(fires) >= cap THEN
          EXIT;
        END IF;
        fires := fires || f;
      END IF;
      f := b;
    END LOOP;
    -- f: the last instant read and not yet taken (NULL: the schedule has no more fires).
  END LOOP;
  next_fire := f;  -- first fire not processed: NULL (none), after at, or (backlog cut) still due
  complete := next_fire IS NULL OR next_fire > _fire_pair.at;
  n := cardinality(fires);

  -- The job's active runs; its row is locked by the caller, so no other claimer queues or starts
  -- a run of this job meanwhile.
  SELECT count(*) FILTER (WHERE r.state = 'queued'), count(*) FILTER (WHERE r.state = 'running')
    INTO queued, running
    FROM pgautomator.job_run r
   WHERE r.job_id = _fire_pair.job_id AND r.state IN ('queued', 'running');

  -- 2. Decide each fire: misfire policy first (was it missed by more than the grace?), then the
  --    overlap policy against the runs already active and those this batch queues.
  FOR i IN 1 .. n LOOP
    f := fires[i];
    IF f < late_limit AND _fire_pair.misfire = 'skip' THEN
      states[i] := 'skipped';
      messages[i] := format('missed: due %s, more than misfire_grace %s before %s (misfire = skip)', f, _fire_pair.misfire_grace, _fire_pair.at);
      CONTINUE;
    END IF;
    IF f < late_limit AND _fire_pair.misfire = 'run_once' AND (i < n OR NOT complete) THEN
      states[i] := 'skipped';
      messages[i] := format('missed: due %s, more than misfire_grace %s before %s; a later fire runs instead (misfire = run_once)', f, _fire_pair.misfire_grace, _fire_pair.at);
      CONTINUE;
    END IF;
    IF _fire_pair.overlap = 'skip' AND queued + running > 0 THEN
      states[i] := 'skipped';
      messages[i] := 'a run of the job was still queued or running (overlap = skip)';
      CONTINUE;
    END IF;
    IF _fire_pair.overlap = 'queue_one' AND queued > 0 THEN
      states[i] := 'skipped';
      messages[i] := 'a run of the job was already waiting (overlap = queue_one)';
      CONTINUE;
    END IF;
    IF _fire_pair.overlap = 'cancel_previous' AND queued + running > 0 THEN
      -- Earlier fires of this batch were never queued: they become skipped rows.
      FOR k IN 1 .. i - 1 LOOP
        IF states[k] = 'queued' THEN
          states[k] := 'skipped';
          messages[k] := format('superseded by the fire at %s (overlap = cancel_previous)', f);
        END IF;
      END LOOP;
      IF NOT cancelled_prev THEN
        PERFORM pgautomator._cancel_previous_runs(_fire_pair.job_id,
          format('superseded by the fire at %s (overlap = cancel_previous)', f), 'pgautomator');
        cancelled_prev := true;
      END IF;
      queued := 0;
    END IF;
    states[i] := 'queued';
    messages[i] := NULL;
    queued := queued + 1;
  END LOOP;

  -- 3. Rows to write: every queued fire; skipped fires up to c_max_skipped rows: the first
  --    c_max_skipped - 1 and the latest, whose message counts the ones left without a row.
  skipped_idx := ARRAY(SELECT u.ord FROM unnest(states) WITH ORDINALITY AS u(v, ord) WHERE u.v = 'skipped' ORDER BY u.ord);
  n_skipped := cardinality(skipped_idx);
  IF n_skipped > c_max_skipped THEN
    messages[skipped_idx[n_skipped]] := messages[skipped_idx[n_skipped]]
      || format('; %s more fires of this schedule from %s to %s were skipped too and not recorded one by one',
                n_skipped - c_max_skipped, fires[skipped_idx[c_max_skipped]], fires[skipped_idx[n_skipped - 1]]);
    FOR k IN c_max_skipped .. n_skipped - 1 LOOP
      states[skipped_idx[k]] := 'unrecorded';
    END LOOP;
  END IF;

  WITH ins AS (
    INSERT INTO pgautomator.job_run (job_id, schedule_id, trigger, scheduled_for, state, message, finished_at)
    SELECT _fire_pair.job_id, _fire_pair.schedule_id, 'schedule', w.f, w.s, w.m,
           CASE WHEN w.s = 'skipped' THEN clock_timestamp() END
      FROM unnest(fires, states, messages) AS w(f, s, m)
     WHERE w.s <> 'unrecorded'
    ON CONFLICT DO NOTHING  -- job_run_fire_unique: a fire already turned into a row stays as it is
    RETURNING id, state
  )
  SELECT count(*) FILTER (WHERE ins.state = 'queued'), array_agg(ins.id) FILTER (WHERE ins.state = 'skipped')
    INTO n_queued, skipped FROM ins;
  -- The rows written skipped are counted; fires past c_max_skipped, left without a row, are not.
  IF skipped IS NOT NULL THEN
    PERFORM pgautomator._count_ended_runs(skipped);
  END IF;

  UPDATE pgautomator.job_schedule js
     SET next_fire_at = next_fire, last_fire_at = fires[n]
   WHERE js.job_id = _fire_pair.job_id AND js.schedule_id = _fire_pair.schedule_id;
  queued_runs := n_queued;
  fires_done := n;
END
$$;
COMMENT ON FUNCTION pgautomator._fire_pair(bigint, bigint, jsonb, timestamptz, timestamptz, text, text, interval, timestamptz, int) IS
  'Turns the due fires of one job-schedule pair (from first_fire, whose next fire is first_follow, up to at, at most max_fires and 1,000 per call) into job_run rows: the misfire '
  'policy decides fires missed by more than misfire_grace, the overlap policy decides against the job''s active runs; fires not run '
  'are recorded skipped (at most 100 rows per call, the last one counting the rest). Advances next_fire_at and last_fire_at. '
  'The caller holds the locks of the pair and of the job. Returns the number of runs queued and of fires processed.';
REVOKE ALL ON FUNCTION pgautomator._fire_pair(bigint, bigint, jsonb, timestamptz, timestamptz, text, text, interval, timestamptz, int) FROM PUBLIC;

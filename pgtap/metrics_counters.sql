-- Run counters behind metrics(): each way a run reaches its final state adds exactly one to
-- exactly one counter (its job and state) in the transaction that ends it (a run_count_delta row,
-- read by metrics() at once); the fold moves them into run_count and run_histogram without changing
-- what metrics() reports; retention and purges do not lower them; deleting a job drops its
-- counters, not its runs from the histograms. (pg_dump/
-- pg_restore keeps them: test/backup.test.ts compares every table, run_count included, row for row.)
BEGIN;
SELECT plan(50);

SELECT pgautomator._register_agent('a1', max_concurrent => 50, heartbeat_interval => '1 hour', at => now());
CREATE FUNCTION pg_temp.mkjob(name text, overlap text DEFAULT 'allow', timeout interval DEFAULT NULL, on_abandon text DEFAULT 'fail',
                              agent text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
  id := pgautomator.create_job(name, overlap => overlap, timeout => timeout, on_abandon => on_abandon, agent => agent);
  PERFORM pgautomator.add_step(name, 'only', 'shell', 'true');
  RETURN id;
END $$;
-- A job's counters as metrics() reports them, 'state:runs,...' (folded or not).
CREATE FUNCTION pg_temp.counted(job text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg((e ->> 1) || ':' || (e ->> 2), ',' ORDER BY e ->> 1), '')
    FROM jsonb_array_elements(pgautomator.metrics() -> 'runs') e WHERE e ->> 0 = job $$;
-- The same from run_count alone (what the folds have added).
CREATE FUNCTION pg_temp.folded(job text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(c.state || ':' || c.runs, ',' ORDER BY c.state), '')
    FROM pgautomator.run_count c JOIN pgautomator.job j ON j.id = c.job_id WHERE j.name = job $$;
-- The same from the history: what the counters must equal while nothing was purged.
CREATE FUNCTION pg_temp.history(job text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(x.state || ':' || x.n, ',' ORDER BY x.state), '')
    FROM (SELECT r.state, count(*) AS n FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
           WHERE j.name = job AND r.finished_at IS NOT NULL GROUP BY r.state) x $$;
-- Starts a run of job and has agent claim it; returns the run.
CREATE FUNCTION pg_temp.running(job text, agent text DEFAULT 'a1') RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE rid bigint;
BEGIN
  rid := pgautomator._start_job(job);
  PERFORM pgautomator._claim_runs(agent, 50);
  IF (SELECT state FROM pgautomator.job_run WHERE id = rid) <> 'running' THEN RAISE 'run % not claimed', rid; END IF;
  RETURN rid;
END $$;

SELECT is((SELECT count(*)::int FROM pgautomator.run_count) + (SELECT count(*)::int FROM pgautomator.run_count_delta), 0, 'a fresh install counts nothing');

-- 1. end_run, each final state an agent reports ------------------------------------------------
SELECT pg_temp.mkjob('ok');
SELECT pgautomator.end_run(pg_temp.running('ok'), 'succeeded');
SELECT is(pg_temp.counted('ok'), 'succeeded:1', 'end_run succeeded: one run counted succeeded');
SELECT pg_temp.mkjob('bad');
SELECT pgautomator.end_run(pg_temp.running('bad'), 'failed');
SELECT pgautomator.end_run(pg_temp.running('bad'), 'timed_out');
SELECT is(pg_temp.counted('bad'), 'failed:1,timed_out:1', 'end_run failed and timed_out: one each');

-- 2. agent_report: a batch ending runs of two jobs, and an entry refused (not counted) ------------
SELECT pg_temp.mkjob('rep1');
SELECT pg_temp.mkjob('rep2');
SELECT pg_temp.running('rep1') AS rep1 \gset
SELECT pg_temp.running('rep2') AS rep2 \gset
SELECT pg_temp.running('rep1') AS rep1b \gset
SELECT is(jsonb_path_query_array(pgautomator.agent_report(jsonb_build_array(
            jsonb_build_object('op', 'end_run', 'run_id', :rep1, 'state', 'succeeded'),
            jsonb_build_object('op', 'end_run', 'run_id', :rep2, 'state', 'failed'),
            jsonb_build_object('op', 'end_run', 'run_id', :rep1, 'state', 'succeeded'),
            jsonb_build_object('op', 'end_run', 'run_id', :rep1b, 'state', 'succeeded'))), '$[*].ok'),
          '[true, true, true, true]'::jsonb, 'agent_report: three ends recorded, a second end of the same run answered as a repeat (not counted again)');
SELECT is(pg_temp.counted('rep1') || ' ' || pg_temp.counted('rep2'), 'succeeded:2 failed:1', 'agent_report: each recorded end counted once, the repeat not');
SELECT is(pg_temp.folded('rep1') || ' ' || pg_temp.folded('rep2'), ' ', 'counted as run_count_delta rows, run_count not written yet');
CREATE TEMP TABLE before_fold AS SELECT pgautomator.metrics() AS m, (SELECT count(*) FROM pgautomator.run_count_delta) AS pending;
SELECT is(pgautomator._fold_run_counts(), (SELECT pending FROM before_fold), 'the fold moves every pending row');
SELECT is(pg_temp.folded('rep1') || ' ' || pg_temp.folded('rep2'), 'succeeded:2 failed:1', 'into run_count');
SELECT is((SELECT count(*)::int FROM pgautomator.run_count_delta), 0, 'and leaves none behind');
SELECT is(pgautomator.metrics(), (SELECT m FROM before_fold), 'metrics() reports the same before and after the fold');
SELECT is(pgautomator._fold_run_counts(), 0::bigint, 'a fold with nothing pending moves nothing');

-- 3. Kills --------------------------------------------------------------------------------------
SELECT pg_temp.mkjob('kq');
SELECT pgautomator._start_job('kq') AS kq \gset
SELECT is(pgautomator.kill_run(:kq), 'cancelled', 'kill_run of a queued run cancels it');
SELECT is(pg_temp.counted('kq'), 'cancelled:1', 'counted cancelled');
SELECT pg_temp.mkjob('kr');
SELECT pg_temp.running('kr') AS kr \gset
SELECT is(pgautomator.kill_run(:kr), 'kill_requested', 'kill_run of a running run asks its agent');
SELECT is(pg_temp.counted('kr'), '', 'nothing counted while the run still runs');
SELECT pgautomator.end_run(:kr, 'succeeded');
SELECT is(pg_temp.counted('kr'), 'killed:1', 'its end (reported succeeded) is counted killed, once');
SELECT pgautomator._register_agent('gone', max_concurrent => 5, heartbeat_interval => '10 seconds', at => now());
SELECT pg_temp.mkjob('ko', on_abandon => 'wait', agent => 'gone');
SELECT pg_temp.running('ko', 'gone') AS ko \gset
UPDATE pgautomator.agent SET state = 'offline' WHERE name = 'gone';
SELECT is(pgautomator.kill_run(:ko), 'killed', 'kill_run of a run whose agent is offline records it killed');
SELECT is(pg_temp.counted('ko'), 'killed:1', 'counted killed');

-- 4. The database ends runs: the deadline reaper, dead agents, re-registration -------------------
SELECT pg_temp.mkjob('slow', timeout => '1 minute');
SELECT pg_temp.running('slow');
SELECT is(pgautomator._reap_overdue_runs(now() + interval '1 hour'), 1, 'the reaper records the overdue run timed_out');
SELECT is(pg_temp.counted('slow'), 'timed_out:1', 'counted timed_out');
SELECT pg_temp.mkjob('lost', on_abandon => 'retry', agent => 'gone');
UPDATE pgautomator.agent SET state = 'online', last_heartbeat_at = now() WHERE name = 'gone';
SELECT pg_temp.running('lost', 'gone');
SELECT ok(pgautomator._rescue_dead_agents(now() + interval '5 minutes') >= 1, 'a dead agent''s run is abandoned');
SELECT is(pg_temp.counted('lost'), 'abandoned:1', 'counted abandoned (its retry, queued, is a run of its own, not counted yet)');
SELECT pgautomator._register_agent('gone', max_concurrent => 5, heartbeat_interval => '10 seconds', at => now());
SELECT pgautomator._claim_runs('gone', 50);
SELECT pgautomator.end_run((SELECT id FROM pgautomator.job_run r WHERE r.trigger = 'retry' AND r.state = 'running'), 'succeeded');
SELECT is(pg_temp.counted('lost'), 'abandoned:1,succeeded:1', 'the retry''s end is counted on its own');

-- 5. Runs that never start: cancelled by overlap, skipped by the schedule or a trigger ------------
SELECT pg_temp.mkjob('cp', overlap => 'cancel_previous');
SELECT pgautomator._start_job('cp');
SELECT pgautomator._start_job('cp');
SELECT is(pg_temp.counted('cp'), 'cancelled:1', 'overlap = cancel_previous: the superseded queued run counted cancelled');
SELECT pgautomator.kill_run(r.id) FROM pgautomator.job_run r WHERE r.state = 'queued';
SELECT is(pg_temp.counted('cp'), 'cancelled:2', 'and the one killed while queued');
SELECT pgautomator.create_schedule('every10s', '{"type": "daily", "start_date": "2020-01-01", "sub": {"type": "every", "every": 10, "unit": "second"}}');
SELECT pg_temp.mkjob('mf');
UPDATE pgautomator.job SET misfire = 'skip', misfire_grace = '5 seconds' WHERE name = 'mf';
SELECT pgautomator.attach_schedule('mf', 'every10s');
UPDATE pgautomator.job_schedule js SET next_fire_at = now() - interval '35 seconds' FROM pgautomator.job j WHERE j.id = js.job_id AND j.name = 'mf';
SELECT pgautomator._claim_runs('a1', 0, now());
SELECT alike(pg_temp.history('mf'), 'skipped:%', 'misfire = skip: missed fires recorded skipped');
SELECT is(pg_temp.counted('mf'), pg_temp.history('mf'), 'each skipped fire counted once');
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;
SELECT pg_temp.mkjob('up');
SELECT pg_temp.mkjob('down');
SELECT pgautomator.add_job_trigger('down', 'up');
SELECT pgautomator.disable_job('down');
SELECT pgautomator.end_run(pg_temp.running('up'), 'succeeded');
SELECT pgautomator._claim_runs('a1', 50, clock_timestamp() + interval '1 second');  -- due at the end (clock_timestamp), after now()
SELECT is(pg_temp.counted('down'), 'skipped:1', 'a trigger starting a disabled job: counted skipped');

-- 5b. One call, runs in several buckets, added to the histograms that exist ------------------------
-- (runs written here with chosen times: durations 0.5, 2, 2 and 100 s; lateness 0, 0.2, 0.2 and 10 s)
SELECT pgautomator._fold_run_counts();
CREATE TEMP TABLE hist_before AS SELECT h.kind, h.buckets, h.sum FROM pgautomator.run_histogram h;
SELECT is((SELECT count(*)::int FROM hist_before), 2, 'the earlier folds wrote both histograms');
-- What a histogram gained since hist_before, per bucket; and its sum.
CREATE FUNCTION pg_temp.added(k text) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(n.v - b.v ORDER BY n.i)
    FROM unnest((SELECT h.buckets FROM pgautomator.run_histogram h WHERE h.kind = k)) WITH ORDINALITY AS n(v, i)
    JOIN unnest((SELECT h.buckets FROM hist_before h WHERE h.kind = k)) WITH ORDINALITY AS b(v, i) ON b.i = n.i $$;
CREATE FUNCTION pg_temp.added_sum(k text) RETURNS float8 LANGUAGE sql AS $$
  SELECT (SELECT h.sum FROM pgautomator.run_histogram h WHERE h.kind = k) - (SELECT h.sum FROM hist_before h WHERE h.kind = k) $$;
SELECT pg_temp.mkjob('hist');
CREATE TEMP TABLE hist_runs AS
  WITH ins AS (
    INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state)
    SELECT (SELECT id FROM pgautomator.job WHERE name = 'hist'), 'api', t - make_interval(secs => v.late), t, t + make_interval(secs => v.dur), 'succeeded'
      FROM (VALUES (0.5, 0), (2, 0.2), (2, 0.2), (100, 10)) AS v(dur, late) CROSS JOIN (SELECT now() - interval '1 hour' AS t) x
    RETURNING id)
  SELECT array_agg(id) AS ids FROM ins;
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, finished_at, state)
  SELECT id, 'api', now(), now(), 'cancelled' FROM pgautomator.job WHERE name = 'hist';
SELECT pgautomator._count_ended_runs((SELECT ids FROM hist_runs) || (SELECT array_agg(r.id) FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
                                                                     WHERE j.name = 'hist' AND r.state = 'cancelled'));
SELECT pgautomator._fold_run_counts();
SELECT is(array[pg_temp.added('duration'), pg_temp.added('lateness') || 0::bigint],
          array['{1,2,0,0,1,0,0,0,0,0}'::bigint[], '{1,2,0,0,1,0,0,0,0,0}'::bigint[]],
          'one call: each run in its bucket of each histogram (duration < 1, 1-5, 60-300 s; lateness < 0.1, 0.1-0.5, 5-15 s)');
SELECT is(pg_temp.counted('hist'), 'cancelled:1,succeeded:4', 'a run that never started is counted, in no bucket');
INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state)
  SELECT id, 'api', now() - interval '3 seconds', now() - interval '2 seconds', now(), 'succeeded' FROM pgautomator.job WHERE name = 'hist';
SELECT pgautomator._count_ended_runs(ARRAY(SELECT r.id FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
                                            WHERE j.name = 'hist' AND r.state = 'succeeded' AND r.id <> ALL ((SELECT ids FROM hist_runs)::bigint[])));
SELECT pgautomator._fold_run_counts();
SELECT is(array[pg_temp.added('duration'), pg_temp.added('lateness') || 0::bigint],
          array['{1,3,0,0,1,0,0,0,0,0}'::bigint[], '{1,2,0,1,1,0,0,0,0,0}'::bigint[]],
          'a later fold adds to the buckets of the rows that exist (duration 2 s: 1-5; lateness 1 s: 1-5)');
SELECT ok(abs(pg_temp.added_sum('duration') - 106.5) < 1e-6 AND abs(pg_temp.added_sum('lateness') - 10.4 - 1) < 1e-6, 'and the sums');

-- 6. Everything at once; purges do not lower the counters; metrics() reads them -------------------
CREATE TEMP TABLE everything AS
  SELECT string_agg(j.name || '=' || pg_temp.counted(j.name), ' ' ORDER BY j.name) AS counted FROM pgautomator.job j;
SELECT is((SELECT counted FROM everything),
          (SELECT string_agg(j.name || '=' || pg_temp.history(j.name), ' ' ORDER BY j.name) FROM pgautomator.job j),
          'every run that ended is counted exactly once, under its job and final state');
SELECT pgautomator._fold_run_counts();
SELECT is((SELECT string_agg(j.name || '=' || pg_temp.folded(j.name), ' ' ORDER BY j.name) FROM pgautomator.job j),
          (SELECT counted FROM everything), 'folded, run_count holds the same counts');
SELECT is(pgautomator.metrics() -> 'duration_seconds' -> 'count',
          (SELECT to_jsonb(count(*)) FROM pgautomator.job_run r WHERE r.finished_at IS NOT NULL AND r.started_at IS NOT NULL),
          'metrics: the duration histogram counts every ended run that started');
SELECT is(pgautomator.metrics() -> 'lateness_seconds' -> 'count',
          (SELECT to_jsonb(count(*)) FROM pgautomator.job_run r WHERE r.finished_at IS NOT NULL AND r.started_at IS NOT NULL),
          'metrics: and so does the lateness histogram (not the runs cancelled or skipped before they started)');
SELECT ok(abs((pgautomator.metrics() -> 'duration_seconds' ->> 'sum')::float8
              - (SELECT sum(date_part('epoch', r.finished_at - r.started_at)) FROM pgautomator.job_run r WHERE r.finished_at IS NOT NULL)) < 1e-6,
          'metrics: and sums their durations (floating point: added in another order)');
CREATE TEMP TABLE before_purge AS SELECT pgautomator.metrics() AS m;
SELECT ok(pgautomator.purge_history(keep_runs => 0) > 0, 'purge_history deletes the ended runs');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE finished_at IS NOT NULL), 0, 'no history left');
SELECT is((SELECT string_agg(j.name || '=' || pg_temp.counted(j.name), ' ' ORDER BY j.name) FROM pgautomator.job j),
          (SELECT counted FROM everything), 'the counters did not go down');
SELECT is(pgautomator.metrics() - 'queued' - 'running', (SELECT m - 'queued' - 'running' FROM before_purge), 'nor did anything metrics() reports of them');
SELECT pg_temp.mkjob('late');
SELECT pgautomator.end_run(pg_temp.running('late'), 'succeeded');
SELECT pgautomator.end_run(pg_temp.running('ok'), 'failed');
SELECT is(pg_temp.counted('ok') || ' ' || pg_temp.counted('late'), 'failed:1,succeeded:1 succeeded:1', 'runs ended since the fold are counted at once');
SELECT pgautomator.delete_job('ok');
SELECT is((SELECT count(*)::int FROM pgautomator.run_count c WHERE NOT EXISTS (SELECT 1 FROM pgautomator.job j WHERE j.id = c.job_id)), 0,
          'a deleted job takes its counters with it');
SELECT ok(NOT (pgautomator.metrics() -> 'runs') @> '[["ok", "succeeded", 1]]' AND NOT (pgautomator.metrics() -> 'runs') @> '[["ok", "failed", 1]]',
          'and its series leave metrics(), the pending count too');
SELECT is((pgautomator.metrics() -> 'duration_seconds' -> 'count')::int, (SELECT (m -> 'duration_seconds' -> 'count')::int FROM before_purge) + 2,
          'the histograms (no job label) keep the deleted job''s runs, folded and pending: a counter that went down would read as a reset');
CREATE TEMP TABLE before_fold2 AS SELECT pgautomator.metrics() AS m;
SELECT is(pgautomator._fold_run_counts(), 2::bigint, 'the fold takes the deleted job''s pending run too');
SELECT is(pg_temp.folded('late') || ' ' || (SELECT count(*) FROM pgautomator.run_count_delta), 'succeeded:1 0', 'into the histograms, and into the counters of the jobs that exist only');
SELECT is(pgautomator.metrics() - 'queued' - 'running', (SELECT m - 'queued' - 'running' FROM before_fold2), 'metrics() reports the same after that fold');

-- 7. The database folds on its own: the retention pass of an agent's heartbeat (at most once a minute).
SELECT pgautomator.end_run(pg_temp.running('late'), 'succeeded');
SELECT pgautomator._retention_pass(now() + interval '1 hour');
SELECT is(pg_temp.folded('late') || ' ' || (SELECT count(*) FROM pgautomator.run_count_delta), 'succeeded:2 0', 'the retention pass folds the run counters');

SELECT * FROM finish();
ROLLBACK;

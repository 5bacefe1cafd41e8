-- A claim that finds nothing due waiting in the queue starts the fires it can take at once: the
-- fire writes them running on the claiming agent (_fire_due: claimer, take), with no UPDATE of
-- job_run after. Only fires the agent may run (pinned to it or its tags fit), up to its free
-- capacity, in fire order; the rest are queued as before. With due runs queued, the queue goes
-- first. Fixed instants from T0 = 2030-01-01 00:00:00 UTC. pg_stat_xact_user_tables counts this
-- transaction's row updates.
BEGIN;
SELECT plan(18);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator.create_schedule('direct10s', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":10,"unit":"second"}}');
SELECT pgautomator._register_agent('d1', max_concurrent => 2, tags => '{linux}', at => '2030-01-01 00:00:00+00');
SELECT pgautomator._register_agent('d2', max_concurrent => 10, at => '2030-01-01 00:00:00+00');

CREATE FUNCTION pg_temp.job(name text, first timestamptz, timeout interval DEFAULT NULL, agent text DEFAULT NULL, tags text[] DEFAULT '{}') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE id bigint;
BEGIN
  id := pgautomator.create_job(name, overlap => 'allow', timeout => timeout, agent => agent, agent_tags => tags);
  PERFORM pgautomator.add_step(name, 'only', 'shell', 'true');
  PERFORM pgautomator.attach_schedule(name, 'direct10s');
  UPDATE pgautomator.job_schedule js SET next_fire_at = first WHERE js.job_id = id;
  RETURN id;
END $$;
CREATE FUNCTION pg_temp.run_updates() RETURNS bigint LANGUAGE sql AS $$
  SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE schemaname = 'pgautomator' AND relname = 'job_run' $$;
CREATE FUNCTION pg_temp.runs(job text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(r.state || '@' || coalesce(a.name, '-'), ',' ORDER BY r.scheduled_for, r.id), '')
    FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id LEFT JOIN pgautomator.agent a ON a.id = r.agent_id
   WHERE j.name = job $$;

-- 1. One fire due, nothing queued: started at once on the claimer, as a claim starts it.
SELECT pg_temp.job('direct_one', '2030-01-01 00:00:10+00', timeout => '5 minutes');
CREATE TEMP TABLE before_claim AS SELECT pg_temp.run_updates() AS upd;
CREATE TEMP TABLE got AS SELECT x FROM pgautomator._claim_runs('d1', 2, '2030-01-01 00:00:12+00') x;
SELECT is((SELECT count(*)::int FROM got), 1, 'the claim hands out the fire');
SELECT is(pg_temp.runs('direct_one'), 'running@d1', 'written running on the claiming agent');
SELECT is(pg_temp.run_updates() - (SELECT upd FROM before_claim), 0::bigint, 'without an UPDATE of job_run');
SELECT is((SELECT r.deadline_at - r.started_at FROM pgautomator.job_run r WHERE r.id = (SELECT (x ->> 'run_id')::bigint FROM got)),
          interval '5 minutes', 'its deadline set from the job''s timeout');
SELECT is((SELECT r.started_at FROM pgautomator.job_run r WHERE r.id = (SELECT (x ->> 'run_id')::bigint FROM got)) >= '2030-01-01 00:00:12+00', true,
          'started at the claim');
SELECT is((SELECT (x -> 'begun' ->> 'attempt')::int FROM got), 1, 'with its first attempt begun');
SELECT is((SELECT s.state FROM pgautomator.step_run s WHERE s.id = (SELECT (x -> 'begun' ->> 'step_run_id')::bigint FROM got)), 'running',
          'which is running');

-- 2. Capacity: three fires due, the agent has one slot left (max_concurrent 2, one running):
--    one started, two queued; d2 (no tags needed) takes those from the queue.
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;  -- only this scenario's fires are due
SELECT pg_temp.job('direct_many_' || i, '2030-01-01 00:00:20+00') FROM generate_series(1, 3) i;
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('d1', 5, '2030-01-01 00:00:21+00')), 1, 'one slot left: one run handed out');
SELECT is((SELECT string_agg(pg_temp.runs('direct_many_' || i), ' ' ORDER BY i) FROM generate_series(1, 3) i),
          'running@d1 queued@- queued@-', 'the first fire started, the others queued');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('d2', 5, '2030-01-01 00:00:22+00')), 2, 'the queued ones go to the next claim');

-- 3. A fire pinned to another agent is queued for it, never started on the claimer.
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;  -- only this scenario's fires are due
SELECT pg_temp.job('direct_pinned', '2030-01-01 00:00:30+00', agent => 'd1');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('d2', 5, '2030-01-01 00:00:31+00')), 0, 'd2 takes nothing pinned to d1');
SELECT is(pg_temp.runs('direct_pinned'), 'queued@-', 'the fire is queued for d1');

-- 4. A fire whose tags the claimer lacks: likewise.
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;  -- only this scenario's fires are due
SELECT pg_temp.job('direct_tagged', '2030-01-01 00:00:40+00', tags => '{windows}');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('d2', 5, '2030-01-01 00:00:41+00')), 0, 'd2 (no tags) takes nothing that needs windows');
SELECT is(pg_temp.runs('direct_tagged'), 'queued@-', 'the fire is queued');

-- 5. Due runs waiting in the queue go first: d2's claim with room for one, while direct_pinned
--    and direct_tagged wait (for other agents) and a new fire of direct_late is due: the fire is
--    queued, then claimed from the queue like the rest (the classic order).
DELETE FROM pgautomator.job_run WHERE job_id IN (SELECT id FROM pgautomator.job WHERE name IN ('direct_pinned', 'direct_tagged'));
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;
SELECT pgautomator.start_job('direct_one');
SELECT pg_temp.job('direct_late', '2030-01-01 00:00:50+00');
DELETE FROM before_claim; INSERT INTO before_claim SELECT pg_temp.run_updates();
SELECT is((SELECT string_agg(j.name, ',' ORDER BY j.name) FROM pgautomator._claim_runs('d2', 5, '2030-01-01 00:00:51+00') x
             JOIN pgautomator.job j ON j.id = (x ->> 'job_id')::bigint), 'direct_late,direct_one', 'the queued run and the new fire are both handed out');
SELECT cmp_ok(pg_temp.run_updates() - (SELECT upd FROM before_claim), '>=', 2::bigint, 'claimed from the queue (UPDATEs), the fire queued first');

-- 6. A draining agent fires but starts nothing.
UPDATE pgautomator.job_schedule SET next_fire_at = NULL;  -- only this scenario's fires are due
SELECT pg_temp.job('direct_drained', '2030-01-01 00:01:00+00');
SELECT pgautomator.drain_agent('d2');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('d2', 5, '2030-01-01 00:01:01+00')), 0, 'a drained agent takes nothing');
SELECT is(pg_temp.runs('direct_drained'), 'queued@-', 'the fire it made is queued for others');

SELECT * FROM finish();
ROLLBACK;

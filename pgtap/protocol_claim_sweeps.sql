-- A claim calls the sweeps (_rescue_dead_agents, _reap_overdue_runs, _evaluate_alerts) only when
-- its one probe statement says they may have work (_claim_runs): with nothing due it calls none of
-- them, and it still declares a silent agent dead and records a run past its deadline timed out.
-- (That a claim raises a due alert: pgtap/alerts.sql.) pg_stat_xact_user_functions counts this
-- transaction's calls. The clock is pinned through the internal functions.
BEGIN;
SELECT plan(9);

SET LOCAL TimeZone = 'UTC';
SET LOCAL track_functions = 'pl';
SELECT pgautomator.create_job('sw_job', overlap => 'allow', timeout => '1 second');
SELECT pgautomator.add_step('sw_job', 'one', 'shell', 'true');

CREATE FUNCTION pg_temp.calls(f text) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce((SELECT s.calls FROM pg_stat_xact_user_functions s WHERE s.schemaname = 'pgautomator' AND s.funcname = f), 0) $$;
CREATE FUNCTION pg_temp.sweeps() RETURNS bigint[] LANGUAGE sql AS $$
  SELECT ARRAY[pg_temp.calls('_rescue_dead_agents'), pg_temp.calls('_reap_overdue_runs'), pg_temp.calls('_evaluate_alerts')] $$;

SELECT pgautomator._register_agent('sw-a', heartbeat_interval => '10 seconds', at => '2030-01-01 00:00:00+00');
SELECT pgautomator._register_agent('sw-b', heartbeat_interval => '10 seconds', at => '2030-01-01 00:00:00+00');

-- 1. Nothing due: no sweep is called.
CREATE TEMP TABLE before_claim AS SELECT pg_temp.sweeps() AS v;
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('sw-a', 1, '2030-01-01 00:00:05+00')), 0, 'a claim with nothing queued');
SELECT is(pg_temp.sweeps(), (SELECT v FROM before_claim), 'calls no sweep: no agent silent, no run running, no alert rule');

-- 2. sw-b silent past dead_after (40 s for a 10 s interval; counted from 0 s, or from 5 s if the
--    first claim counted as the end of everyone's silence), while sw-a is heard of (a heartbeat at
--    40 s, which sweeps too but finds sw-b alive then): sw-a's claim at 50 s declares sw-b dead.
--    (Heartbeats every 10-15 s: a silence of everyone longer than 2 intervals would count as an
--    outage of the database, from whose end silence is counted again.)
SELECT pgautomator._agent_heartbeat('sw-a', '{}', ('2030-01-01 00:00:' || s || '+00')::timestamptz) FROM unnest(ARRAY['15', '30', '40']) s;
SELECT is((SELECT state FROM pgautomator.agent WHERE name = 'sw-b'), 'online', 'sw-b alive at 40 s');
UPDATE before_claim SET v = pg_temp.sweeps();
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('sw-a', 1, '2030-01-01 00:00:50+00')), 0, 'a claim at 50 s');
SELECT is((SELECT state FROM pgautomator.agent WHERE name = 'sw-b'), 'offline', 'declares the silent agent dead');
SELECT cmp_ok(pg_temp.calls('_rescue_dead_agents'), '>', (SELECT v[1] FROM before_claim), 'through _rescue_dead_agents, called by the claim');

-- 3. A run past its deadline (job timeout 1 s, and the database's minute of grace): a claim records
--    it timed out. sw-a heartbeats with it in between (heartbeats reap too, before the grace ends).
SELECT pgautomator._start_job('sw_job', at => '2030-01-01 00:00:51+00') AS r1 \gset
SELECT is((SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs('sw-a', 1, '2030-01-01 00:00:51+00') x), :r1::bigint, 'sw-a claims the run');
SELECT pgautomator._agent_heartbeat('sw-a', ARRAY[:r1]::bigint[], ('2030-01-01 00:01:' || s || '+00')::timestamptz) FROM unnest(ARRAY['00', '15', '30', '45']) s;
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'running', 'still running within the grace');
SELECT pgautomator._claim_runs('sw-a', 1, '2030-01-01 00:01:55+00');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'timed_out', 'a claim past deadline + grace records it timed_out');

SELECT * FROM finish();
ROLLBACK;

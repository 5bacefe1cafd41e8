-- Liveness (docs/agent-protocol.md, Liveness): lease and dead_after; silence is counted from the
-- latest of the agent's last heartbeat, the postmaster's start and the end of the last time nobody
-- could reach the database; a result really produced before its attempt was abandoned is recorded
-- late; a heartbeat that does not list a run the agent had before its previous heartbeat abandons
-- it; a restarted agent gets the runs it resumes as claim_runs gave them.
-- The clock is pinned through the internal functions (_register_agent, _agent_heartbeat, ...).
BEGIN;
SELECT plan(49);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_live_a; CREATE ROLE pgat_live_b;
GRANT pgautomator_agent TO pgat_live_a, pgat_live_b;

SELECT pgautomator.create_job('live_job', overlap => 'allow', on_abandon => 'retry', abandon_retries => 3);
SELECT pgautomator.add_step('live_job', 'one', 'shell', 'true');
SELECT pgautomator.add_step('live_job', 'two', 'shell', 'true');

-- The marker of the last time the database was unreachable for everyone: set (or cleared) by the
-- test where a section needs it known.
CREATE FUNCTION pg_temp.contact(at timestamptz) RETURNS void LANGUAGE sql AS $$
  DELETE FROM pgautomator.setting WHERE name = 'contact';
  INSERT INTO pgautomator.setting (name, value) SELECT 'contact', jsonb_build_object('resumed_at', at) WHERE at IS NOT NULL $$;
CREATE FUNCTION pg_temp.state(agent text) RETURNS text LANGUAGE sql AS $$
  SELECT a.state FROM pgautomator.agent a WHERE a.name = agent $$;
CREATE FUNCTION pg_temp.run_state(id bigint) RETURNS text LANGUAGE sql AS $$
  SELECT r.state FROM pgautomator.job_run r WHERE r.id = run_state.id $$;
-- Claims (at `at`) the one queued run made for it by start_job.
CREATE FUNCTION pg_temp.claim_one(agent text, at timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pgautomator._start_job('live_job', at => at);
  RETURN (SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs(agent, 1, at) x);
END $$;

-- 1. Timings: lease = 3 intervals; dead_after = lease + greatest(interval, 5 s).
SELECT is(pgautomator._register_agent('timing', heartbeat_interval => '10 seconds', at => '2030-01-01 00:00:00+00') - 'agent_id' - 'smtp',
          '{"heartbeat_interval": 10, "lease": 30, "dead_after": 40, "abandoned": 0, "kill": [], "resume": []}'::jsonb,
          'register_agent: lease 3 intervals, dead_after a margin of one interval later');
SELECT is(pgautomator._register_agent('quick', heartbeat_interval => '1 second', at => '2030-01-01 00:00:00+00') -> 'dead_after', '8'::jsonb,
          'the margin is at least 5 seconds');
SELECT is(pgautomator._agent_heartbeat('timing', '{}', '2030-01-01 00:00:01+00') - 'state' - 'kill' - 'next_due_in' - 'queued' - 'mail_due' - 'smtp',
          '{"lease": 30, "dead_after": 40}'::jsonb, 'agent_heartbeat answers lease and dead_after too');

-- 2. The postmaster's start gives grace: after a restart of the database every agent has dead_after
--    to come back, however long ago it was last heard of.
SELECT pgautomator._register_agent('pm', heartbeat_interval => '10 seconds', at => pg_postmaster_start_time() - interval '1 hour');
SELECT pg_temp.contact(NULL);
SELECT pgautomator._rescue_dead_agents(pg_postmaster_start_time() + interval '39 seconds');
SELECT is(pg_temp.state('pm'), 'online', 'silent since before the postmaster started: not dead within dead_after of the start');
SELECT pgautomator._rescue_dead_agents(pg_postmaster_start_time() + interval '41 seconds');
SELECT is(pg_temp.state('pm'), 'offline', 'dead after dead_after from the start');

-- 3. A genuinely dead agent (another keeps heartbeating) is rescued after dead_after, not before.
SELECT pg_temp.contact(NULL);
SELECT pgautomator._register_agent('busy', heartbeat_interval => '10 seconds', at => '2030-01-02 00:00:00+00');
SELECT pgautomator._register_agent('gone', heartbeat_interval => '10 seconds', at => '2030-01-02 00:00:00+00');
SELECT pg_temp.claim_one('gone', '2030-01-02 00:00:00+00') AS gone_run \gset
SELECT pgautomator._agent_heartbeat('busy', '{}', ('2030-01-02 00:00:' || s || '+00')::timestamptz) FROM unnest(ARRAY['10', '20', '30']) s;
SELECT pgautomator._agent_heartbeat('busy', '{}', '2030-01-02 00:00:39+00');
SELECT is(pg_temp.state('gone'), 'online', 'silent for 39 s (dead_after 40): online');
SELECT is(pg_temp.run_state(:gone_run), 'running', 'and its run running');
SELECT pgautomator._agent_heartbeat('busy', '{}', '2030-01-02 00:00:41+00');
SELECT is(pg_temp.state('gone'), 'offline', 'silent for 41 s: declared dead');
SELECT is(pg_temp.run_state(:gone_run), 'abandoned', 'its run abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :gone_run AND state = 'queued'), 1, 'and retried');

-- 4. Everyone silent (the database's outage): the first agent back does not declare the others
--    dead; they get dead_after from its return.
SELECT pgautomator._register_agent('o1', heartbeat_interval => '10 seconds', at => '2030-01-03 00:00:00+00');
SELECT pgautomator._register_agent('o2', heartbeat_interval => '10 seconds', at => '2030-01-03 00:00:00+00');
SELECT pgautomator._register_agent('o3', heartbeat_interval => '10 seconds', at => '2030-01-03 00:00:00+00');
SELECT pg_temp.claim_one('o2', '2030-01-03 00:00:00+00') AS o2_run \gset
SELECT pgautomator._agent_heartbeat(n, '{}', '2030-01-03 00:00:10+00') FROM unnest(ARRAY['o1', 'o3']) n;
SELECT pgautomator._agent_heartbeat('o2', ARRAY[:o2_run]::bigint[], '2030-01-03 00:00:10+00');
-- ... 90 s of silence from everyone; o1 is back first, and claims before it heartbeats.
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('o1', 0, '2030-01-03 00:01:40+00')), 0, 'o1 is back after 90 s: its claim');
SELECT is(pg_temp.state('o2'), 'online', 'does not declare o2 dead (silent 90 s, but so was everyone)');
SELECT is(pg_temp.run_state(:o2_run), 'running', 'nor abandon its run');
SELECT is((SELECT (value ->> 'resumed_at')::timestamptz FROM pgautomator.setting WHERE name = 'contact'), '2030-01-03 00:01:40+00'::timestamptz,
          'the end of the outage is recorded');
SELECT pgautomator._agent_heartbeat('o1', '{}', ('2030-01-03 00:01:' || s || '+00')::timestamptz) FROM unnest(ARRAY['41', '50']) s;
SELECT pgautomator._agent_heartbeat('o3', '{}', '2030-01-03 00:01:50+00');
SELECT is((SELECT (value ->> 'resumed_at')::timestamptz FROM pgautomator.setting WHERE name = 'contact'), '2030-01-03 00:01:40+00'::timestamptz,
          'heartbeats while someone was heard of within 2 intervals record nothing');
SELECT pgautomator._agent_heartbeat('o1', '{}', ('2030-01-03 00:02:' || s || '+00')::timestamptz) FROM unnest(ARRAY['00', '10', '19']) s;
SELECT is(pg_temp.state('o2'), 'online', 'o2 alive 39 s after the return');
SELECT pgautomator._agent_heartbeat('o1', '{}', '2030-01-03 00:02:21+00');
SELECT is(pg_temp.state('o2'), 'offline', 'dead 41 s after the return');
SELECT is(pg_temp.run_state(:o2_run), 'abandoned', 'its run abandoned then');
SELECT is(pg_temp.state('o3'), 'online', 'o3, back in time, stays online');

-- 5. Heartbeat reconciliation: a run the agent had before its previous heartbeat and no longer
--    lists is abandoned; one claimed since is not (the heartbeat may have been sent before the
--    claim's answer arrived).
-- (Its own clock an hour ahead of the real one: the claim's runs start at it.)
SELECT pg_temp.contact(NULL);
SELECT clock_timestamp() + interval '1 hour' AS t5 \gset
SELECT pgautomator._register_agent('rec', max_concurrent => 10, heartbeat_interval => '10 seconds', at => :'t5');
SELECT pg_temp.claim_one('rec', :'t5') AS rec1 \gset
SELECT pg_temp.claim_one('rec', :'t5') AS rec2 \gset
SELECT is(pgautomator._agent_heartbeat('rec', ARRAY[:rec1]::bigint[], :'t5'::timestamptz + interval '1 second') -> 'kill', '[]'::jsonb,
          'a heartbeat not listing a run claimed since the previous heartbeat');
SELECT is(pg_temp.run_state(:rec2), 'running', 'leaves it running');
SELECT is(pgautomator._agent_heartbeat('rec', ARRAY[:rec1]::bigint[], :'t5'::timestamptz + interval '2 seconds') -> 'kill', '[]'::jsonb,
          'the next heartbeat still not listing it');
SELECT is(pg_temp.run_state(:rec2), 'abandoned', 'abandons it');
SELECT ok((SELECT message LIKE '%agent rec%' FROM pgautomator.job_run WHERE id = :rec2), 'with a reason naming the agent');
SELECT is(pg_temp.run_state(:rec1), 'running', 'the run it lists stays running');
SELECT is((SELECT state FROM pgautomator.step_run WHERE job_run_id = :rec2), 'abandoned', 'the abandoned run''s attempt too');

-- 6. Late results: an attempt abandoned by a restart takes a result that ended before it was
--    abandoned, from the agent that ran it; the run stays abandoned.
SET LOCAL ROLE pgat_live_a;
SELECT pgautomator.register_agent('late', max_concurrent => 10) IS NOT NULL AS registered;
RESET ROLE;
SELECT pgautomator.start_job('live_job') FROM generate_series(1, 4);
SET LOCAL ROLE pgat_live_a;
CREATE TEMP TABLE late_claim AS SELECT x FROM pgautomator.claim_runs('late', 4) x;
SELECT pgautomator.register_agent('late', max_concurrent => 10) ->> 'abandoned' AS late_abandoned \gset
RESET ROLE;
SELECT is(:late_abandoned::int, 4, 'the agent restarted without its 4 runs: abandoned');
SELECT array_agg((x #>> '{begun,step_run_id}')::bigint ORDER BY (x ->> 'run_id')::bigint) AS lates FROM late_claim \gset
SELECT (:'lates'::bigint[])[1] AS l1, (:'lates'::bigint[])[2] AS l2, (:'lates'::bigint[])[3] AS l3, (:'lates'::bigint[])[4] AS l4 \gset
SELECT (SELECT started_at FROM pgautomator.step_run WHERE id = :l1) AS st1, (SELECT started_at FROM pgautomator.step_run WHERE id = :l2) AS st2,
       (SELECT started_at FROM pgautomator.step_run WHERE id = :l3) AS st3, (SELECT started_at FROM pgautomator.step_run WHERE id = :l4) AS st4,
       (SELECT job_run_id FROM pgautomator.step_run WHERE id = :l4) AS lr4 \gset
SET LOCAL ROLE pgat_live_b;
SELECT throws_ok(format($$SELECT pgautomator.end_step(%s, 'succeeded', 0)$$, :l1), 'PA040', NULL, 'another role cannot record a late result');
RESET ROLE;
SET LOCAL ROLE pgat_live_a;
SELECT throws_ok(format($$SELECT pgautomator.end_step(%s, 'succeeded', 0)$$, :l1), 'PA030', NULL,
                 'a late result without finished_at ends now, after the attempt was abandoned: refused');
SELECT is((pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_step', 'step_run_id', :l1, 'state', 'succeeded',
            'finished_at', '2999-01-01T00:00:00Z'))) -> 0 ->> 'code'), 'PA030', 'one dated in the future ends now: refused');
SELECT is(pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_step', 'step_run_id', :l1, 'state', 'failed', 'exit_code', 3,
            'message', 'boom', 'output', 'late output', 'finished_at', :'st1'::timestamptz))),
          '[{"ok": true}]'::jsonb, 'a result that ended before the attempt was abandoned is recorded (agent_report)');
SELECT is(pgautomator.agent_report(jsonb_build_array(
            jsonb_build_object('op', 'end_step', 'step_run_id', :l2, 'state', 'succeeded', 'exit_code', 0, 'finished_at', :'st2'::timestamptz),
            jsonb_build_object('op', 'end_step', 'step_run_id', :l4, 'state', 'succeeded', 'exit_code', 0))) #>> '{1,code}',
          'PA030', 'in one batch: one recorded, one refused');
SELECT throws_ok(format($$SELECT pgautomator.end_step(%s, 'succeeded', 0)$$, :l1), 'PA030', NULL, 'recorded once: a second end is refused');
SELECT is((pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :lr4, 'state', 'succeeded', 'finished_at', :'st4'::timestamptz,
            'last_step', jsonb_build_object('step_run_id', :l4, 'state', 'succeeded', 'exit_code', 0)))) -> 0) - 'message' - 'detail' - 'hint',
          '{"ok": false, "code": "PA030", "last_step": {"ok": true}}'::jsonb,
          'agent_report: an end_run of the abandoned run is refused, its last attempt''s result recorded late (answered in last_step)');
RESET ROLE;
SELECT is((SELECT state || '/' || exit_code || '/' || output FROM pgautomator.step_run WHERE id = :l1), 'failed/3/late output', 'the attempt takes the reported outcome');
SELECT ok((SELECT message LIKE 'boom; recorded late:%' AND finished_at = started_at FROM pgautomator.step_run WHERE id = :l1),
          'with a message saying it was recorded late, ended when the agent said');
SELECT is((SELECT array_agg(state ORDER BY id) FROM pgautomator.step_run WHERE id IN (:l2, :l4)), '{succeeded,succeeded}'::text[], 'the others too');
SELECT is(pg_temp.run_state(:lr4), 'abandoned', 'the run of the refused end_run stays abandoned');
SELECT is((SELECT array_agg(DISTINCT r.state) FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.id WHERE s.id IN (:l1, :l2)),
          '{abandoned}'::text[], 'the runs stay abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.retry_of WHERE s.id IN (:l1, :l2) AND r.state = 'queued'), 2,
          'their retries stay');
SELECT job_run_id AS lr1 FROM pgautomator.step_run WHERE id = :l1 \gset
SET LOCAL ROLE pgat_live_a;
SELECT throws_ok(format($$SELECT pgautomator.end_run(%s, 'succeeded')$$, :lr1), 'PA030', NULL,
                 'an end_run of an abandoned run stays refused');
RESET ROLE;
-- Only the agent that ran it: a run re-assigned to another agent (by hand, say) refuses it.
UPDATE pgautomator.job_run SET agent_id = (SELECT id FROM pgautomator.agent WHERE name = 'busy') WHERE id = (SELECT job_run_id FROM pgautomator.step_run WHERE id = :l3);
SELECT is(pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_step', 'step_run_id', :l3, 'state', 'succeeded',
            'finished_at', :'st3'::timestamptz))) #>> '{0,code}', 'PA030', 'a late result of an attempt whose run is now another agent''s is refused');

-- 7. A restarted agent gets each run it resumes as claim_runs gave it, nothing begun.
SELECT clock_timestamp() + interval '2 hours' AS t7 \gset
SELECT pgautomator._register_agent('res', max_concurrent => 10, heartbeat_interval => '10 seconds', at => :'t7');
SELECT pg_temp.claim_one('res', :'t7') AS res1 \gset
SELECT pg_temp.claim_one('res', :'t7') AS res2 \gset
CREATE TEMP TABLE res AS SELECT pgautomator._register_agent('res', max_concurrent => 10, heartbeat_interval => '10 seconds',
                                                           resume_runs => ARRAY[:res1, 424242]::bigint[], at => :'t7') AS x;
SELECT is((SELECT jsonb_array_length(x -> 'resume') FROM res), 1, 'resume: one object per resumed run still running');
SELECT is((SELECT x #>> '{resume,0,run_id}' FROM res), :res1::text, 'the resumed run');
SELECT is((SELECT x #> '{resume,0,begun}' FROM res), 'null'::jsonb, 'nothing begun');
SELECT is((SELECT jsonb_array_length(x #> '{resume,0,steps}') FROM res), 2, 'with its steps');
SELECT is((SELECT array_agg(k ORDER BY k) FROM res, jsonb_object_keys(x #> '{resume,0}') k),
          '{attempt,begun,job,job_id,on_abandon,run_id,schedule,scheduled_for,start_position,steps,timeout,trigger}'::text[], 'the keys of a claimed run');
SELECT is((SELECT x -> 'kill' FROM res), '[424242]'::jsonb, 'a run it cannot resume is listed to kill');
SELECT is(pg_temp.run_state(:res2), 'abandoned', 'a run not resumed is abandoned');

SELECT * FROM finish();
ROLLBACK;

-- on_abandon = wait (docs/agent-protocol.md, Liveness): when the agent running a run of such a job
-- goes silent past dead_after, it is declared offline but the run stays running, waiting for that
-- agent to come back; the agent resumes it by registering with it in resume_runs; an agent that
-- registers without it (it restarted: the work died with it) has it abandoned, never retried;
-- kill_run of a run whose agent is offline records it killed at once; the job timeout still applies.
-- The clock is pinned through the internal functions (_register_agent, _agent_heartbeat, ...).
BEGIN;
SELECT plan(33);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator.create_job('wait_job', overlap => 'allow', on_abandon => 'wait');
SELECT pgautomator.add_step('wait_job', 'one', 'shell', 'true');
SELECT pgautomator.create_job('retry_job', overlap => 'allow', on_abandon => 'retry', agent_tags => '{never}');
SELECT pgautomator.add_step('retry_job', 'one', 'shell', 'true');
DELETE FROM pgautomator.setting WHERE name = 'contact';

CREATE FUNCTION pg_temp.run_state(id bigint) RETURNS text LANGUAGE sql AS $$
  SELECT r.state FROM pgautomator.job_run r WHERE r.id = run_state.id $$;
CREATE FUNCTION pg_temp.claim(agent text, job_name text, at timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  run bigint;
BEGIN
  PERFORM pgautomator._start_job(job_name, at => at);
  SELECT r.id INTO run FROM pgautomator.job_run r JOIN pgautomator.job j ON j.id = r.job_id
   WHERE j.name = job_name AND r.state = 'queued' ORDER BY r.id DESC LIMIT 1;
  UPDATE pgautomator.job x SET agent_tags = '{}' WHERE x.name = job_name;
  PERFORM pgautomator._claim_runs(agent, 1, at);
  UPDATE pgautomator.job x SET agent_tags = '{never}' WHERE x.name = job_name AND x.name <> 'wait_job';
  RETURN run;
END $$;

-- 1. The value: create_job and update_job take it; the CHECK and the API refuse others.
SELECT is((SELECT on_abandon FROM pgautomator.job WHERE name = 'wait_job'), 'wait', 'create_job accepts on_abandon wait');
SELECT pgautomator.create_job('other_job');
SELECT lives_ok($$SELECT pgautomator.update_job('other_job', on_abandon => 'wait')$$, 'update_job accepts on_abandon wait');
SELECT is((SELECT on_abandon FROM pgautomator.job WHERE name = 'other_job'), 'wait', 'and stores it');
SELECT throws_ok($$SELECT pgautomator.create_job('x', on_abandon => 'hold')$$, 'PA002',
  'job on_abandon must be one of fail, retry, wait (got "hold")', 'other values are PA002');
SELECT throws_ok($$UPDATE pgautomator.job SET on_abandon = 'hold' WHERE name = 'other_job'$$, '23514', NULL, 'the CHECK allows fail, retry, wait only');

-- 2. The claim payload says on_abandon.
SELECT pgautomator._register_agent('w1', heartbeat_interval => '10 seconds', at => '2030-01-02 00:00:00+00');
SELECT pgautomator._register_agent('peer', heartbeat_interval => '10 seconds', at => '2030-01-02 00:00:00+00');
SELECT pg_temp.claim('w1', 'wait_job', '2030-01-02 00:00:00+00') AS wr \gset
SELECT pg_temp.claim('w1', 'retry_job', '2030-01-02 00:00:00+00') AS rr \gset
SELECT is((SELECT x ->> 'on_abandon' FROM pgautomator._run_payloads(ARRAY[:wr, :rr]::bigint[]) x LIMIT 1), 'wait', 'the claim payload carries on_abandon');
SELECT is((SELECT array_agg(r.agent_id IS NOT NULL AND r.state = 'running') FROM pgautomator.job_run r WHERE r.id IN (:wr, :rr)), '{t,t}', 'both runs running on w1');

-- 3. w1 goes silent while peer heartbeats: past dead_after it is declared offline; the wait run
--    stays running, the retry run is abandoned and retried.
SELECT pgautomator._agent_heartbeat('peer', '{}', ('2030-01-02 00:00:' || s || '+00')::timestamptz) FROM unnest(ARRAY['10', '20', '30', '41']) s;
SELECT is((SELECT state FROM pgautomator.agent WHERE name = 'w1'), 'offline', 'the silent agent is declared offline');
SELECT is(pg_temp.run_state(:wr), 'running', 'its run of a wait job stays running');
SELECT is((SELECT state FROM pgautomator.step_run WHERE job_run_id = :wr), 'running', 'and so does its attempt');
SELECT ok((SELECT message LIKE 'waiting for agent w1 %' FROM pgautomator.job_run WHERE id = :wr), 'the run''s message says it waits for its agent');
SELECT is((SELECT agent_state FROM pgautomator.running WHERE id = :wr), 'offline', 'the running view shows its agent offline');
SELECT is(pg_temp.run_state(:rr), 'abandoned', 'its run of a retry job is abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :rr), 1, 'and retried');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :wr), 0, 'the wait run is not retried');

-- 4. w1 comes back with the run in resume_runs: it continues, and its results are taken.
SELECT is(pgautomator._register_agent('w1', heartbeat_interval => '10 seconds', resume_runs => ARRAY[:wr]::bigint[], at => '2030-01-02 00:05:00+00')
          #>> '{resume,0,run_id}', :wr::text, 'registering again with it: resumed');
SELECT is(pg_temp.run_state(:wr), 'running', 'still running');
SELECT is((SELECT message FROM pgautomator.job_run WHERE id = :wr), NULL, 'no longer waiting: the message is cleared');
SELECT lives_ok(format($$SELECT pgautomator.end_step(%s, 'succeeded', 0)$$, (SELECT id FROM pgautomator.step_run WHERE job_run_id = :wr)), 'its step result is accepted');
SELECT lives_ok(format($$SELECT pgautomator.end_run(%s, 'succeeded')$$, :wr), 'and its run end');
SELECT is(pg_temp.run_state(:wr), 'succeeded', 'the run succeeded');

-- 5. An agent that comes back without it (it restarted): abandoned, not retried.
SELECT pg_temp.claim('w1', 'wait_job', '2030-01-02 00:06:00+00') AS wr2 \gset
SELECT pgautomator._agent_heartbeat('peer', '{}', ('2030-01-02 00:0' || s || '+00')::timestamptz) FROM unnest(ARRAY['6:10', '6:20', '6:30', '6:41']) s;
SELECT is(pg_temp.run_state(:wr2), 'running', 'offline agent: the wait run waits');
SELECT is((pgautomator._register_agent('w1', heartbeat_interval => '10 seconds', at => '2030-01-02 00:08:00+00') ->> 'abandoned')::int, 1,
          'registering again without it abandons it');
SELECT ok((SELECT state = 'abandoned' AND message LIKE 'agent w1 restarted%' FROM pgautomator.job_run WHERE id = :wr2), 'recorded abandoned: restarted without it');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :wr2), 0, 'and never retried elsewhere');

-- 6. kill_run while its agent is offline: recorded killed at once; the agent, back, is told to stop it.
SELECT pg_temp.claim('w1', 'wait_job', '2030-01-02 00:10:00+00') AS wr3 \gset
SELECT pgautomator._agent_heartbeat('peer', '{}', ('2030-01-02 00:1' || s || '+00')::timestamptz) FROM unnest(ARRAY['0:10', '0:20', '0:30', '0:41']) s;
SELECT is(pgautomator.kill_run(:wr3), 'killed', 'kill_run of a waiting run answers killed');
SELECT ok((SELECT r.state = 'killed' AND s.state = 'killed' AND r.message LIKE '%offline%'
             FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.id WHERE r.id = :wr3),
          'the run and its attempt are recorded killed, saying the agent was offline');
SELECT is(pgautomator._register_agent('w1', heartbeat_interval => '10 seconds', resume_runs => ARRAY[:wr3]::bigint[], at => '2030-01-02 00:12:00+00') -> 'kill',
          jsonb_build_array(:wr3), 'the agent coming back with it is told to stop it');

-- 7. The job timeout still bounds the wait: past deadline + 1 minute the sweep records it timed_out.
SELECT pgautomator.update_job('wait_job', timeout => '5 minutes');
SELECT pg_temp.claim('w1', 'wait_job', '2030-01-02 00:20:00+00') AS wr4 \gset
SELECT pgautomator._agent_heartbeat('peer', '{}', ('2030-01-02 00:2' || s || '+00')::timestamptz) FROM unnest(ARRAY['0:10', '0:20', '0:30', '0:41']) s;
SELECT is(pg_temp.run_state(:wr4), 'running', 'a wait run with a timeout waits');
SELECT pgautomator._reap_overdue_runs((SELECT deadline_at FROM pgautomator.job_run WHERE id = :wr4) + interval '61 seconds');
SELECT is(pg_temp.run_state(:wr4), 'timed_out', 'until its deadline + 1 minute: timed_out');

-- 8. Deleting the offline agent a run waits for: the run is abandoned, not retried.
SELECT pgautomator._register_agent('w1', heartbeat_interval => '10 seconds', at => '2030-01-02 00:30:00+00');
SELECT pg_temp.claim('w1', 'wait_job', '2030-01-02 00:30:00+00') AS wr5 \gset
SELECT pgautomator._agent_heartbeat('peer', '{}', ('2030-01-02 00:3' || s || '+00')::timestamptz) FROM unnest(ARRAY['0:10', '0:20', '0:30', '0:41']) s;
SELECT is(pg_temp.run_state(:wr5), 'running', 'waiting for w1');
SELECT pgautomator.delete_agent('w1');
SELECT ok((SELECT state = 'abandoned' AND message LIKE 'agent w1 was deleted%' FROM pgautomator.job_run WHERE id = :wr5), 'deleting its agent abandons it');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :wr5), 0, 'without retry');

SELECT * FROM finish();
ROLLBACK;

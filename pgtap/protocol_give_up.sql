-- An agent gives a run up (docs/agent-protocol.md, end_run with state abandoned): its lease ran out
-- and it fenced the run's step, or it stopped before the run could end. The run did not fail of
-- its own: it is recorded abandoned and the job's on_abandon decides, as when the database rescues
-- the runs of a dead agent: retry queues the same fire again, fail does not. A run someone asked to
-- kill stays killed. Through agent_report (the agent's batched path) the same holds.
BEGIN;
SELECT plan(16);

SET LOCAL TimeZone = 'UTC';
SELECT pgautomator.create_job('give_retry', overlap => 'allow', on_abandon => 'retry', abandon_retries => 1);
SELECT pgautomator.add_step('give_retry', 'only', 'shell', 'sleep 60');
SELECT pgautomator.create_job('give_fail', overlap => 'allow', on_abandon => 'fail');
SELECT pgautomator.add_step('give_fail', 'only', 'shell', 'sleep 60');
SELECT pgautomator._register_agent('quitter', heartbeat_interval => '10 seconds', at => now());

-- Claims the one queued run of `job` for the agent; its first attempt is begun by the claim.
CREATE FUNCTION pg_temp.claimed(job text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pgautomator.start_job(job);
  RETURN (SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs('quitter', 1, now()) x);
END $$;
CREATE FUNCTION pg_temp.attempt(run bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT s.id FROM pgautomator.step_run s WHERE s.job_run_id = run ORDER BY s.id DESC LIMIT 1 $$;

-- 1. on_abandon = retry: the fenced run is abandoned and its fire queued again.
SELECT pg_temp.claimed('give_retry') AS r1 \gset
SELECT pgautomator.end_step(pg_temp.attempt(:r1), 'killed', message => 'the agent lost its lease');
SELECT lives_ok(format($$SELECT pgautomator.end_run(%s, 'abandoned', 'the agent lost its lease: no contact with the database for 31 s')$$, :r1),
  'end_run takes state abandoned');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'abandoned', 'the run is recorded abandoned, not killed');
SELECT is((SELECT message FROM pgautomator.job_run WHERE id = :r1), 'the agent lost its lease: no contact with the database for 31 s', 'with the agent''s reason');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = pg_temp.attempt(:r1) AND job_run_id = :r1), 'killed', 'its attempt stays as the agent ended it (killed)');
SELECT is((SELECT trigger || '/' || attempt || '/' || state FROM pgautomator.job_run WHERE retry_of = :r1), 'retry/2/queued',
  'on_abandon retry: the same fire is queued again as attempt 2');

-- 2. The retry given up too: no retries remain (abandon_retries 1), so none is queued.
SELECT (x ->> 'run_id')::bigint AS r2 FROM pgautomator._claim_runs('quitter', 1, now()) x \gset
SELECT pgautomator.end_run(:r2, 'abandoned', 'agent stopping: drain timeout of 1 s exceeded');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r2), 'abandoned', 'the retry is abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :r2), 0, 'no retry beyond abandon_retries');

-- 3. on_abandon = fail: abandoned, nothing queued.
SELECT pg_temp.claimed('give_fail') AS f1 \gset
SELECT pgautomator.end_run(:f1, 'abandoned', 'the agent lost its lease');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :f1), 'abandoned', 'on_abandon fail: abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :f1), 0, 'on_abandon fail: no retry');

-- 4. A kill was requested: the run ends killed, and is not retried.
SELECT pg_temp.claimed('give_retry') AS k1 \gset
SELECT pgautomator.kill_run(:k1);
SELECT pgautomator.end_run(:k1, 'abandoned', 'the agent lost its lease');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :k1), 'killed', 'a run someone asked to kill ends killed');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :k1), 0, 'and is not retried');

-- 5. The agent's batched path: end_run with its last attempt, abandoned.
SELECT pg_temp.claimed('give_retry') AS b1 \gset
SELECT is(pgautomator.agent_report(jsonb_build_array(jsonb_build_object('op', 'end_run', 'run_id', :b1, 'state', 'abandoned', 'message', 'agent stopping at once (second signal)',
  'last_step', jsonb_build_object('step_run_id', pg_temp.attempt(:b1), 'state', 'killed', 'message', 'agent stopping at once (second signal)')))),
  '[{"ok": true}]'::jsonb, 'agent_report takes an abandoned end_run with its last attempt');
SELECT is((SELECT r.state || '/' || s.state FROM pgautomator.job_run r JOIN pgautomator.step_run s ON s.job_run_id = r.id WHERE r.id = :b1), 'abandoned/killed',
  'the run abandoned, its attempt killed');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :b1), 1, 'and retried');

-- 6. Counted once each in run_count (metrics), by the single call and by the batched path alike.
SELECT pgautomator._fold_run_counts() > 0 AS folded;
SELECT is((SELECT c.runs::int FROM pgautomator.run_count c WHERE c.job_id = pgautomator._job_id('give_retry') AND c.state = 'abandoned'),
  (SELECT count(*)::int FROM pgautomator.job_run r WHERE r.job_id = pgautomator._job_id('give_retry') AND r.state = 'abandoned'),
  'each abandoned run of give_retry counted once');
SELECT is((SELECT c.runs::int FROM pgautomator.run_count c WHERE c.job_id = pgautomator._job_id('give_retry') AND c.state = 'killed'), 1,
  'the killed one counted as killed');

SELECT * FROM finish();
ROLLBACK;

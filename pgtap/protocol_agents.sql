-- The agent protocol: register, heartbeat, stop; only the registering role may act as an agent;
-- the rescuer abandons (and retries) the runs of dead agents; the reaper times out overdue runs;
-- the mail outbox is claimed, sent and retried with backoff.
BEGIN;
SELECT plan(72);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_role_a; CREATE ROLE pgat_role_b; CREATE ROLE pgat_operator_only;
GRANT pgautomator_agent TO pgat_role_a, pgat_role_b;
GRANT pgautomator_operator TO pgat_operator_only;

-- 1. register_agent
SELECT is(pgautomator._register_agent('host-1', host => 'h1', os => 'linux', version => '0.1.0', tags => '{linux}', at => '2030-01-01 00:00:00+00') - 'agent_id',
          '{"heartbeat_interval": 10, "lease": 30, "dead_after": 40, "smtp": null, "abandoned": 0, "kill": [], "resume": []}'::jsonb, 'register_agent answers the agent''s settings');
SELECT is((SELECT state || '/' || db_role || '/' || host FROM pgautomator.agent WHERE name = 'host-1'), 'online/' || current_user || '/h1', 'online, owned by the calling role');
SELECT is((pgautomator._register_agent('host-1', tags => '{linux}', max_concurrent => 8, at => '2030-01-01 00:00:05+00') ->> 'agent_id')::bigint,
          (SELECT id FROM pgautomator.agent WHERE name = 'host-1'), 'registering again updates the same agent');
SELECT is((SELECT max_concurrent FROM pgautomator.agent WHERE name = 'host-1'), 8, 'with the new settings');
SELECT throws_ok($$SELECT pgautomator.register_agent('-bad name')$$, 'PA002', NULL, 'register_agent: a bad name is PA002');
SELECT throws_ok($$SELECT pgautomator.register_agent('x', max_concurrent => 0)$$, 'PA002', NULL, 'register_agent: max_concurrent 0 is PA002');
SELECT throws_ok($$SELECT pgautomator.register_agent('x', heartbeat_interval => '0')$$, 'PA002', NULL, 'register_agent: heartbeat_interval 0 is PA002');

-- 2. Only the role that registered a name acts under it.
SELECT lives_ok($$SET LOCAL ROLE pgat_role_a; SELECT pgautomator.register_agent('agent-a', heartbeat_interval => '1 hour'); RESET ROLE$$,
                'role a registers agent-a');
SELECT is((SELECT db_role FROM pgautomator.agent WHERE name = 'agent-a'), 'pgat_role_a'::name, 'agent-a belongs to role a');
SELECT throws_ok($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.register_agent('agent-a')$$, 'PA040', NULL, 'role b cannot register agent-a');
SELECT throws_ok($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.agent_heartbeat('agent-a')$$, 'PA040', NULL, 'role b cannot heartbeat as agent-a');
SELECT throws_ok($$SET LOCAL ROLE pgat_role_b; SELECT * FROM pgautomator.claim_runs('agent-a', 1)$$, 'PA040', NULL, 'role b cannot claim as agent-a');
SELECT throws_ok($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.agent_stop('agent-a')$$, 'PA040', NULL, 'role b cannot stop agent-a');
-- Without the group role there is no EXECUTE privilege at all: PostgreSQL refuses before the function runs.
SELECT throws_ok($$SET LOCAL ROLE pgat_operator_only; SELECT * FROM pgautomator.claim_runs('agent-a', 1)$$, '42501', NULL, 'a role without pgautomator_agent cannot claim');
SELECT throws_ok($$SET LOCAL ROLE pgat_role_a; SELECT pgautomator.start_job('x')$$, '42501', NULL, 'an agent role cannot start jobs');
SELECT pgautomator.create_job('roles_job', overlap => 'allow');
SELECT pgautomator.add_step('roles_job', 'only', 'shell', 'true');
SELECT pgautomator.start_job('roles_job') AS rr \gset
SELECT lives_ok($$SET LOCAL ROLE pgat_role_a; SELECT count(*) FROM pgautomator.claim_runs('agent-a', 1); RESET ROLE$$, 'role a claims as agent-a');
SELECT is((SELECT a.name FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE r.id = :rr), 'agent-a', 'the run runs on agent-a');
SELECT throws_ok(format($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.begin_step(%s, %s)$$, :rr, (SELECT id FROM pgautomator.step WHERE name = 'only' AND job_id = pgautomator._job_id('roles_job'))),
                 'PA040', NULL, 'role b cannot report steps of agent-a''s run');
SELECT throws_ok(format($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.end_run(%s, 'succeeded')$$, :rr), 'PA040', NULL, 'role b cannot end agent-a''s run');
SELECT lives_ok(format($$SET LOCAL ROLE pgat_role_a; SELECT pgautomator.end_run(%s, 'succeeded'); RESET ROLE$$, :rr), 'role a ends it');
SELECT lives_ok($$SELECT pgautomator._agent_heartbeat('agent-a', '{}', '2030-01-01 00:00:20+00')$$, 'a superuser (or admin) may act as any agent');
SELECT throws_ok($$SELECT pgautomator.agent_heartbeat('nobody')$$, 'PA010', NULL, 'heartbeat of an unknown agent is PA010');

-- 3. Heartbeat answers
SELECT pgautomator.create_schedule('hourly', '{"type":"daily","start_date":"2030-01-01","sub":{"type":"every","every":1,"unit":"hour"}}');
SELECT pgautomator.create_job('hb_job', agent_tags => '{linux}');
SELECT pgautomator.add_step('hb_job', 'only', 'shell', 'true');
SELECT pgautomator.attach_schedule('hb_job', 'hourly');
UPDATE pgautomator.job_schedule SET next_fire_at = '2030-01-01 01:00:00+00';
SELECT pgautomator._start_job('roles_job', at => '2030-01-01 00:00:30+00');
SELECT is(pgautomator._agent_heartbeat('host-1', '{}', '2030-01-01 00:00:30+00'),
          '{"state": "online", "kill": [], "next_due_in": 3570, "queued": 1, "mail_due": 0, "smtp": null, "lease": 30, "dead_after": 40}'::jsonb, 'heartbeat: state, nothing to kill, next fire in 3570 s, one run to claim');
SELECT is(pgautomator._agent_heartbeat('agent-a', '{}', '2030-01-01 00:00:30+00') -> 'next_due_in', 'null'::jsonb, 'next_due_in null when no fire fits the agent (tags)');
SELECT is(pgautomator._agent_heartbeat('host-1', '{424242}', '2030-01-01 00:00:31+00') -> 'kill', '[424242]'::jsonb,
          'a run the agent executes but the database does not have running on it is to be killed');
SELECT is((SELECT last_heartbeat_at FROM pgautomator.agent WHERE name = 'host-1'), '2030-01-01 00:00:31+00'::timestamptz, 'the heartbeat is recorded');

-- 4. Stop and drain
SELECT pgautomator._register_agent('stopper', heartbeat_interval => '1 hour', at => '2030-01-01 00:01:00+00');
SELECT pgautomator._start_job('roles_job', at => '2030-01-01 00:01:00+00');
SELECT count(*) FROM pgautomator._claim_runs('stopper', 5, '2030-01-01 00:01:00+00');
SELECT pgautomator._agent_stop('stopper', drain => true, at => '2030-01-01 00:01:10+00');
SELECT is(pgautomator._agent_heartbeat('stopper', ARRAY(SELECT r.id FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE a.name = 'stopper' AND r.state = 'running'),
                                       '2030-01-01 00:01:10+00') ->> 'state', 'draining', 'drain: state draining');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE a.name = 'stopper' AND r.state = 'running'), 2,
          'draining leaves its runs running');
SELECT pgautomator._agent_stop('stopper', at => '2030-01-01 00:01:20+00');
SELECT is((SELECT state || '/' || (stopped_at = '2030-01-01 00:01:20+00')::text FROM pgautomator.agent WHERE name = 'stopper'), 'offline/true', 'stop: offline, stopped_at');
SELECT is((SELECT array_agg(DISTINCT r.state) FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE a.name = 'stopper'), '{abandoned}'::text[],
          'runs left running by a stopped agent are abandoned');
SELECT throws_ok($$SELECT pgautomator._agent_heartbeat('stopper', '{}', '2030-01-01 00:01:30+00')$$, 'PA030', NULL, 'heartbeat of an offline agent is PA030 (register again)');
SELECT throws_ok($$SELECT pgautomator.agent_stop('stopper', true)$$, 'PA030', NULL, 'an offline agent cannot drain');

-- 5. Rescuer: a dead agent's runs are abandoned and, per the job, retried.
SELECT pgautomator.create_job('retry_job', on_abandon => 'retry', abandon_retries => 1, agent_tags => '{gpu}');
SELECT pgautomator.add_step('retry_job', 'only', 'shell', 'true');
SELECT pgautomator.create_job('fail_job', on_abandon => 'fail', agent_tags => '{gpu}');
SELECT pgautomator.add_step('fail_job', 'only', 'shell', 'true');
SELECT pgautomator._register_agent('doomed', tags => '{gpu}', at => '2030-01-02 00:00:00+00');
SELECT pgautomator._register_agent('survivor', tags => '{gpu}', at => '2030-01-02 00:00:00+00');
SELECT pgautomator._start_job('retry_job', at => '2030-01-02 00:00:00+00') AS rj \gset
SELECT pgautomator._start_job('fail_job', at => '2030-01-02 00:00:00+00') AS fj \gset
SELECT count(*) FROM pgautomator._claim_runs('doomed', 5, '2030-01-02 00:00:00+00');
SELECT pgautomator.begin_step(:rj, (SELECT id FROM pgautomator.step WHERE job_id = pgautomator._job_id('retry_job'))) AS rjs \gset
SELECT pgautomator._agent_heartbeat('survivor', '{}', ('2030-01-02 00:00:' || s || '+00')::timestamptz) FROM unnest(ARRAY['10', '20', '30', '39']) s;
SELECT is((SELECT state FROM pgautomator.agent WHERE name = 'doomed'), 'online', 'alive within dead_after (3 intervals + 1)');
SELECT pgautomator._agent_heartbeat('survivor', '{}', '2030-01-02 00:00:41+00');
SELECT is((SELECT state || '/' || (stopped_at = '2030-01-02 00:00:41+00')::text FROM pgautomator.agent WHERE name = 'doomed'), 'offline/true', 'dead after dead_after: offline');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :rj), 'abandoned', 'its run is abandoned');
SELECT ok((SELECT message LIKE 'agent doomed stopped heartbeating%' FROM pgautomator.job_run WHERE id = :rj), 'with a message saying why');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :rjs), 'abandoned', 'its running step attempt is abandoned');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :fj), 'abandoned', 'on_abandon fail: abandoned');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :fj), 0, 'on_abandon fail: no retry');
SELECT is((SELECT trigger || '/' || attempt || '/' || state || '/' || (scheduled_for = '2030-01-02 00:00:00+00')::text FROM pgautomator.job_run WHERE retry_of = :rj),
          'retry/2/queued/true', 'on_abandon retry: queued again, attempt 2, same scheduled_for');
SELECT (x ->> 'run_id')::bigint AS rj2 FROM pgautomator._claim_runs('survivor', 5, '2030-01-02 00:00:45+00') x \gset
SELECT is((SELECT retry_of FROM pgautomator.job_run WHERE id = :rj2), :rj::bigint, 'another agent takes the retry');
SELECT pgautomator._register_agent('survivor', tags => '{gpu}', at => '2030-01-02 00:01:00+00');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :rj2), 'abandoned', 'an agent that registers again without resuming a run abandons it');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run WHERE retry_of = :rj2), 0, 'retries are spent after abandon_retries');
SELECT pgautomator._start_job('fail_job', at => '2030-01-02 00:01:00+00');
SELECT pgautomator._start_job('retry_job', at => '2030-01-02 00:01:00+00');
SELECT count(*) FROM pgautomator._claim_runs('survivor', 5, '2030-01-02 00:01:00+00');
SELECT is(pgautomator._register_agent('survivor', tags => '{gpu}', at => '2030-01-02 00:01:10+00',
            resume_runs => ARRAY[(SELECT max(id) FROM pgautomator.job_run WHERE job_id = pgautomator._job_id('fail_job')), :rj]) -> 'kill',
          jsonb_build_array(:rj), 'resume_runs: runs resumed stay running; one that is no longer running is listed to kill');
SELECT is((SELECT count(*)::int FROM pgautomator.job_run r JOIN pgautomator.agent a ON a.id = r.agent_id WHERE a.name = 'survivor' AND r.state = 'running'), 1,
          'the resumed run is still running, the other was abandoned');

-- 6. Reaper: past deadline plus a minute, recorded timed_out (started_at is the real clock).
SELECT pgautomator.create_job('slow_job', timeout => '1 minute', agent_tags => '{reaper}');
SELECT pgautomator.add_step('slow_job', 'only', 'shell', 'sleep 600');
SELECT pgautomator._register_agent('reaper-host', tags => '{reaper}', heartbeat_interval => '1 hour', at => now());
SELECT pgautomator._start_job('slow_job', at => now()) AS sj \gset
SELECT count(*) FROM pgautomator._claim_runs('reaper-host', 5, now());
SELECT pgautomator.begin_step(:sj, (SELECT id FROM pgautomator.step WHERE job_id = pgautomator._job_id('slow_job'))) AS sjs \gset
SELECT pgautomator._agent_heartbeat('reaper-host', '{}', now() + interval '1 minute 30 seconds');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :sj), 'running', 'within the minute of grace after the deadline: still running');
SELECT is(pgautomator._agent_heartbeat('reaper-host', ARRAY[:sj]::bigint[], now() + interval '3 minutes') -> 'kill', jsonb_build_array(:sj),
          'past it: the agent is told to kill it');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :sj), 'timed_out', 'the run is recorded timed_out');
SELECT is((SELECT state FROM pgautomator.step_run WHERE id = :sjs), 'timed_out', 'and its running step attempt');
SELECT throws_ok(format($$SELECT pgautomator.end_run(%s, 'succeeded')$$, :sj), 'PA030', NULL, 'a late end_run of a reaped run is PA030');

-- 7. Mail outbox: claim, sent, failed with backoff 1, 2, 4, 8 minutes, failed after 5 attempts.
SELECT pgautomator._register_agent('mailman', tags => '{mail}', heartbeat_interval => '1 hour', at => '2030-01-03 00:00:00+00');
SELECT pgautomator.set_agent_smtp('mailman', 'smtp.example.com', 587, 'starttls', 'robot', 'env:SMTP_PW', 'robot@example.com');
SELECT is(pgautomator._register_agent('mailman', tags => '{mail}', heartbeat_interval => '1 hour', at => '2030-01-03 00:00:00+00') -> 'smtp',
          '{"host": "smtp.example.com", "port": 587, "security": "starttls", "user": "robot", "password_ref": "env:SMTP_PW", "from": "robot@example.com"}'::jsonb,
          'register_agent hands the agent its SMTP settings');
SELECT pgautomator.create_job('mail_job', agent_tags => '{mail}', overlap => 'allow');
SELECT pgautomator.add_step('mail_job', 'only', 'shell', 'true');
SELECT pgautomator.set_job_email('mail_job', '{start}', '{boss@example.com}');
SELECT pgautomator._start_job('mail_job', at => '2030-01-03 00:00:00+00') FROM generate_series(1, 3);
SELECT count(*) FROM pgautomator._claim_runs('mailman', 5, '2030-01-03 00:00:00+00');
UPDATE pgautomator.notification SET next_attempt_at = '2030-01-03 00:00:00+00';
SELECT is(pgautomator._agent_heartbeat('mailman', '{}', '2030-01-03 00:00:00+00') -> 'mail_due', '3'::jsonb, 'the heartbeat of an agent with SMTP settings counts the mail due');
SELECT is(pgautomator._agent_heartbeat('mailman', '{}', '2030-01-03 00:00:00+00') -> 'smtp' ->> 'host', 'smtp.example.com', 'and hands it its SMTP settings (changes reach a running agent)');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_notifications('host-1', 10, '2030-01-03 00:00:00+00')), 0, 'an agent without SMTP settings claims no mail');
CREATE TEMP TABLE mail AS SELECT x FROM pgautomator._claim_notifications('mailman', 1, '2030-01-03 00:00:00+00') x;
SELECT is((SELECT (x - 'id' - 'subject' - 'body') FROM mail), '{"recipients": ["boss@example.com"], "sender": "robot@example.com", "attempt": 1}'::jsonb,
          'claim_notifications: recipients, the agent''s sender, attempt 1');
SELECT (x ->> 'id')::bigint AS n1 FROM mail \gset
SELECT lives_ok(format($$SELECT pgautomator._notification_failed(%s, 'connection refused', '2030-01-03 00:00:00+00')$$, :n1), 'a failed delivery');
SELECT is((SELECT state || ' ' || (next_attempt_at - '2030-01-03 00:00:00+00'::timestamptz)::text FROM pgautomator.notification WHERE id = :n1), 'pending 00:01:00',
          'is retried after 1 minute');
CREATE TEMP TABLE others AS SELECT (x ->> 'id')::bigint AS id FROM pgautomator._claim_notifications('mailman', 10, '2030-01-03 00:00:59+00') x;
SELECT is((SELECT count(*)::int FROM others WHERE id = :n1), 0, 'not before');
SELECT is((SELECT count(*)::int FROM others), 2, 'the two other mails are handed out');
CREATE FUNCTION pg_temp.fail_again(id bigint, at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM pgautomator._claim_notifications('mailman', 10, at) x WHERE (x ->> 'id')::bigint = id;
  PERFORM pgautomator._notification_failed(id, 'again', at);
  RETURN (SELECT n.state || ' ' || n.attempts || ' ' || (n.next_attempt_at - at)::text FROM pgautomator.notification n WHERE n.id = fail_again.id);
END $$;
SELECT is(pg_temp.fail_again(:n1, '2030-01-03 00:01:00+00'), 'pending 2 00:02:00', 'attempt 2 fails: retried after 2 minutes');
SELECT is(pg_temp.fail_again(:n1, '2030-01-03 00:03:00+00'), 'pending 3 00:04:00', 'attempt 3 fails: after 4 minutes');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_notifications('mailman', 10, '2030-01-03 00:05:58+00')), 0,
          'mails being sent are not handed out again within their 5-minute lease');
SELECT is((SELECT array_agg((x ->> 'attempt')::int) FROM pgautomator._claim_notifications('mailman', 10, '2030-01-03 00:05:59+00') x), '{2,2}'::int[],
          'a claim older than 5 minutes is handed out again');
SELECT min(id) AS n2 FROM others \gset
SELECT throws_ok(format($$SET LOCAL ROLE pgat_role_b; SELECT pgautomator.notification_sent(%s)$$, :n2), 'PA040', NULL, 'another role cannot report the mail');
SELECT lives_ok(format($$SELECT pgautomator._notification_sent(%s, '2030-01-03 00:06:00+00')$$, :n2), 'delivered');
SELECT is((SELECT state || ' ' || sent_at::text FROM pgautomator.notification WHERE id = :n2), 'sent 2030-01-03 00:06:00+00', 'sent, with when');
SELECT throws_ok(format($$SELECT pgautomator.notification_sent(%s)$$, :n2), 'PA030', NULL, 'reporting twice is PA030');
SELECT is(pg_temp.fail_again(:n1, '2030-01-03 00:07:00+00'), 'pending 4 00:08:00', 'attempt 4 fails: after 8 minutes');
SELECT is(split_part(pg_temp.fail_again(:n1, '2030-01-03 00:15:00+00'), ' ', 1), 'failed', 'attempt 5 fails: failed for good');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_notifications('mailman', 10, '2030-01-04 00:00:00+00') x WHERE (x ->> 'id')::bigint = :n1), 0, 'and never handed out again');
SELECT throws_ok($$SELECT pgautomator.notification_failed(-1, 'x')$$, 'PA010', NULL, 'an unknown notification is PA010');
SELECT throws_ok($$SELECT * FROM pgautomator.claim_notifications('mailman', 0)$$, 'PA002', NULL, 'claim_notifications: max 0 is PA002');

SELECT * FROM finish();
ROLLBACK;

-- Administration (issue 15, defect 4): an admin drains an agent (it claims nothing new, finishes
-- what it runs, stays drained across a restart, until undrain_agent); a test mail of one agent's
-- SMTP settings goes through the outbox and only that agent sends it; get_retention says what
-- purge_history() would delete.
BEGIN;
SELECT plan(42);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_adm_operator;
GRANT pgautomator_operator TO pgat_adm_operator;

-- 1. Drain: no new runs, the running one ends normally --------------------------------------------
SELECT pgautomator._register_agent('drainee', heartbeat_interval => '1 hour');
SELECT pgautomator._register_agent('other', heartbeat_interval => '1 hour');
SELECT pgautomator.create_job('drain_job', overlap => 'allow');
SELECT pgautomator.add_step('drain_job', 'only', 'shell', 'true');
SELECT pgautomator.start_job('drain_job') AS r1 \gset
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('drainee', 1)), 1, 'before the drain, the agent claims a run');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'running', 'which runs on it');

SELECT lives_ok($$SELECT pgautomator.drain_agent('drainee')$$, 'drain_agent');
SELECT is((SELECT state || '/' || drained_by FROM pgautomator.list_agents() WHERE name = 'drainee'), 'draining/' || current_user,
          'list_agents shows it draining, and who drained it');
SELECT is((SELECT state FROM pgautomator.agent WHERE name = 'drainee'), 'online', 'the agent''s own state is untouched (it is alive)');
SELECT lives_ok($$SELECT pgautomator.drain_agent('drainee')$$, 'draining again changes nothing');
SELECT is((SELECT agent_state FROM pgautomator.list_running() WHERE id = :r1), 'draining', 'list_running shows its agent draining');
SELECT pgautomator.start_job('drain_job') AS r2 \gset
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('drainee', 5)), 0, 'a drained agent claims nothing');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r2), 'queued', 'the new run stays queued');
SELECT is(pgautomator._agent_heartbeat('drainee', ARRAY[:r1]::bigint[]) ->> 'state', 'draining', 'its heartbeat says draining (the agent then makes no claim)');
SELECT is((pgautomator._agent_heartbeat('drainee', ARRAY[:r1]::bigint[]) ->> 'queued')::int, 0, 'and offers it no queued run');
SELECT is(pgautomator._agent_heartbeat('drainee', ARRAY[:r1]::bigint[]) -> 'kill', '[]'::jsonb, 'nor kills its running run');
SELECT lives_ok(format('SELECT pgautomator.end_step(%s, %L, 0)', (SELECT id FROM pgautomator.step_run WHERE job_run_id = :r1), 'succeeded'),
                'the running run''s step ends');
SELECT lives_ok(format('SELECT pgautomator.end_run(%s, %L)', :r1, 'succeeded'), 'and the run ends');
SELECT is((SELECT state FROM pgautomator.job_run WHERE id = :r1), 'succeeded', 'succeeded, as on any agent');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('drainee', 5)), 0, 'with free capacity, still nothing claimed');
SELECT is((SELECT agents_draining FROM pgautomator.status()), 1, 'status counts it draining');

-- A restart keeps the drain (it is the admin's, not the agent's).
SELECT pgautomator._register_agent('drainee', heartbeat_interval => '1 hour');
SELECT is((SELECT state FROM pgautomator.list_agents() WHERE name = 'drainee'), 'draining', 'registering again: still draining');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('drainee', 5)), 0, 'and still claims nothing');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('other', 5)), 1, 'another agent takes the queued run');

SELECT lives_ok($$SELECT pgautomator.undrain_agent('drainee')$$, 'undrain_agent');
SELECT is((SELECT state || '/' || coalesce(drained_by::text, '-') FROM pgautomator.list_agents() WHERE name = 'drainee'), 'online/-', 'online again');
SELECT is(pgautomator._agent_heartbeat('drainee', '{}') ->> 'state', 'online', 'its heartbeat says online');
SELECT pgautomator.start_job('drain_job');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_runs('drainee', 5)), 1, 'and it claims again');

SELECT throws_ok($$SELECT pgautomator.drain_agent('nope')$$, 'PA010', NULL, 'drain_agent: unknown agent is PA010');
SELECT throws_ok($$SELECT pgautomator.undrain_agent('nope')$$, 'PA010', NULL, 'undrain_agent: unknown agent is PA010');
SELECT throws_ok($$SET LOCAL ROLE pgat_adm_operator; SELECT pgautomator.drain_agent('drainee')$$, '42501', NULL, 'an operator may not drain');

-- 2. Test mail through the outbox, sent by the agent named -----------------------------------------
SELECT throws_ok($$SELECT pgautomator.send_test_mail('not an address', 'drainee')$$, 'PA002', NULL, 'send_test_mail: a bad address is PA002');
SELECT throws_ok($$SELECT pgautomator.send_test_mail('dba@example.com', 'nope')$$, 'PA010', NULL, 'send_test_mail: unknown agent is PA010');
SELECT throws_ok($$SELECT pgautomator.send_test_mail('dba@example.com', 'drainee')$$, 'PA030', 'agent ''drainee'' has no SMTP settings',
                 'send_test_mail: an agent without SMTP settings is PA030');
SELECT throws_ok($$SELECT pgautomator.send_test_mail('dba@example.com')$$, 'PA030', NULL, 'send_test_mail without agent: none has SMTP, PA030');
SELECT pgautomator.set_agent_smtp('drainee', '127.0.0.1', 2525, 'none');
SELECT pgautomator.set_agent_smtp('other', '127.0.0.2', 2525, 'none');
SELECT pgautomator.send_test_mail('dba@example.com', 'drainee') AS mail \gset
SELECT is(pgautomator.get_notification(:mail) - 'created_at' - 'id',
          '{"event": "test", "run_id": null, "recipients": ["dba@example.com"], "subject": "[pgAutomator] test mail from agent drainee", "state": "pending",
            "attempts": 0, "last_error": null, "sent_at": null, "agent": "drainee", "claimed_by": null}'::jsonb, 'get_notification: pending, for drainee');
SELECT is((pgautomator._agent_heartbeat('other', '{}') ->> 'mail_due')::int, 0, 'another agent is not told of it');
SELECT is((SELECT count(*)::int FROM pgautomator._claim_notifications('other', 10)), 0, 'nor may it claim it');
SELECT is((pgautomator._agent_heartbeat('drainee', '{}') ->> 'mail_due')::int, 1, 'the agent named is told');
SELECT is((SELECT x ->> 'id' FROM pgautomator._claim_notifications('drainee', 10) x)::bigint, :'mail'::bigint, 'and claims it');
SELECT pgautomator.notification_sent(:mail);
SELECT is(pgautomator.get_notification(:mail) ->> 'state', 'sent', 'get_notification: sent');
SELECT throws_ok($$SELECT pgautomator.get_notification(424242)$$, 'PA010', NULL, 'get_notification: unknown id is PA010');

-- 3. Retention read: what purge_history() would delete ----------------------------------------------
-- Every run ends: three finished runs of drain_job.
SELECT pgautomator.end_step(sr.id, 'succeeded', 0) FROM pgautomator.step_run sr WHERE sr.state = 'running';
SELECT pgautomator.end_run(r.id, 'succeeded') FROM pgautomator.job_run r WHERE r.state = 'running';
SELECT is(pgautomator.get_retention() - 'runs_to_purge', '{"keep_runs": null, "keep_age": null, "jobs_with_own_policy": 0}'::jsonb,
          'get_retention: no limit by default');
SELECT pgautomator.set_retention(keep_runs => 1);
SELECT (pgautomator.get_retention() ->> 'runs_to_purge')::bigint AS to_purge \gset
SELECT is(:to_purge::bigint, 2::bigint, 'with keep_runs 1, two of the three finished runs are due to go');
SELECT is(pgautomator.purge_history(), :to_purge::bigint, 'purge_history() deletes exactly the runs get_retention counted');
SELECT is((pgautomator.get_retention() ->> 'runs_to_purge')::bigint, 0::bigint, 'none left to purge');

SELECT * FROM finish();
ROLLBACK;

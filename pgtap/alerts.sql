-- Alerts: freshness (a dead man's switch) and duration rules, raised by the database's sweeps
-- (_evaluate_alerts, called by claims and heartbeats; tests pass the instant), mailed through the
-- outbox, cleared by the next success or the run's end, acknowledged; the computed no_agent row;
-- metrics(). set_job_alert is granted and takes no clock: it counts from now(), so the instants
-- here are now() plus offsets.
BEGIN;
SELECT plan(42);

CREATE FUNCTION pg_temp.t(offset_text text) RETURNS timestamptz LANGUAGE sql AS $$ SELECT now() + offset_text::interval $$;
CREATE FUNCTION pg_temp.claim(at timestamptz) RETURNS SETOF bigint LANGUAGE sql AS $$
  SELECT (x ->> 'run_id')::bigint FROM pgautomator._claim_runs('a1', 50, at) x $$;
CREATE FUNCTION pg_temp.open_alerts() RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(coalesce(job, '') || ':' || kind ORDER BY job, kind), '{}') FROM pgautomator.alerts WHERE open $$;

SELECT pgautomator.create_job('nightly');
SELECT pgautomator.add_step('nightly', 'only', 'shell', 'true');
SELECT pgautomator.create_job('slow');
SELECT pgautomator.add_step('slow', 'only', 'shell', 'sleep 1000');
SELECT pgautomator.create_operator('ops', 'ops@example.com');
SELECT pgautomator.set_job_email('nightly', '{}', '{ops}');

-- 1. No agent at all: nothing runs and nothing is evaluated, and that shows ------------------------
SELECT is(pg_temp.open_alerts(), ARRAY[':no_agent'], 'with enabled jobs and no agent online, the alerts view has a no_agent row');
SELECT pgautomator._register_agent('a1', max_concurrent => 50, heartbeat_interval => '1 hour', at => now());
SELECT is(pg_temp.open_alerts(), '{}'::text[], 'an agent online: the no_agent row is gone');
SELECT pgautomator.drain_agent('a1');
SELECT is(pg_temp.open_alerts(), ARRAY[':no_agent'], 'its only agent drained: no new run starts, the no_agent row is back');
SELECT ok((SELECT message LIKE 'every online agent is drained%' FROM pgautomator.alerts WHERE kind = 'no_agent'), 'saying that the agents are drained');
SELECT pgautomator.undrain_agent('a1');
SELECT is(pg_temp.open_alerts(), '{}'::text[], 'undrained: gone again');

-- 2. Rules and their errors ------------------------------------------------------------------------
SELECT lives_ok($$SELECT pgautomator.set_job_alert('nightly', 'freshness', '1 hour')$$, 'set_job_alert freshness');
SELECT lives_ok($$SELECT pgautomator.set_job_alert('slow', 'duration', '10 minutes')$$, 'set_job_alert duration');
SELECT throws_ok($$SELECT pgautomator.set_job_alert('nightly', 'latency', '1 hour')$$, 'PA002', NULL, 'an unknown kind is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_alert('nightly', 'freshness', '0')$$, 'PA002', NULL, 'a threshold of 0 is PA002');
SELECT throws_ok($$SELECT pgautomator.set_job_alert('nope', 'freshness', '1 hour')$$, 'PA010', NULL, 'an unknown job is PA010');

-- 3. Freshness ---------------------------------------------------------------------------------------
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('59 minutes')), 0, 'freshness: nothing before the threshold has passed');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('61 minutes')), 1, 'freshness: one alert once the job has not succeeded for the threshold');
SELECT is(pg_temp.open_alerts(), ARRAY['nightly:freshness'], 'it shows in the alerts view');
SELECT matches((SELECT message FROM pgautomator.alerts WHERE kind = 'freshness'), 'has not succeeded since the rule was set', 'its message says why');
SELECT is((SELECT recipients FROM pgautomator.notification WHERE event = 'alert'), ARRAY['ops@example.com'], 'mail to the job''s operators through the outbox');
SELECT matches((SELECT subject FROM pgautomator.notification WHERE event = 'alert'), 'ALERT freshness: nightly', 'the mail''s subject names the alert');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('3 hours')), 0, 'one alert, not one per sweep');
SELECT is((SELECT count(*) FROM pgautomator.notification WHERE event = 'alert')::int, 1, 'and one mail');
-- The sweep of a claim evaluates too (here nothing new is due).
SELECT pgautomator._start_job('nightly', at => pg_temp.t('2 hours')) AS n1 \gset
SELECT is(ARRAY(SELECT pg_temp.claim(pg_temp.t('2 hours'))), ARRAY[:n1]::bigint[], 'the job runs');
SELECT pgautomator.end_run(:n1, 'failed');
SELECT is(pg_temp.open_alerts(), ARRAY['nightly:freshness'], 'a failure clears nothing');
SELECT pgautomator._start_job('nightly', at => pg_temp.t('2 hours 1 minute')) AS n2 \gset
SELECT pg_temp.claim(pg_temp.t('2 hours 1 minute'));
SELECT pgautomator.end_run(:n2, 'succeeded');
SELECT is(pg_temp.open_alerts(), '{}'::text[], 'the next success clears the alert');
SELECT is((SELECT cleared_by_run_id FROM pgautomator.alerts WHERE kind = 'freshness'), :n2::bigint, 'cleared by that run');
SELECT is((SELECT due_at FROM pgautomator.alert_rule WHERE kind = 'freshness'), pg_temp.t('3 hours 1 minute'), 'the next deadline is the success plus the threshold');
SELECT is(ARRAY(SELECT pg_temp.claim(pg_temp.t('3 hours 2 minutes'))), '{}'::bigint[], 'a claim after the deadline ...');
SELECT is(pg_temp.open_alerts(), ARRAY['nightly:freshness'], '... raises the next alert: claims sweep');
SELECT pgautomator._agent_heartbeat('a1', '{}', pg_temp.t('3 hours 3 minutes'));
SELECT is((SELECT count(*) FROM pgautomator.alerts WHERE kind = 'freshness')::int, 2, 'a heartbeat sweep raises nothing twice');

-- 4. Acknowledge -------------------------------------------------------------------------------------
SELECT (SELECT id FROM pgautomator.alerts WHERE open) AS a2 \gset
SELECT lives_ok(format('SELECT pgautomator.acknowledge_alert(%s)', :a2), 'acknowledge_alert');
SELECT is((SELECT acknowledged_by FROM pgautomator.alerts WHERE id = :a2), current_user::name, 'records who');
SELECT ok((SELECT open FROM pgautomator.alerts WHERE id = :a2), 'an acknowledged alert stays open until cleared');
SELECT throws_ok(format('SELECT pgautomator.acknowledge_alert(%s)', :a2), 'PA030', NULL, 'acknowledging twice is PA030');
SELECT throws_ok('SELECT pgautomator.acknowledge_alert(-1)', 'PA010', NULL, 'an unknown alert is PA010');

-- 5. Duration ---------------------------------------------------------------------------------------
SELECT pgautomator._start_job('slow', at => pg_temp.t('4 hours')) AS s1 \gset
SELECT pg_temp.claim(pg_temp.t('4 hours'));
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('4 hours 9 minutes')), 0, 'duration: nothing while the run is shorter than the threshold');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('4 hours 11 minutes')), 1, 'duration: one alert while it still runs past the threshold');
SELECT is((SELECT run_id FROM pgautomator.alerts WHERE kind = 'duration'), :s1::bigint, 'naming the run');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('5 hours')), 0, 'not twice');
SELECT pgautomator.end_run(:s1, 'succeeded');
SELECT ok((SELECT NOT open FROM pgautomator.alerts WHERE kind = 'duration'), 'the run''s end clears it');

-- 6. Removing a rule clears its alert; metrics ----------------------------------------------------
SELECT pgautomator.set_job_alert('nightly', 'freshness', NULL);
SELECT is(pg_temp.open_alerts(), '{}'::text[], 'set_job_alert(..., NULL) removes the rule and clears its open alert');
SELECT is((SELECT jsonb_agg(x ORDER BY x ->> 0, x ->> 1) FROM jsonb_array_elements(pgautomator.metrics() -> 'runs') x),
          '[["nightly", "failed", 1], ["nightly", "succeeded", 1], ["slow", "succeeded", 1]]'::jsonb,
          'metrics: finished runs by job and state');
SELECT is(pgautomator.metrics() - 'runs' - 'duration_seconds' - 'lateness_seconds',
          '{"queued": 0, "running": 0, "agents_online": 1, "outbox_pending": 2, "alerts_open": 0}'::jsonb, 'metrics: current counts (the mail of both freshness alerts waits in the outbox)');

-- 7. Successes before the deadline move it without any alert (and without touching the rule at each success)
SELECT pgautomator.create_job('hourly');
SELECT pgautomator.add_step('hourly', 'only', 'shell', 'true');
SELECT pgautomator.set_job_alert('hourly', 'freshness', '1 hour');
SELECT pgautomator._start_job('hourly', at => pg_temp.t('30 minutes')) AS h1 \gset
SELECT pg_temp.claim(pg_temp.t('30 minutes'));
SELECT pgautomator.end_run(:h1, 'succeeded');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('61 minutes')), 0, 'freshness: a success within the threshold, nothing at the first deadline');
SELECT is((SELECT due_at FROM pgautomator.alert_rule WHERE kind = 'freshness' AND job_id = (SELECT id FROM pgautomator.job WHERE name = 'hourly')),
          pg_temp.t('90 minutes'), 'the deadline moved to that success plus the threshold');
SELECT is(pgautomator._evaluate_alerts(pg_temp.t('91 minutes')), 1, 'and the alert comes when that deadline passes');

SELECT * FROM finish();
ROLLBACK;

-- job.steps_payload, the steps a claim hands an agent, is built when steps change, not per claim:
-- after every kind of change through the API it must equal what _steps_payload builds from the
-- rows, and a claim must hand out the steps as they are now (a stale copy would run an old command).
BEGIN;
SELECT plan(16);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_payload_agent;
GRANT pgautomator_agent TO pgat_payload_agent;
CREATE FUNCTION pg_temp.stale() RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(j.name ORDER BY j.name), '{}') FROM pgautomator.job j WHERE j.steps_payload <> pgautomator._steps_payload(j.id) $$;
CREATE FUNCTION pg_temp.claimed_steps(job text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE p jsonb;
BEGIN
  PERFORM pgautomator.start_job(job);
  SELECT x INTO p FROM pgautomator._claim_runs('payloads', 1) x;
  RETURN p -> 'steps';
END $$;

SELECT pgautomator.create_connection('sales', 'postgres', 'postgres://report@db/sales', 'env:SALES_PW');
SELECT pgautomator.create_job('pay', overlap => 'allow');
SELECT is(pgautomator._steps_payload(pgautomator._job_id('pay')), '[]'::jsonb, 'a job without steps: none');
SELECT pgautomator.add_step('pay', 'dump', 'shell', 'pg_dump sales', retries => 2, retry_delay => '1 minute');
SELECT pgautomator.add_step('pay', 'check', 'sql', 'SELECT 1', connection => 'sales');
SELECT pgautomator.add_step('pay', 'report', 'shell', 'echo done', timeout => '5 minutes');
SELECT is(pg_temp.stale(), '{}', 'add_step: kept');
SELECT is(jsonb_array_length((SELECT steps_payload FROM pgautomator.job WHERE name = 'pay')), 3, 'three steps in it');

SELECT pgautomator.update_step('pay', 'dump', command => 'pg_dump -Fc sales', on_failure => 'goto', on_failure_goto => 'report');
SELECT is(pg_temp.stale(), '{}', 'update_step (command, goto): kept');
SELECT pgautomator.move_step('pay', 'report', 1);
SELECT is(pg_temp.stale(), '{}', 'move_step: kept (the goto target''s position too)');
SELECT is((SELECT steps_payload -> 1 ->> 'on_failure_goto' FROM pgautomator.job WHERE name = 'pay'), '1',
          'the goto names the target''s new position');

SELECT pgautomator.update_connection('sales', dsn => 'postgres://report@db2/sales');
SELECT is(pg_temp.stale(), '{}', 'update_connection (dsn): kept');
SELECT is((SELECT steps_payload -> 2 -> 'connection' ->> 'dsn' FROM pgautomator.job WHERE name = 'pay'), 'postgres://report@db2/sales',
          'the SQL step carries the connection as it is now');

SELECT pgautomator.create_operator('dba', 'dba@example.com');
SELECT pgautomator.set_step_email('pay', 'dump', '{failure}', '{dba}');
SELECT pgautomator.update_operator('dba', new_name => 'oncall');
SELECT is(pg_temp.stale(), '{}', 'mail settings and an operator renamed: still equal');

SELECT pgautomator.copy_job('pay', 'pay-copy');
SELECT is(pg_temp.stale(), '{}', 'copy_job: the copy has its own');
SELECT is((SELECT steps_payload -> 1 ->> 'on_failure_goto' FROM pgautomator.job WHERE name = 'pay-copy'), '1',
          'the copy''s goto names its own step''s position');
SELECT pgautomator.import_job(pgautomator.export_job('pay'), new_name => 'pay-imported');
SELECT is(pg_temp.stale(), '{}', 'import_job: kept');

SELECT pgautomator.remove_step('pay', 'check');
SELECT is(pg_temp.stale(), '{}', 'remove_step: kept');

-- The claim hands out what the job keeps, changed a moment before in the same transaction.
SET LOCAL ROLE pgat_payload_agent;
SELECT pgautomator.register_agent('payloads', max_concurrent => 10) IS NOT NULL AS registered;
RESET ROLE;
SELECT pgautomator.update_step('pay', 'dump', command => 'pg_dump -Fc -Z9 sales');
SELECT is(pg_temp.claimed_steps('pay'), pgautomator._steps_payload(pgautomator._job_id('pay')), 'a claim hands out the steps as they are');
SELECT is(pg_temp.claimed_steps('pay') -> 1 ->> 'command', 'pg_dump -Fc -Z9 sales', 'with the command just changed');

-- A direct write by a superuser to a step (not the API) is followed as well: the triggers are on the table.
UPDATE pgautomator.step SET command = 'echo changed' WHERE name = 'report' AND job_id = pgautomator._job_id('pay');
SELECT is(pg_temp.stale(), '{}', 'a step written outside the API: kept');

SELECT * FROM finish();
ROLLBACK;

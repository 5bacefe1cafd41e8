-- A report sent again after its answer was lost (committed, then the connection broke): agent_report
-- answers an end_step or end_run that repeats what is recorded ok with "repeat": true, so the agent
-- neither keeps it in its spool nor warns that a result was dropped. A different end stays PA030,
-- and another agent's role is refused (PA040).
BEGIN;
SELECT plan(8);

SET LOCAL TimeZone = 'UTC';
CREATE ROLE pgat_rep_a; CREATE ROLE pgat_rep_b;
GRANT pgautomator_agent TO pgat_rep_a, pgat_rep_b;
SELECT pgautomator.create_job('rep_job', overlap => 'allow');
SELECT pgautomator.add_step('rep_job', 'one', 'shell', 'true');
SET LOCAL ROLE pgat_rep_a;
SELECT pgautomator.register_agent('rep-a');
RESET ROLE;
SET LOCAL ROLE pgat_rep_b;
SELECT pgautomator.register_agent('rep-b');
RESET ROLE;
SELECT pgautomator.start_job('rep_job') AS r1 \gset
SET LOCAL ROLE pgat_rep_a;
SELECT count(*) FROM pgautomator.claim_runs('rep-a', 1);
RESET ROLE;
SELECT s.id AS s1 FROM pgautomator.step_run s WHERE s.job_run_id = :r1 \gset

CREATE FUNCTION pg_temp.report(entries jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT pgautomator.agent_report(entries) $$;
GRANT EXECUTE ON FUNCTION pg_temp.report(jsonb) TO pgat_rep_a, pgat_rep_b;

-- 1. The first report is recorded; the same report again is a repeat.
SET LOCAL ROLE pgat_rep_a;
SELECT is(pg_temp.report(format('[{"op": "end_step", "step_run_id": %s, "state": "failed", "exit_code": 3}]', :s1)::jsonb),
  '[{"ok": true}]'::jsonb, 'end_step recorded');
SELECT is(pg_temp.report(format('[{"op": "end_step", "step_run_id": %s, "state": "failed", "exit_code": 3}]', :s1)::jsonb),
  '[{"ok": true, "repeat": true}]'::jsonb, 'the same end_step again: ok, a repeat');
SELECT is(pg_temp.report(format('[{"op": "end_step", "step_run_id": %s, "state": "failed", "exit_code": 4}]', :s1)::jsonb) -> 0 ->> 'code',
  'PA030', 'another exit code for the ended attempt: still PA030');
SELECT is(pg_temp.report(format('[{"op": "end_run", "run_id": %s, "state": "failed", "message": "step one failed"}]', :r1)::jsonb),
  '[{"ok": true}]'::jsonb, 'end_run recorded');
SELECT is(pg_temp.report(format('[{"op": "end_run", "run_id": %s, "state": "failed", "message": "step one failed"}]', :r1)::jsonb),
  '[{"ok": true, "repeat": true}]'::jsonb, 'the same end_run again: ok, a repeat');
SELECT is(pg_temp.report(format('[{"op": "end_run", "run_id": %s, "state": "succeeded"}]', :r1)::jsonb) -> 0 ->> 'code',
  'PA030', 'another state for the ended run: still PA030');
RESET ROLE;
SELECT is((SELECT state || '/' || exit_code FROM pgautomator.step_run WHERE id = :s1), 'failed/3', 'nothing changed by the repeats');

-- 2. Another agent's role cannot learn or claim anything through a repeat.
SET LOCAL ROLE pgat_rep_b;
SELECT throws_ok(format($$SELECT pg_temp.report('[{"op": "end_run", "run_id": %s, "state": "failed"}]')$$, :r1), 'PA040', NULL,
  'another agent''s role: PA040');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

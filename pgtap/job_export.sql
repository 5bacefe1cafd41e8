-- export_job / import_job / script_job (issue 15): a job as a document and as SQL. The psql
-- round trip of script_job's text is test/script-job.test.ts (real psql).
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.error_of(sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
  RETURN jsonb_build_object('code', c, 'message', m, 'detail', d);
END $$;
-- get_job without what differs between two equal jobs (ids, times, the job's own name).
CREATE FUNCTION pg_temp.definition(name text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_set(jsonb_set(jsonb_set(g, '{job}', (g -> 'job') - '{id,name,created_at,updated_at,next_run_at,last_run_id,last_run_state,last_run_finished_at}'::text[]),
           '{steps}', coalesce((SELECT jsonb_agg(s - '{id,created_at,updated_at}'::text[] ORDER BY (s ->> 'position')::int) FROM jsonb_array_elements(g -> 'steps') s), '[]')),
           '{schedules}', coalesce((SELECT jsonb_agg(s - '{next_fire_at,last_fire_at,attached_at}'::text[]) FROM jsonb_array_elements(g -> 'schedules') s), '[]'))
         - 'alert_rules'
         || jsonb_build_object('alerts', (SELECT jsonb_agg(a - 'due_at') FROM jsonb_array_elements(g -> 'alert_rules') a))
    FROM pgautomator.get_job(name) g
$$;

INSERT INTO pgautomator.agent (name, db_role, state) VALUES ('host1', 'postgres', 'offline');
SELECT pgautomator.create_connection('warehouse', 'postgres', 'postgres://etl@wh.example.com/dw', 'env:WH_PASSWORD');
SELECT pgautomator.create_category('etl', 'nightly loads');
SELECT pgautomator.create_job('load ''dw''', description => E'two\nlines', category => 'etl', agent => 'host1', overlap => 'queue_one', timeout => '1 hour');
SELECT pgautomator.add_step('load ''dw''', 'extract', 'shell', E'echo "it''s"\nexit 0', shell => 'bash', env => '{"X": "1"}', retries => 2, retry_delay => '10 seconds');
SELECT pgautomator.add_step('load ''dw''', 'load', 'sql', 'SELECT 1', connection => 'warehouse', on_failure => 'goto', on_failure_goto => 'extract');
SELECT pgautomator.update_step('load ''dw''', 'extract', on_success => 'goto', on_success_goto => 'load');
SELECT pgautomator.create_schedule('nightly', '{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:00"}}');
SELECT pgautomator.attach_schedule('load ''dw''', 'nightly');
SELECT pgautomator.set_job_email('load ''dw''', '{failure}', '{dba@example.com}');
SELECT pgautomator.create_job('upstream');
SELECT pgautomator.add_job_trigger('load ''dw''', 'upstream');
SELECT pgautomator.set_job_alert('load ''dw''', 'freshness', '1 day');

CREATE TEMP TABLE doc AS SELECT pgautomator.export_job('load ''dw''') AS d;
SELECT is((SELECT d ->> 'format' FROM doc) || ' ' || (SELECT d ->> 'version' FROM doc), 'pgautomator.job 1', 'export_job: a versioned document');
SELECT ok((SELECT d::text NOT LIKE '%wh.example.com%' AND d::text NOT LIKE '%WH_PASSWORD%' FROM doc), 'export_job: connections by name, no DSN or secret');
SELECT is((SELECT d -> 'steps' -> 0 ->> 'on_success_goto' FROM doc), 'load', 'export_job: gotos by step name');

SELECT ok(pgautomator.import_job((SELECT d FROM doc), new_name => 'load copy') > 0, 'import_job with a new name returns the new job''s id');
SELECT is(pg_temp.definition('load copy'), pg_temp.definition('load ''dw'''), 'the copy is the same job (steps, gotos, mail, schedules, triggers, alerts)');
SELECT is((SELECT code || ' ' || detail FROM (SELECT e ->> 'code' AS code, e ->> 'detail' AS detail FROM pg_temp.error_of(
            format('SELECT pgautomator.import_job(%L)', (SELECT d FROM doc))) e) x), 'PA020 field: job.name',
  'importing it again under its own name: PA020 naming job.name');

-- Into a database without the connection (here: renamed away): the error names the document's field.
SELECT pgautomator.delete_job('load copy');
SELECT pgautomator.delete_job('load ''dw''');
SELECT pgautomator.delete_schedule('nightly');
SELECT pgautomator.delete_category('etl');
SELECT pgautomator.update_connection('warehouse', new_name => 'dw2');
SELECT is(pg_temp.error_of(format('SELECT pgautomator.import_job(%L)', (SELECT d FROM doc))),
  '{"code": "PA010", "message": "step 2 (load): connection ''warehouse'' does not exist", "detail": "field: steps[2].connection"}',
  'a missing connection: PA010 naming steps[2].connection');
SELECT is((SELECT count(*) FROM pgautomator.category) + (SELECT count(*) FROM pgautomator.schedule) + (SELECT count(*) FROM pgautomator.job WHERE name <> 'upstream'),
  0::bigint, 'a failed import leaves nothing behind (no category, schedule or job)');
SELECT pgautomator.update_connection('dw2', new_name => 'warehouse');
SELECT lives_ok(format('SELECT pgautomator.import_job(%L)', (SELECT d FROM doc)), 'with the connection back, the import goes through');
SELECT is(pgautomator.export_job('load ''dw'''), (SELECT d FROM doc), 'and exports to the same document');

SELECT is(pg_temp.error_of($$SELECT pgautomator.import_job('{"format": "something"}')$$) ->> 'detail', 'field: format', 'not a job document: PA002 field format');
SELECT is(pg_temp.error_of($$SELECT pgautomator.import_job('{"format": "pgautomator.job", "version": 1, "job": {"name": "x", "abandon_retries": "many"}}')$$),
  '{"code": "PA002", "message": "the job: invalid input syntax for type integer: \"many\"", "detail": "field: job"}',
  'a value of the wrong type: PA002 naming the part');

SELECT matches(pgautomator.script_job('load ''dw'''), E'^-- Job load ''dw'' as SQL.*\nBEGIN;\n.*\nCOMMIT;\n$', 'script_job: one transaction');
SELECT ok(strpos(pgautomator.script_job('load ''dw'''), E'command => ''echo "it''''s"\nexit 0''') > 0, 'script_job quotes with format(%L): quotes doubled, newlines kept');

SELECT * FROM finish();
ROLLBACK;

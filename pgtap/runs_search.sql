-- History reads of issue 15: list_runs(search) over run messages and step output and messages,
-- list_runs ranges on started or finished time, list_step_runs (a step's last attempts).
BEGIN;
SELECT plan(27);

CREATE TEMP TABLE ids (k text PRIMARY KEY, id bigint NOT NULL);
CREATE FUNCTION pg_temp.id(k text) RETURNS bigint LANGUAGE sql AS $$ SELECT id FROM ids WHERE ids.k = $1 $$;
CREATE FUNCTION pg_temp.ids(VARIADIC k text[]) RETURNS bigint[] LANGUAGE sql AS $$ SELECT ARRAY(SELECT pg_temp.id(x) FROM unnest($1) x) $$;

INSERT INTO pgautomator.agent (name, db_role, state) VALUES ('host1', 'postgres', 'offline');
INSERT INTO ids SELECT 'etl', pgautomator.create_job('etl');
INSERT INTO ids SELECT 'extract', pgautomator.add_step('etl', 'extract', 'shell', 'extract.sh');
INSERT INTO ids SELECT 'load', pgautomator.add_step('etl', 'load', 'shell', 'load.sh');

-- Runs, oldest first: due, started and finished apart, so that each range reads a different column.
CREATE FUNCTION pg_temp.run(k text, due interval, started interval, finished interval, st text, msg text) RETURNS void LANGUAGE sql AS $$
  WITH r AS (
    INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state, message, agent_id)
    VALUES (pg_temp.id('etl'), 'manual', now() - due, now() - started, now() - finished, st, msg,
            CASE WHEN started IS NOT NULL THEN (SELECT a.id FROM pgautomator.agent a) END)
    RETURNING id)
  INSERT INTO ids SELECT k, id FROM r
$$;
CREATE FUNCTION pg_temp.attempt(k text, run text, step text, attempt int, st text, code int, msg text, outp text) RETURNS void LANGUAGE sql AS $$
  WITH s AS (
    INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, state, started_at, finished_at, exit_code, message, output, agent_id)
    SELECT pg_temp.id(run), pg_temp.id(step), CASE step WHEN 'extract' THEN 1 ELSE 2 END, step, $4, st,
           r.started_at + $4 * interval '1 minute', r.started_at + $4 * interval '1 minute' + interval '30 seconds', code, msg, outp, r.agent_id
      FROM pgautomator.job_run r WHERE r.id = pg_temp.id(run)
    RETURNING id)
  INSERT INTO ids SELECT k, id FROM s
$$;
SELECT pg_temp.run('r1', '10 hours', '10 hours', '9 hours', 'failed', 'step extract failed: Connection refused');
SELECT pg_temp.run('r2', '8 hours', '3 hours', '2 hours', 'succeeded', NULL);
SELECT pg_temp.run('r3', '6 hours', '5 hours', '1 hour', 'succeeded', NULL);
SELECT pg_temp.run('r4', '1 minute', NULL, NULL, 'queued', NULL);
SELECT pg_temp.attempt('a1', 'r1', 'extract', 1, 'failed', 2, 'exit code 2', E'psql: error: connection to server failed\nConnection refused');
SELECT pg_temp.attempt('a2', 'r2', 'extract', 1, 'failed', 1, 'exit code 1', 'ERROR:  division by zero');
SELECT pg_temp.attempt('a3', 'r2', 'extract', 2, 'succeeded', 0, NULL, 'copied 1200 rows to "Sales_2026"');
SELECT pg_temp.attempt('a4', 'r2', 'load', 1, 'succeeded', 0, 'loaded ✓ naïve', 'ok');
SELECT pg_temp.attempt('a5', 'r3', 'extract', 1, 'succeeded', 0, NULL, repeat('filler ', 10000) || 'needle-in-the-tail');

-- search -------------------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'connection refused')), pg_temp.ids('r1'),
  'search finds a run by its message and its output, case-insensitively');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'DIVISION by')), pg_temp.ids('r2'),
  'search finds a run by a failed attempt''s output (an earlier attempt of a step that succeeded later)');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => '"sales_2026"')), pg_temp.ids('r2'), 'punctuation in the search is matched as text');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'LOADED ✓ NAÏVE')), pg_temp.ids('r2'), 'a step attempt''s message, unicode, any case');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'conn')), pg_temp.ids('r1'), 'a word of the search may begin a longer word');
-- The search goes through the GIN indexes (step_run's is partial: attempts with neither message
-- nor output are not in it), not through every attempt.
CREATE TEMP TABLE scans_before AS
  SELECT i AS index, pg_stat_get_xact_numscans(i) AS scans FROM unnest(ARRAY['pgautomator.job_run_search_idx'::regclass, 'pgautomator.step_run_search_idx'::regclass]) i;
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'refused')), pg_temp.ids('r1'), 'one more search');
SELECT is(ARRAY(SELECT b.index::text FROM scans_before b WHERE pg_stat_get_xact_numscans(b.index) > b.scans ORDER BY 1),
          '{pgautomator.job_run_search_idx,pgautomator.step_run_search_idx}', 'which read the search indexes of job_run and step_run');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'refused connection')), '{}'::bigint[],
  'the words must appear as typed, in that order (the text contains the search)');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'needle-in-the-tail')), pg_temp.ids('r3'), 'the tail of a long output is searched');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'exit code', state => 'failed')), pg_temp.ids('r1'), 'search combines with the other filters');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'exit code', "limit" => 1)), pg_temp.ids('r2'), 'and pages, newest first');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'exit code', "limit" => 1, before_id => pg_temp.id('r2'))), pg_temp.ids('r1'), 'the next page');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(search => ' %% ')$$, 'PA002',
  'list_runs search must contain a word of letters or digits (got '' %% '')', 'a search without a word is PA002');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => E'it''s \\ & | ! :* <->')), '{}'::bigint[], 'tsquery operators in the search are plain text');

-- ranges -------------------------------------------------------------------------------------------
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(since => now() - interval '7 hours')), pg_temp.ids('r4', 'r3'),
  'since/until by due time (the default)');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(since => now() - interval '7 hours', range_on => 'started')), pg_temp.ids('r3', 'r2'),
  'range_on started: by start time (a run not started is left out)');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(since => now() - interval '90 minutes', range_on => 'finished')), pg_temp.ids('r3'),
  'range_on finished: by end time');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(since => now() - interval '11 hours', until => now() - interval '4 hours', range_on => 'started')),
  pg_temp.ids('r3', 'r1'), 'since and until by start time');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(range_on => 'due')$$, 'PA002',
  'list_runs range_on must be one of scheduled, started, finished (got "due")', 'an unknown range_on is PA002');
SELECT throws_ok($$SELECT * FROM pgautomator.list_runs(since => '2026-12-05', until => '2026-12-04')$$, 'PA002', NULL,
  'until before since is PA002, not an empty page');

-- list_step_runs -----------------------------------------------------------------------------------
SELECT results_eq($$SELECT id, run_id, attempt, state, exit_code, duration, agent FROM pgautomator.list_step_runs('etl', 'extract')$$,
  $$VALUES (pg_temp.id('a5'), pg_temp.id('r3'), 1, 'succeeded', 0, interval '30 seconds', 'host1'),
           (pg_temp.id('a3'), pg_temp.id('r2'), 2, 'succeeded', 0, interval '30 seconds', 'host1'),
           (pg_temp.id('a2'), pg_temp.id('r2'), 1, 'failed', 1, interval '30 seconds', 'host1'),
           (pg_temp.id('a1'), pg_temp.id('r1'), 1, 'failed', 2, interval '30 seconds', 'host1')$$,
  'list_step_runs: every attempt of the step across runs, newest first, with state, exit code and duration');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_step_runs('etl', 'extract', "limit" => 2, before_id => pg_temp.id('a3'))), pg_temp.ids('a2', 'a1'),
  'paged with limit and before_id');
SELECT throws_ok($$SELECT * FROM pgautomator.list_step_runs('etl', 'nope')$$, 'PA010', NULL, 'an unknown step is PA010');
SELECT throws_ok($$SELECT * FROM pgautomator.list_step_runs('etl', 'extract', "limit" => 0)$$, 'PA002',
  'list_step_runs limit must be from 1 to 1000 (got 0)', 'limit 0 is PA002');

-- Words in more than 10,000 attempts: each call reads at most the 10,000 newest runs (from
-- before_id), so older matches are reached by paging on; a rarer word among them bounds the
-- candidates again and the whole history is searched.
INSERT INTO ids SELECT 'bulk', pgautomator.create_job('bulk');
INSERT INTO ids SELECT 'work', pgautomator.add_step('bulk', 'work', 'shell', 'work.sh');
WITH r AS (
  INSERT INTO pgautomator.job_run (job_id, trigger, scheduled_for, started_at, finished_at, state)
  SELECT pg_temp.id('bulk'), 'manual', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day' + interval '1 second', 'succeeded'
    FROM generate_series(1, 10001)
  RETURNING id)
INSERT INTO pgautomator.step_run (job_run_id, step_id, position, step_name, attempt, state, started_at, finished_at, exit_code, output)
SELECT r.id, pg_temp.id('work'), 1, 'work', 1, 'succeeded', now() - interval '1 day', now() - interval '1 day', 0, 'common words ' || r.id FROM r;
SELECT pg_temp.attempt('a6', 'r1', 'load', 1, 'succeeded', 0, NULL, 'Common Words, rare sentence');
SELECT is((SELECT count(*) FROM pgautomator.list_runs(search => 'common words', "limit" => 1000)), 1000::bigint,
  'words in over 10,000 attempts: a full page, newest first');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'common words',
                  before_id => (SELECT min(id) FROM pgautomator.job_run WHERE job_id = pg_temp.id('bulk')))),
  pg_temp.ids('r1'), 'an older match is reached by paging on with before_id');
SELECT is(ARRAY(SELECT id FROM pgautomator.list_runs(search => 'common words, rare sentence')), pg_temp.ids('r1'),
  'a rare word among common ones: few candidates, the whole history is searched');

SELECT * FROM finish();
ROLLBACK;

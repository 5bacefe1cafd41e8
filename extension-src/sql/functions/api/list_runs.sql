CREATE OR REPLACE FUNCTION pgautomator.list_runs(
  job text DEFAULT NULL,
  state text DEFAULT NULL,
  agent text DEFAULT NULL,
  since timestamptz DEFAULT NULL,
  until timestamptz DEFAULT NULL,
  "limit" int DEFAULT 100,
  before_id bigint DEFAULT NULL,
  search text DEFAULT NULL,
  range_on text DEFAULT 'scheduled'
)
RETURNS SETOF pgautomator.runs
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- The search's candidate counts must come from the GIN indexes: with a LIMIT the planner may prefer
-- a sequential scan that computes _search_vector (to_tsvector of up to 48k characters) row by row
-- until it has enough, i.e. over the whole history when the words are rare. Measured on 200,000
-- attempts: 50 s by sequential scan against 0.6 s for the bitmap index scan of the same query.
SET enable_seqscan = off
AS $$
DECLARE
  jid bigint;
  aid bigint;
  q   tsquery;
  needle text := lower(list_runs.search);
  -- At most this many attempts and run messages are read to answer a search (see below).
  c_candidates CONSTANT int := 10000;
  n        bigint;
  hits     bigint[];
  floor_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF list_runs.job IS NOT NULL THEN
    jid := pgautomator._job_id(list_runs.job);
  END IF;
  IF list_runs.agent IS NOT NULL THEN
    aid := pgautomator._agent_id(list_runs.agent);
  END IF;
  IF list_runs.state IS NOT NULL THEN
    PERFORM pgautomator._check_one_of(list_runs.state,
      ARRAY['queued', 'running', 'succeeded', 'failed', 'killed', 'timed_out', 'abandoned', 'cancelled', 'skipped'], 'run state', 'state');
  END IF;
  IF list_runs."limit" IS NULL OR list_runs."limit" NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('list_runs limit must be from 1 to 1000 (got %s)', coalesce(list_runs."limit"::text, 'NULL')),
      'field: limit', 'Page with before_id => the smallest id of the previous page.');
  END IF;
  PERFORM pgautomator._check_one_of(list_runs.range_on, ARRAY['scheduled', 'started', 'finished'], 'list_runs range_on', 'range_on');
  IF list_runs.since IS NOT NULL AND list_runs.until IS NOT NULL AND list_runs.until < list_runs.since THEN
    PERFORM pgautomator._raise('PA002', format('list_runs until (%s) is before since (%s)', list_runs.until, list_runs.since),
      'field: until', 'Pass an until at or after since, or swap them.');
  END IF;
  IF list_runs.search IS NOT NULL THEN
    q := pgautomator._search_query(list_runs.search);
    IF q IS NULL THEN
      PERFORM pgautomator._raise('PA002', format('list_runs search must contain a word of letters or digits (got %L)', list_runs.search),
        'field: search', 'Search for a word of the message or output, e.g. search => ''timeout''.');
    END IF;
    -- The GIN indexes on _search_vector give the candidates: attempts and runs whose text has
    -- every word of the search as a word prefix. When they are few (the usual search for an error),
    -- each is read once to keep those that contain the search text itself, and the answer is
    -- complete. When the words are common (in more than c_candidates attempts or runs), reading
    -- every candidate's output would read the whole history (measured: 9 s for 200,000 outputs of
    -- 1 kB), so the search then reads only the c_candidates newest runs of the job (from before_id)
    -- and their attempts: the cost stays bounded and the caller narrows by job or time, or pages on.
    -- (The step_run predicate repeats the partial index's condition, so the planner may use it.)
    n := (SELECT count(*) FROM (SELECT 1 FROM pgautomator.step_run sr
                                  WHERE (sr.message IS NOT NULL OR sr.output IS NOT NULL)
                                    AND pgautomator._search_vector(sr.message, sr.output) @@ q LIMIT c_candidates + 1) x)
       + (SELECT count(*) FROM (SELECT 1 FROM pgautomator.job_run r
                                  WHERE r.message IS NOT NULL AND pgautomator._search_vector(r.message, NULL) @@ q LIMIT c_candidates + 1) x);
    IF n <= c_candidates THEN
      hits := ARRAY(SELECT r.id FROM pgautomator.job_run r
                     WHERE r.message IS NOT NULL AND pgautomator._search_vector(r.message, NULL) @@ q
                       AND strpos(lower(r.message), needle) > 0
                    UNION
                    SELECT sr.job_run_id FROM pgautomator.step_run sr
                     WHERE (sr.message IS NOT NULL OR sr.output IS NOT NULL)
                       AND pgautomator._search_vector(sr.message, sr.output) @@ q
                       AND (strpos(lower(sr.message), needle) > 0 OR strpos(lower(sr.output), needle) > 0));
    ELSE
      floor_id := coalesce((SELECT min(w.id) FROM (SELECT r.id FROM pgautomator.job_run r
                                                    WHERE (jid IS NULL OR r.job_id = jid)
                                                      AND (list_runs.before_id IS NULL OR r.id < list_runs.before_id)
                                                    ORDER BY r.id DESC LIMIT c_candidates) w), 0);
    END IF;
  END IF;
  -- Keyset paging on id (newest first): stable under concurrent inserts, index-backed.
  RETURN QUERY
    SELECT v.* FROM pgautomator.runs v
     WHERE (jid IS NULL OR v.job_id = jid)
       AND (list_runs.state IS NULL OR v.state = list_runs.state)
       AND (aid IS NULL OR v.agent = list_runs.agent)
       AND (list_runs.since IS NULL OR CASE list_runs.range_on WHEN 'started' THEN v.started_at WHEN 'finished' THEN v.finished_at
                                                                ELSE v.scheduled_for END >= list_runs.since)
       AND (list_runs.until IS NULL OR CASE list_runs.range_on WHEN 'started' THEN v.started_at WHEN 'finished' THEN v.finished_at
                                                                ELSE v.scheduled_for END < list_runs.until)
       AND (list_runs.before_id IS NULL OR v.id < list_runs.before_id)
       AND (q IS NULL OR v.id = ANY (hits)
            OR (floor_id IS NOT NULL AND v.id >= floor_id
                AND (strpos(lower(v.message), needle) > 0
                     OR EXISTS (SELECT FROM pgautomator.step_run sr
                                 WHERE sr.job_run_id = v.id
                                   AND (strpos(lower(sr.message), needle) > 0 OR strpos(lower(sr.output), needle) > 0)))))
     ORDER BY v.id DESC
     LIMIT list_runs."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint, text, text) IS
$c$Run history, newest first (rows of the runs view), filtered and paged.
Arguments: job, agent: only that job's or agent's runs; state: only runs in that state (queued, running, succeeded, failed, killed, timed_out, abandoned, cancelled, skipped); since / until: runs at or after since and before until (until before since is an error), by range_on: scheduled (default: when the run was due, scheduled_for), started (started_at) or finished (finished_at; runs not started or not finished are then left out); "limit": page size 1..1000 (default 100); before_id: the next page, i.e. runs with a smaller id than the last one seen; search: only runs whose message, or a step attempt's message or captured output, contains this text (case-insensitive), where each word of the search begins a word of that text (a word only inside another, or only in the middle of an output longer than 32k characters, is not found). Index-backed: when the words of the search are in at most 10,000 attempts and run messages, the answer covers the whole history; when they are more common, only the 10,000 newest runs (of job, if given, from before_id on) are searched, so narrow by job or page on with before_id.
Errors: PA002 bad state, limit or range_on, until before since, or a search without a word; PA010 no such job or agent; PA040 caller is not pgautomator_viewer (or above).
Example: SELECT id, job, state, started_at, duration FROM pgautomator.list_runs(job => 'backup', "limit" => 20);
Example: SELECT id, job, state, finished_at FROM pgautomator.list_runs(search => 'connection refused', range_on => 'finished', since => now() - interval '1 day');$c$;
REVOKE ALL ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_runs(text, text, text, timestamptz, timestamptz, int, bigint, text, text) TO pgautomator_viewer;

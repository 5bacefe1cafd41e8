-- What list_runs(search => ...) finds, as words: a run's or a step attempt's message and the head
-- and tail of its output. Bounded in characters so the vector stays far below tsvector's 1 MB limit
-- (outputs are kept up to 1 MB; a vector of all of it could exceed the limit and fail end_step)
-- and indexing costs little per attempt; words only in the middle of a very long output are not
-- found. The 'simple' configuration: no stemming and no stop words, since outputs are logs, not
-- prose. list_runs' predicates call it exactly as the index expressions do, so the indexes match.
CREATE OR REPLACE FUNCTION pgautomator._search_vector(message text, output text)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT pg_catalog.to_tsvector('pg_catalog.simple'::pg_catalog.regconfig,
    pg_catalog.concat_ws(' ', pg_catalog.left($1, 16384),
      CASE WHEN pg_catalog.length($2) > 32768 THEN pg_catalog.left($2, 16384) || ' ' || pg_catalog.right($2, 16384) ELSE $2 END))
$$;
COMMENT ON FUNCTION pgautomator._search_vector(text, text) IS 'The words list_runs(search) looks for: message (its first 16k characters) and output (all of it up to 32k characters, else its first and last 16k), simple configuration; the expression of the search indexes on job_run and step_run.';
-- The search indexes live here, not with their tables: an index expression needs its function,
-- and the build creates tables before functions. GIN, with its pending list (fastupdate), so the
-- agent's end_step and end_run pay a small append, not a tree insertion per word.
CREATE INDEX IF NOT EXISTS job_run_search_idx ON pgautomator.job_run USING gin (pgautomator._search_vector(message, NULL)) WHERE message IS NOT NULL;
-- Partial, as job_run's: an attempt begins with neither (and a step that prints nothing and
-- succeeds ends with neither), and an empty vector matches no search; so beginning an attempt
-- writes no index entry here (each begin appended one to the pending list, which some backend's
-- insert then merges into the tree when the list is full).
CREATE INDEX IF NOT EXISTS step_run_search_idx ON pgautomator.step_run USING gin (pgautomator._search_vector(message, output))
  WHERE message IS NOT NULL OR output IS NOT NULL;

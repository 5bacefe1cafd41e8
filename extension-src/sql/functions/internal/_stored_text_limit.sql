-- What the history stores of one text (bytes), in one place: a step attempt's final output, and
-- all the chunks of its streamed output together (log_step); a message of an attempt or a run.
-- Longer texts keep their head and tail (_bounded_text). plpgsql and IMMUTABLE, as
-- _run_histogram_bounds: called with a constant, it is folded into the plans that use it.
CREATE OR REPLACE FUNCTION pgautomator._stored_text_limit(kind text)
RETURNS bigint
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN CASE kind WHEN 'output' THEN 1048576 WHEN 'message' THEN 65536 END;
END
$$;
COMMENT ON FUNCTION pgautomator._stored_text_limit(text) IS
  'Bytes the history keeps of one output (kind output: an attempt''s final output, or its streamed chunks together) or message (kind message).';
REVOKE ALL ON FUNCTION pgautomator._stored_text_limit(text) FROM PUBLIC;

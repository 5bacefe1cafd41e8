-- What an agent may store in one text column of the history (a step's final output, a message):
-- at most max_bytes bytes, head and tail kept around a note of what was cut.
CREATE OR REPLACE FUNCTION pgautomator._bounded_text(t text, max_bytes bigint)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  total bigint := octet_length(t);
  note  text;
  half  bigint;
BEGIN
  IF t IS NULL OR total <= max_bytes THEN
    RETURN t;
  END IF;
  -- The note takes less than 120 bytes.
  half := greatest(0, (max_bytes - 120) / 2);
  note := format(E'\n[pgautomator: %s bytes in all; the first and the last %s bytes are kept, the middle was cut]\n', total, half);
  RETURN pgautomator._text_head(t, half) || note || pgautomator._text_tail(t, half);
END
$$;
COMMENT ON FUNCTION pgautomator._bounded_text(text, bigint) IS
  't when it holds at most max_bytes bytes; else its head and tail around a note of the total, max_bytes bytes at most (cut between characters).';
REVOKE ALL ON FUNCTION pgautomator._bounded_text(text, bigint) FROM PUBLIC;

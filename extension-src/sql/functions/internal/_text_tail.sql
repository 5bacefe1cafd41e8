-- The end of t holding at most max_bytes bytes, cut between characters: _text_head of the text
-- reversed (reverse() works on characters), reversed back. Only called on text past its bound.
CREATE OR REPLACE FUNCTION pgautomator._text_tail(t text, max_bytes bigint)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN reverse(pgautomator._text_head(reverse(t), max_bytes));
COMMENT ON FUNCTION pgautomator._text_tail(text, bigint) IS 'The end of t holding at most max_bytes bytes, cut between characters.';
REVOKE ALL ON FUNCTION pgautomator._text_tail(text, bigint) FROM PUBLIC;

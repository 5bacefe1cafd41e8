-- The end of t holding at most max_bytes bytes, cut between characters (as _text_head, from the end).
CREATE OR REPLACE FUNCTION pgautomator._text_tail(t text, max_bytes bigint)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k bigint;
  h text;
  n bigint;
BEGIN
  IF t IS NULL OR octet_length(t) <= max_bytes THEN
    RETURN t;
  END IF;
  IF max_bytes <= 0 THEN
    RETURN '';
  END IF;
  k := least(max_bytes, 1073741823);
  h := right(t, k::int);
  n := octet_length(h);
  WHILE n > max_bytes LOOP
    k := least(k - 1, k * max_bytes / n);
    h := right(h, k::int);
    n := octet_length(h);
  END LOOP;
  RETURN h;
END
$$;
COMMENT ON FUNCTION pgautomator._text_tail(text, bigint) IS 'The end of t holding at most max_bytes bytes, cut between characters.';
REVOKE ALL ON FUNCTION pgautomator._text_tail(text, bigint) FROM PUBLIC;

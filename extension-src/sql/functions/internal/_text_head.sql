-- The longest start of t (nearly: see below) that holds at most max_bytes bytes, cut between
-- characters: text must stay valid in the database encoding, so bytes cannot simply be cut.
-- left() counts characters; the first guess scales the count by the bytes per character seen, and
-- each further step shrinks it (rarely needed: only where wide characters cluster at the end). The
-- result may fall a little short of max_bytes where the width of characters varies; it never
-- exceeds it.
CREATE OR REPLACE FUNCTION pgautomator._text_head(t text, max_bytes bigint)
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
  h := left(t, k::int);
  n := octet_length(h);
  WHILE n > max_bytes LOOP
    k := least(k - 1, k * max_bytes / n);
    h := left(h, k::int);
    n := octet_length(h);
  END LOOP;
  RETURN h;
END
$$;
COMMENT ON FUNCTION pgautomator._text_head(text, bigint) IS 'The start of t holding at most max_bytes bytes, cut between characters.';
REVOKE ALL ON FUNCTION pgautomator._text_head(text, bigint) FROM PUBLIC;

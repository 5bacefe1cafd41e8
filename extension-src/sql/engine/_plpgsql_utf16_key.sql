-- The UTF-16 code units of s, as an int[] that sorts (int[] comparison) exactly as JavaScript
-- sorts strings (Array.prototype.sort compares code units). Byte order (COLLATE "C") agrees with
-- it except that characters U+E000..U+FFFF sort before U+10000.. in UTF-16 and after them in
-- UTF-8; the validator sorts unknown keys with this so both engines name the same key.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_utf16_key(s text)
RETURNS int[]
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(array_agg(u.unit ORDER BY c.n, u.k), '{}')
      FROM unnest(string_to_array(s, NULL)) WITH ORDINALITY AS c(ch, n)
     CROSS JOIN LATERAL unnest(CASE
               WHEN ascii(c.ch) < 65536 THEN ARRAY[ascii(c.ch)]
               ELSE ARRAY[55296 + ((ascii(c.ch) - 65536) >> 10), 56320 + ((ascii(c.ch) - 65536) & 1023)]
           END) WITH ORDINALITY AS u(unit, k)
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_utf16_key(text) IS
    'Internal (PL/pgSQL schedule engine): the UTF-16 code units of a string, a sort key that orders strings as JavaScript does.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_utf16_key(text) FROM PUBLIC;

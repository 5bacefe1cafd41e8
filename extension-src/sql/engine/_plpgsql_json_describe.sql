-- A bad value shown in an error message as the TypeScript engine's describe() shows it:
-- JSON.stringify (compact, numbers as JavaScript writes them), cut to 57 characters plus '...'
-- when longer than 60 (UTF-16 code units, as JavaScript counts). An object's keys come in
-- JavaScript's order for integer-like keys (ascending, first), then jsonb's order: the order of
-- the object plv8 hands the TypeScript engine (pgautomator._plpgsql_json_compact).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_describe(v jsonb)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t     text;
    units int;
BEGIN
    IF v IS NULL THEN
        RETURN 'null';      -- SQL NULL reaches plv8 as JavaScript null
    END IF;
    t := pgautomator._plpgsql_json_compact(v);
    units := length(t) + coalesce(array_length(regexp_split_to_array(t, '[\U00010000-\U0010FFFF]'), 1) - 1, 0);
    IF units <= 60 THEN
        RETURN t;
    END IF;
    IF units = length(t) THEN
        RETURN left(t, 57) || '...';
    END IF;
    -- Characters beyond U+FFFF count two units; JavaScript may cut one in half, which text
    -- cannot hold, so such a character is left out whole.
    SELECT string_agg(c.ch, '' ORDER BY c.n) INTO t
      FROM (SELECT ch, n, sum(CASE WHEN ascii(ch) > 65535 THEN 2 ELSE 1 END) OVER (ORDER BY n) AS upto
              FROM unnest(string_to_array(t, NULL)) WITH ORDINALITY AS x(ch, n)) AS c
     WHERE c.upto <= 57;
    RETURN coalesce(t, '') || '...';
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_describe(jsonb) IS
    'Internal (PL/pgSQL schedule engine): a value shown in a schedule error message as the TypeScript engine shows it (compact JSON, at most 60 characters).';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_describe(jsonb) FROM PUBLIC;

-- A schedule integer: a JSON number that is an integer in lo..hi. Returns it, or NULL for anything
-- else (never raises). Like the TypeScript engine, which sees the number as a JavaScript double,
-- 2.0 counts as the integer 2; near the range the value is rounded to a double first so that
-- both engines agree on numbers with more digits than a double holds.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_int(v jsonb, lo int, hi int)
RETURNS int
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n numeric;
    f float8;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) <> 'number' THEN
        RETURN NULL;
    END IF;
    n := v::numeric;
    -- Far outside the range the answer is NULL whatever the rounding; this also keeps huge or tiny
    -- magnitudes away from the float8 cast, which would raise on them.
    IF n < lo - 1 OR n > hi + 1 THEN
        RETURN NULL;
    END IF;
    -- Numbers this close to zero round to 0 as doubles; the cast would raise on them instead.
    IF abs(n) < 1e-300 THEN
        f := 0;
    ELSE
        f := n::float8;
    END IF;
    IF f <> trunc(f) OR f < lo OR f > hi THEN
        RETURN NULL;
    END IF;
    RETURN f::int;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_int(jsonb, int, int) IS
    'Internal (PL/pgSQL schedule engine): the integer held by a JSON number when it is an integer in lo..hi (2.0 counts), or NULL when the value is anything else.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_int(jsonb, int, int) FROM PUBLIC;

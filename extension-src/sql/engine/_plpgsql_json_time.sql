-- A schedule time of day: a JSON string exactly 'HH:MM' or 'HH:MM:SS' (00..23, 00..59, 00..59).
-- Returns the seconds since midnight, or NULL for anything else (never raises).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_time(v jsonb)
RETURNS int
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s text;
    h int;
    m int;
    sec int := 0;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) <> 'string' THEN
        RETURN NULL;
    END IF;
    s := v #>> '{}';
    IF s !~ '^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$' THEN
        RETURN NULL;
    END IF;
    h := substr(s, 1, 2)::int;
    m := substr(s, 4, 2)::int;
    IF length(s) = 8 THEN
        sec := substr(s, 7, 2)::int;
    END IF;
    IF h > 23 OR m > 59 OR sec > 59 THEN
        RETURN NULL;
    END IF;
    RETURN h * 3600 + m * 60 + sec;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_time(jsonb) IS
    'Internal (PL/pgSQL schedule engine): seconds since midnight named by a JSON string HH:MM or HH:MM:SS, or NULL when the value is anything else.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_time(jsonb) FROM PUBLIC;

-- A schedule date: a JSON string exactly 'YYYY-MM-DD', year 0001..9999, a real calendar date.
-- Returns NULL for anything else (never raises), so the validator can name the field.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_date(v jsonb)
RETURNS date
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s text;
    y int;
    m int;
    d int;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) <> 'string' THEN
        RETURN NULL;
    END IF;
    s := v #>> '{}';
    -- [0-9], not \d: only ASCII digits count, as in the TypeScript engine's regular expression.
    IF s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RETURN NULL;
    END IF;
    y := substr(s, 1, 4)::int;
    m := substr(s, 6, 2)::int;
    d := substr(s, 9, 2)::int;
    IF y < 1 OR m < 1 OR m > 12 OR d < 1 OR d > pgautomator._plpgsql_days_in_month(y, m) THEN
        RETURN NULL;
    END IF;
    RETURN make_date(y, m, d);
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_date(jsonb) IS
    'Internal (PL/pgSQL schedule engine): the date named by a JSON string YYYY-MM-DD (years 0001..9999, real calendar dates), or NULL when the value is anything else.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_date(jsonb) FROM PUBLIC;

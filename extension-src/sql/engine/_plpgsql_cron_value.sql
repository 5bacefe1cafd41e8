-- One value of a cron item (see pgautomator._plpgsql_cron_parse): digits (any count, hence
-- numeric) or, in the month (field 4) and day-of-week (field 5) fields, a three-letter name in any
-- case; NULL when it is neither. The caller's pattern lets only ASCII digits and letters through,
-- so lower() cannot meet a letter whose lower case is ASCII (the TypeScript twin relies on the same).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_cron_value(token text, field int, month_names text[], day_names text[])
RETURNS numeric
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN token ~ '^[0-9]+$' THEN token::numeric
        WHEN field = 4 THEN array_position(month_names, lower(token))::numeric
        WHEN field = 5 THEN (array_position(day_names, lower(token)) - 1)::numeric
    END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_cron_value(text, int, text[], text[]) IS
    'Internal (PL/pgSQL schedule engine): the value of one cron token, a number or a month/day name for fields 4 and 5, or NULL. See pgautomator._plpgsql_cron_parse.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_cron_value(text, int, text[], text[]) FROM PUBLIC;

-- Dispatcher: up to `count` local fire times strictly after local time `after`, from the engine
-- chosen in pgautomator.setting. The plv8 twin takes and returns text ('YYYY-MM-DD HH:MM:SS'),
-- because plv8 hands a `timestamp` to JavaScript as a Date at a UTC instant (see DESIGN.md);
-- PL/pgSQL resolves the call at run time, so this installs fine where plv8 is absent.
CREATE OR REPLACE FUNCTION pgautomator._next_fires_local(spec jsonb, after timestamp, count int)
RETURNS timestamp[]
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
AS $$
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') = '"plv8"' THEN
        -- Fires lie in years 0001..9999: outside them the answer needs no engine, and inside
        -- them to_char() writes the 4-digit ISO text the TypeScript engine reads.
        IF count <= 0 OR after > timestamp '9999-12-31 23:59:59' THEN
            RETURN '{}';
        END IF;
        RETURN ARRAY(
            SELECT f.v::timestamp
              FROM jsonb_array_elements_text(pgautomator._plv8_next_fires(
                       spec,
                       CASE WHEN after < timestamp '0001-01-01 00:00:00' THEN '0000-12-31 23:59:59'
                            ELSE to_char(after, 'YYYY-MM-DD HH24:MI:SS.US') END,
                       count)) WITH ORDINALITY AS f(v, n)
             ORDER BY f.n);
    END IF;
    RETURN pgautomator._plpgsql_next_fires(spec, after, count);
END
$$;

COMMENT ON FUNCTION pgautomator._next_fires_local(jsonb, timestamp, int) IS
    'Internal: up to count local fire times strictly after the local time after (ascending), computed by the engine in use (pgautomator.engine()). The spec must be valid.';

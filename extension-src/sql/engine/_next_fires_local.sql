-- Dispatcher: up to `count` local fire times strictly after local time `after`, from the engine
-- chosen in pgautomator.setting. The plv8 twin takes the spec as text and `after` as text
-- ('YYYY-MM-DD HH:MM:SS.ffffff') and returns a text[] of 'YYYY-MM-DD HH:MM:SS', because plv8 hands a `timestamp` to
-- JavaScript as a Date at a UTC instant (DESIGN.md section 2); to_char and the ISO input format
-- make the conversions independent of DateStyle. PL/pgSQL resolves the call at run time, so this
-- installs fine where plv8 (and the twin) is absent.
CREATE OR REPLACE FUNCTION pgautomator._next_fires_local(spec jsonb, after timestamp, count int)
RETURNS timestamp[]
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    head timestamp[];
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') = '"plv8"' THEN
        -- Fires lie in years 0001..9999, the range of the TypeScript engine's `after` too.
        IF count <= 0 OR after >= timestamp '9999-12-31 23:59:59' THEN
            RETURN '{}';
        END IF;
        IF after < timestamp '0001-01-01 00:00:00' THEN
            -- The TypeScript engine cannot be asked about a time before 0001-01-01; ask it about
            -- 0001-01-01 00:00:00 instead, whose own fire (if any: a schedule whose first slot is
            -- that very second) it leaves out, and which the PL/pgSQL twin tells.
            head := pgautomator._plpgsql_next_fires(spec, after, 1);
            IF cardinality(head) = 1 AND head[1] = timestamp '0001-01-01 00:00:00' THEN
                RETURN head || pgautomator._next_fires_local(spec, timestamp '0001-01-01 00:00:00', count - 1);
            END IF;
            after := timestamp '0001-01-01 00:00:00';
        END IF;
        RETURN pgautomator._plv8_next_fires(spec::text, to_char(after, 'YYYY-MM-DD HH24:MI:SS.US'), count)::timestamp[];
    END IF;
    RETURN pgautomator._plpgsql_next_fires(spec, after, count);
END
$$;

COMMENT ON FUNCTION pgautomator._next_fires_local(jsonb, timestamp, int) IS
    'Internal: up to count local fire times strictly after the local time after (ascending), computed by the engine in use (pgautomator.engine()). The spec must be valid.';
REVOKE ALL ON FUNCTION pgautomator._next_fires_local(jsonb, timestamp, int) FROM PUBLIC;

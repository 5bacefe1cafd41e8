-- Public: choose the schedule engine. Both engines give the same answers (a differential test
-- holds them to it); plv8 exists to run the TypeScript source of truth itself.
CREATE OR REPLACE FUNCTION pgautomator.set_engine(engine text)
RETURNS text
LANGUAGE plpgsql
VOLATILE
AS $$
BEGIN
    IF engine IS NULL OR engine NOT IN ('plv8', 'plpgsql') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = format('unknown schedule engine %s', coalesce(quote_literal(engine), 'NULL')),
            DETAIL  = 'argument: engine',
            HINT    = 'Use ''plv8'' or ''plpgsql''.';
    END IF;
    IF engine = 'plv8'
       AND (to_regprocedure('pgautomator._plv8_validate_schedule(jsonb)') IS NULL
            OR to_regprocedure('pgautomator._plv8_next_fires(jsonb, text, integer)') IS NULL) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = 'schedule engine plv8 is not installed in this database',
            DETAIL  = 'argument: engine',
            HINT    = 'CREATE EXTENSION plv8, then reinstall pgautomator: the install creates the plv8 engine functions only where plv8 exists.';
    END IF;
    INSERT INTO pgautomator.setting AS s (name, value)
    VALUES ('engine', to_jsonb(engine))
    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now();
    RETURN engine;
END
$$;

COMMENT ON FUNCTION pgautomator.set_engine(text) IS
    'Chooses the schedule engine, plv8 or plpgsql, and returns it. Raises PA002 for another name, or for plv8 when its functions are not installed (CREATE EXTENSION plv8, then reinstall pgautomator).';

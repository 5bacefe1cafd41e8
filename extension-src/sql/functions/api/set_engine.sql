-- Public: choose the schedule engine. Both engines give the same answers; plv8 runs the
-- TypeScript source of truth itself, plpgsql needs nothing but PostgreSQL.
CREATE OR REPLACE FUNCTION pgautomator.set_engine(engine text)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pgautomator._require_role('pgautomator_admin');
    IF set_engine.engine IS NULL OR set_engine.engine NOT IN ('plv8', 'plpgsql') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = format('schedule engine must be one of plv8, plpgsql (got %s)',
                             coalesce(quote_literal(set_engine.engine), 'NULL')),
            DETAIL  = 'field: engine',
            HINT    = 'SELECT pgautomator.set_engine(''plpgsql''), or ''plv8'' where the plv8 extension is installed.';
    END IF;
    IF set_engine.engine = 'plv8'
       AND (to_regprocedure('pgautomator._plv8_validate_schedule(text)') IS NULL
            OR to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL) THEN
        -- plv8 added to this database after pgautomator was installed: create the engine now.
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'plv8')
           AND to_regprocedure('pgautomator._install_plv8_engine()') IS NOT NULL THEN
            PERFORM pgautomator._install_plv8_engine();
        END IF;
        IF to_regprocedure('pgautomator._plv8_validate_schedule(text)') IS NULL
           OR to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL THEN
            RAISE EXCEPTION USING
                ERRCODE = 'PA002',
                MESSAGE = 'schedule engine plv8 is not installed in this database',
                DETAIL  = 'field: engine',
                HINT    = 'CREATE EXTENSION plv8 in this database (the server needs the plv8 package), then reinstall pgautomator or call set_engine(''plv8'') again; meanwhile the plpgsql engine gives the same answers.';
        END IF;
    END IF;
    INSERT INTO pgautomator.setting AS s (name, value)
    VALUES ('engine', to_jsonb(set_engine.engine))
    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now();
    RETURN set_engine.engine;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_engine(text) IS
$c$Chooses the schedule engine and returns it: plv8 (the TypeScript engine compiled into plv8 functions) or plpgsql (its PL/pgSQL mirror, needing nothing but PostgreSQL). Both give identical answers; next fires already stored are not recomputed.
Arguments: engine, 'plv8' or 'plpgsql'.
Errors: PA002 another name, or plv8 when it is not installed in this database (CREATE EXTENSION plv8, then reinstall pgautomator); PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.set_engine('plpgsql');$c$;
REVOKE ALL ON FUNCTION pgautomator.set_engine(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_engine(text) TO pgautomator_admin;

-- Public: which schedule engine the database uses (pgautomator.setting, row engine).
CREATE OR REPLACE FUNCTION pgautomator.engine()
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pgautomator._require_role('pgautomator_viewer');
    RETURN coalesce((SELECT s.value #>> '{}' FROM pgautomator.setting AS s WHERE s.name = 'engine'), 'plpgsql');
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.engine() IS
$c$The schedule engine in use: plv8 (the TypeScript engine itself, compiled into plv8 functions; chosen at install where the database has the plv8 extension) or plpgsql (its PL/pgSQL mirror). Both give identical answers; a differential test holds them to it.
Errors: PA040 caller is not pgautomator_viewer (or above).
Example: SELECT pgautomator.engine();$c$;
REVOKE ALL ON FUNCTION pgautomator.engine() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.engine() TO pgautomator_viewer;

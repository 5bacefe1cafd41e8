-- Public: which schedule engine the database uses.
CREATE OR REPLACE FUNCTION pgautomator.engine()
RETURNS text
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        (SELECT s.value #>> '{}' FROM pgautomator.setting AS s WHERE s.name = 'engine'),
        'plpgsql')
$$;

COMMENT ON FUNCTION pgautomator.engine() IS
    'The schedule engine in use: plv8 (the TypeScript engine compiled into plv8 functions) or plpgsql (its PL/pgSQL mirror). Both give identical answers; change it with pgautomator.set_engine().';

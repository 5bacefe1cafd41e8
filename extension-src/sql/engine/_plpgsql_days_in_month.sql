-- Days in month m (1..12) of proleptic Gregorian year y. LANGUAGE sql so the planner inlines it
-- into the PL/pgSQL engine's expressions.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_days_in_month(y int, m int)
RETURNS int
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
        WHEN m IN (4, 6, 9, 11) THEN 30
        ELSE 31
    END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_days_in_month(int, int) IS
    'Internal (PL/pgSQL schedule engine): number of days in month m of year y, proleptic Gregorian calendar.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_days_in_month(int, int) FROM PUBLIC;

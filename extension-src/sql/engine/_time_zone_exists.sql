-- Whether tz names a time zone of this server's tz database, as docs/schedule-spec.md asks
-- (pg_timezone_names). That view loads every zone file (about 35 ms a scan), too slow to run
-- for every validation, so:
--   1) a name `AT TIME ZONE` rejects is rejected at once;
--   2) a name shaped like a canonical IANA zone (Area/Location[/Sub], each part capitalised, or
--      UTC) that it accepts exists (PostgreSQL looks zone files up ignoring case, so this path
--      also accepts a miscased tail such as Europe/BERLIN, which reads Europe/Berlin);
--   3) anything else it accepts (a legacy link such as CET or US/Eastern, but also an
--      abbreviation such as PST or a POSIX rule such as UTC+3, which pg_timezone_names does not
--      list) is looked up in pg_timezone_names.
-- PARALLEL UNSAFE: step 1 uses an exception block (a subtransaction).
CREATE OR REPLACE FUNCTION pgautomator._time_zone_exists(tz text)
RETURNS boolean
LANGUAGE plpgsql
STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    probe timestamp;
BEGIN
    BEGIN
        probe := timestamptz '2000-01-01 00:00:00+00' AT TIME ZONE tz;
    EXCEPTION WHEN invalid_parameter_value THEN
        RETURN false;
    END;
    IF tz = 'UTC'
       OR tz ~ '^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Z][A-Za-z0-9_+-]*(/[A-Z][A-Za-z0-9_+-]*)?$' THEN
        RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names AS z WHERE z.name = tz);
END
$$;

COMMENT ON FUNCTION pgautomator._time_zone_exists(text) IS
    'Internal: whether tz names a time zone of this server''s tz database (a name listed by pg_timezone_names), checked without scanning that view for ordinary Area/Location names.';
REVOKE ALL ON FUNCTION pgautomator._time_zone_exists(text) FROM PUBLIC;

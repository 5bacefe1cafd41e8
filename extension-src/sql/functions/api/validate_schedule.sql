-- Public: raise PA001 (invalid_schedule) when a schedule spec is invalid, naming the first bad
-- field; return nothing when it is valid. The field rules are the engine's
-- (pgautomator._validate_schedule_local); on top of them the time zone must exist on this server.
CREATE OR REPLACE FUNCTION pgautomator.validate_schedule(spec jsonb)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    err jsonb := pgautomator._validate_schedule_local(spec);
BEGIN
    IF err IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA001',
            MESSAGE = err ->> 'message',
            DETAIL  = 'field: ' || (err ->> 'field'),
            HINT    = 'Fix that field; every field of a schedule spec is described in docs/schedule-spec.md.';
    END IF;
    IF spec ? 'time_zone' AND NOT pgautomator._time_zone_exists(spec ->> 'time_zone') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA001',
            MESSAGE = format('schedule time_zone %s is not a time zone known to this server', spec -> 'time_zone'),
            DETAIL  = 'field: time_zone',
            HINT    = 'Use an IANA time zone name listed in pg_timezone_names, for example Europe/Berlin or America/New_York (see docs/schedule-spec.md).';
    END IF;
END
$$;

COMMENT ON FUNCTION pgautomator.validate_schedule(jsonb) IS
    'Checks a schedule spec (docs/schedule-spec.md). Returns nothing when it is valid; otherwise raises SQLSTATE PA001 whose message says what is allowed and whose DETAIL is "field: <the first bad field>". The time_zone must also exist on this server (pg_timezone_names).';

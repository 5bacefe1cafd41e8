-- Public: raise PA001 (invalid_schedule) when a schedule spec is invalid, naming the first bad
-- field; return nothing when it is valid. The field rules are the engine's
-- (pgautomator._validate_schedule_local, identical in both engines); on top of them the time zone
-- must exist on this server, which the engines cannot know.
CREATE OR REPLACE FUNCTION pgautomator.validate_schedule(spec jsonb)
RETURNS void
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    err jsonb;
BEGIN
    PERFORM pgautomator._require_role('pgautomator_viewer');
    err := pgautomator._validate_schedule_local(validate_schedule.spec);
    IF err IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA001',
            MESSAGE = err ->> 'message',
            DETAIL  = 'field: ' || (err ->> 'field'),
            HINT    = 'Fix that field; every field of a schedule spec is described in docs/schedule-spec.md.';
    END IF;
    IF validate_schedule.spec ? 'time_zone'
       AND NOT pgautomator._time_zone_exists(validate_schedule.spec ->> 'time_zone') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA001',
            MESSAGE = format('schedule time_zone %s is not a time zone known to this server',
                             validate_schedule.spec -> 'time_zone'),
            DETAIL  = 'field: time_zone',
            HINT    = 'Use an IANA time zone name listed in pg_timezone_names, for example Europe/Berlin or America/New_York (docs/schedule-spec.md).';
    END IF;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.validate_schedule(jsonb) IS
$c$Checks a schedule spec (docs/schedule-spec.md) without saving anything: returns nothing when it is valid, raises PA001 naming the first invalid field otherwise. create_schedule and update_schedule run the same check.
Arguments: spec, the schedule as JSON, e.g. '{"type": "weekly", "weekdays": ["mon", "fri"], "start_date": "2026-01-05", "sub": {"type": "once", "time": "07:30"}, "time_zone": "Europe/Berlin"}'.
Errors: PA001 invalid spec: the message says what is allowed, DETAIL is "field: <the first bad field>" (for example field: end_date, field: weekdays[1], field: sub.end_time, field: exceptions[0].to); the time_zone must also exist on this server (pg_timezone_names); PA040 caller is not pgautomator_viewer (or above).
Example: SELECT pgautomator.validate_schedule('{"type": "daily", "start_date": "2026-02-01", "end_date": "2026-01-01"}');  -- PA001, field: end_date$c$;
REVOKE ALL ON FUNCTION pgautomator.validate_schedule(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.validate_schedule(jsonb) TO pgautomator_viewer;

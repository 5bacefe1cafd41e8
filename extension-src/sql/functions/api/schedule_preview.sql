-- Public: the next `count` instants strictly after `after` at which a schedule would fire, so a
-- user (or the UI's calendar) sees what a spec means before saving it. Same computation as the
-- scheduler's (pgautomator._next_fires), including the time-zone rule for DST gaps and overlaps.
CREATE OR REPLACE FUNCTION pgautomator.schedule_preview(
    spec  jsonb,
    after timestamptz DEFAULT now(),
    count int DEFAULT 10
)
RETURNS SETOF timestamptz
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
ROWS 10
AS $$
BEGIN
    PERFORM pgautomator.validate_schedule(schedule_preview.spec);
    IF schedule_preview.count IS NULL OR schedule_preview.count < 0 OR schedule_preview.count > 10000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = format('schedule_preview count must be an integer from 0 to 10000 (got %s)',
                             coalesce(schedule_preview.count::text, 'NULL')),
            DETAIL  = 'field: count',
            HINT    = 'Ask for at most 10000 fires; for more, call again with after set to the last fire returned.';
    END IF;
    IF schedule_preview.after IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = 'schedule_preview after must be an instant (got NULL)',
            DETAIL  = 'field: after',
            HINT    = 'Leave after out to preview from now().';
    END IF;
    RETURN QUERY
        SELECT f.at
          FROM unnest(pgautomator._next_fires(schedule_preview.spec, schedule_preview.after, schedule_preview.count))
               WITH ORDINALITY AS f(at, n)
         ORDER BY f.n;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.schedule_preview(jsonb, timestamptz, int) IS
$c$The first count instants strictly after after at which a schedule spec fires, ascending, computed exactly as the scheduler computes them: in the spec's time_zone (default UTC), where a time inside a spring-forward gap fires at the end of the gap and a time inside a fall-back overlap fires once, on the first pass. No rows when the schedule never fires again (up to 9999-12-31 23:59:59 local time).
Arguments: spec, the schedule as JSON (docs/schedule-spec.md); after, the instant to start from, exclusive (default now()); count, how many fires, 0..10000 (default 10).
Errors: PA001 invalid spec (DETAIL names the field); PA002 count outside 0..10000 or after NULL (DETAIL names it); PA040 caller is not pgautomator_viewer (or above).
Example: SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-03-01", "sub": {"type": "once", "time": "02:30"}, "time_zone": "America/New_York"}', '2026-03-07 00:00Z', 3);$c$;
REVOKE ALL ON FUNCTION pgautomator.schedule_preview(jsonb, timestamptz, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.schedule_preview(jsonb, timestamptz, int) TO pgautomator_viewer;

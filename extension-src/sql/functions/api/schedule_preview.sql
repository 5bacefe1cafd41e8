-- Public: the next `count` instants strictly after `after` at which a schedule would fire, so a
-- user (or the UI) can see what a spec means before saving it.
CREATE OR REPLACE FUNCTION pgautomator.schedule_preview(
    spec  jsonb,
    after timestamptz DEFAULT now(),
    count int DEFAULT 10
)
RETURNS SETOF timestamptz
LANGUAGE plpgsql
STABLE
ROWS 10
AS $$
BEGIN
    PERFORM pgautomator.validate_schedule(spec);
    IF count IS NULL OR count < 0 OR count > 10000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = format('schedule_preview count must be from 0 to 10000, got %s', coalesce(count::text, 'NULL')),
            DETAIL  = 'argument: count',
            HINT    = 'For more fires, call again with after set to the last fire returned.';
    END IF;
    IF after IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PA002',
            MESSAGE = 'schedule_preview after must be an instant, got NULL',
            DETAIL  = 'argument: after',
            HINT    = 'Omit after to preview from now().';
    END IF;
    RETURN QUERY SELECT f FROM unnest(pgautomator._next_fires(spec, after, count)) AS f;
END
$$;

COMMENT ON FUNCTION pgautomator.schedule_preview(jsonb, timestamptz, int) IS
    'The first count (0..10000, default 10) instants strictly after after (default now()) at which the schedule spec fires, ascending, in the spec''s time_zone by the rules of docs/schedule-spec.md. Raises PA001 for an invalid spec (DETAIL names the field) and PA002 for a bad count or a NULL after. No rows when the schedule never fires again.';

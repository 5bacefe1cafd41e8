-- The wall-clock rule of docs/schedule-spec.md: the instant a local slot fires at is the FIRST
-- instant at which the zone's local clock reads at or after `local`.
--   ordinary time:         the one instant whose local reading is `local`;
--   spring-forward gap:    the end of the gap, i.e. the transition instant;
--   fall-back overlap:     the first pass (the earlier of the two instants).
-- PostgreSQL's own `local AT TIME ZONE tz` picks differently in both special cases (in a gap it
-- reads `local` with the offset from before the transition, landing after the gap end; in an
-- overlap it takes the offset from after the transition, the second pass), so it is not used.
--
-- How: as Temporal does, take the zone's UTC offsets one day before and one day after `local`
-- read as UTC. Each gives a candidate instant (local - offset); a candidate counts when it reads
-- back as `local` in the zone. Both count: an overlap, take the earlier. One counts: take it. None:
-- a gap; the transition lies between the two candidates (at most the gap's size apart, an hour or
-- less in practice) and is found by a binary search to the second (tzdata transitions are whole
-- seconds): the first second whose local reading is at or after `local`.
-- Assumes at most one transition within a day of `local`, true of every zone in tzdata since
-- 1900 as far as schedules are concerned; should it fail, the answer is still an instant near
-- `local`, never an error.
CREATE OR REPLACE FUNCTION pgautomator._local_to_instant(local timestamp, tz text)
RETURNS timestamptz
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- `local` read as UTC; offsets below are seconds east of UTC (local = instant + offset).
    u      timestamptz := local AT TIME ZONE 'UTC';
    o1     float8;
    o2     float8;
    c1     timestamptz;
    c2     timestamptz;
    ok1    boolean;
    ok2    boolean;
    lo     float8;
    hi     float8;
    mid    float8;
BEGIN
    IF NOT isfinite(local) THEN
        RETURN u;
    END IF;
    -- Intervals here are hours and seconds only: timestamptz +/- such an interval does not depend
    -- on the session's TimeZone (a '1 day' interval would).
    o1 := date_part('epoch', ((u - interval '24 hours') AT TIME ZONE tz) - (local - interval '24 hours'));
    o2 := date_part('epoch', ((u + interval '24 hours') AT TIME ZONE tz) - (local + interval '24 hours'));
    c1 := u - o1 * interval '1 second';
    IF o1 = o2 THEN
        -- The common case: no transition within a day.
        IF (c1 AT TIME ZONE tz) = local THEN
            RETURN c1;
        END IF;
        -- Two transitions within a day of `local`: try the offset at `local` itself instead.
        o2 := date_part('epoch', (u AT TIME ZONE tz) - local);
    END IF;
    c2 := u - o2 * interval '1 second';
    ok1 := (c1 AT TIME ZONE tz) = local;
    ok2 := (c2 AT TIME ZONE tz) = local;
    IF ok1 AND ok2 THEN
        RETURN least(c1, c2);           -- overlap: the first pass
    ELSIF ok1 THEN
        RETURN c1;
    ELSIF ok2 THEN
        RETURN c2;
    END IF;

    -- Gap: the local clock reads below `local` at lo and at or after it at hi; search to the second.
    lo := floor(date_part('epoch', least(c1, c2)));
    hi := ceil(date_part('epoch', greatest(c1, c2)));
    WHILE hi - lo > 1 LOOP
        mid := floor((lo + hi) / 2);
        IF (to_timestamp(mid) AT TIME ZONE tz) >= local THEN
            hi := mid;
        ELSE
            lo := mid;
        END IF;
    END LOOP;
    RETURN to_timestamp(hi);
END
$$;

COMMENT ON FUNCTION pgautomator._local_to_instant(timestamp, text) IS
    'Internal: the instant a local wall-clock time fires at in time zone tz: the first instant at which the zone''s local clock reads at or after it (a time in a spring-forward gap gives the end of the gap, a time in a fall-back overlap its first pass). See docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._local_to_instant(timestamp, text) FROM PUBLIC;

-- The highest local clock reading that the zone tz has shown at or before the instant `after`,
-- to the microsecond. Usually `after` read in the zone. While `after` lies in the SECOND pass of a
-- fall-back overlap it is the end of the first pass (just before the transition), higher than
-- `after`'s own reading: slots up to there already fired on the first pass.
-- By the wall-clock rule (pgautomator._local_to_instant) a local slot fires strictly after
-- `after` exactly when it is strictly after this reading, so it is the cursor to ask the local
-- engine for fires after.
CREATE OR REPLACE FUNCTION pgautomator._local_reached(after timestamptz, tz text)
RETURNS timestamp
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a      timestamp := after AT TIME ZONE tz;
    o_now  float8;
    o_prev float8;
    lo     float8;
    hi     float8;
    mid    float8;
BEGIN
    IF NOT isfinite(after) THEN
        RETURN a;
    END IF;
    -- Offsets (seconds east of UTC) now and a day ago; a fall-back shows as a drop.
    o_now := date_part('epoch', a - (after AT TIME ZONE 'UTC'));
    o_prev := date_part('epoch', ((after - interval '24 hours') AT TIME ZONE tz)
                                 - ((after - interval '24 hours') AT TIME ZONE 'UTC'));
    IF o_prev <= o_now THEN
        RETURN a;
    END IF;
    -- The first-pass instant showing the same reading as `after`: if it still has the old offset,
    -- `after` is in the second pass of the overlap.
    lo := date_part('epoch', after) - (o_prev - o_now);
    IF date_part('epoch', (to_timestamp(lo) AT TIME ZONE tz) - (to_timestamp(lo) AT TIME ZONE 'UTC')) <> o_prev THEN
        RETURN a;
    END IF;
    -- The transition lies in (lo, after]: the first second with the new offset.
    lo := floor(lo);
    hi := ceil(date_part('epoch', after));
    WHILE hi - lo > 1 LOOP
        mid := floor((lo + hi) / 2);
        IF date_part('epoch', (to_timestamp(mid) AT TIME ZONE tz) - (to_timestamp(mid) AT TIME ZONE 'UTC')) = o_now THEN
            hi := mid;
        ELSE
            lo := mid;
        END IF;
    END LOOP;
    -- Just before the transition the clock read (transition + old offset), exclusive.
    RETURN (to_timestamp(hi) AT TIME ZONE 'UTC') + (o_prev * interval '1 second') - interval '1 microsecond';
END
$$;

COMMENT ON FUNCTION pgautomator._local_reached(timestamptz, text) IS
    'Internal: the highest local clock reading (to the microsecond) time zone tz has shown at or before the instant after: after''s own reading, or, in the second pass of a fall-back overlap, the end of the first pass. Local slots strictly after it are the ones still to fire.';
REVOKE ALL ON FUNCTION pgautomator._local_reached(timestamptz, text) FROM PUBLIC;

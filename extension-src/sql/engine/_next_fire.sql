-- The next instant strictly after `after` at which the schedule fires, NULL when it never fires
-- again. The scheduler's hot path: one engine call for one local fire and one mapping; only a
-- fire that maps to `after` or earlier (`after` in the second pass of a fall-back overlap) takes
-- the general path. The spec must be valid.
CREATE OR REPLACE FUNCTION pgautomator._next_fire(spec jsonb, after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tz   text := coalesce(spec ->> 'time_zone', 'UTC');
    loc  timestamp[] := pgautomator._next_fires_local(spec, after AT TIME ZONE tz, 1);
    inst timestamptz;
BEGIN
    IF cardinality(loc) = 0 THEN
        RETURN NULL;
    END IF;
    inst := pgautomator._local_to_instant(loc[1], tz);
    IF inst > after THEN
        RETURN inst;
    END IF;
    RETURN (pgautomator._next_fires(spec, after, 1))[1];
END
$$;

COMMENT ON FUNCTION pgautomator._next_fire(jsonb, timestamptz) IS
    'Internal: the next instant strictly after after at which the schedule fires (NULL when none); the scheduler''s hot path. The spec must be valid.';
REVOKE ALL ON FUNCTION pgautomator._next_fire(jsonb, timestamptz) FROM PUBLIC;

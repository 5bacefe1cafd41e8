-- The next instant strictly after `after` at which the schedule fires, NULL when it never fires
-- again. The scheduler's hot path. The spec must be valid.
-- With the plv8 engine: one plv8 call answers with the instant itself (engine/sql-entry.ts
-- nextFireAt: the local fire mapped to an instant in JavaScript with the zone's offsets kept per
-- backend), as float8 seconds: one crossing and no timestamp text either way. On a real plv8 the
-- three PL/pgSQL steps below (after to local time, engine call, local fire to instant) around one
-- crossing cost more than the whole PL/pgSQL engine for a simple spec (bench/README.md); this way
-- plv8 is no slower for any kind. NaN means the engine leaves it to the general path below.
-- PARALLEL UNSAFE: the plv8 engine may read zone offsets through SPI, which opens a subtransaction.
-- Otherwise (PL/pgSQL engine, or NaN): one engine call for one local fire and one mapping; only a
-- fire that maps to `after` or earlier (`after` in the second pass of a fall-back overlap) takes
-- the general path, _next_fires.
CREATE OR REPLACE FUNCTION pgautomator._next_fire(spec jsonb, after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tz   text;
    loc  timestamp[];
    inst timestamptz;
    f    float8;
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') = '"plv8"' THEN
        f := pgautomator._plv8_next_fire(spec::text, date_part('epoch', after));
        IF f IS NULL THEN
            RETURN NULL;
        ELSIF f <> 'NaN' THEN
            RETURN to_timestamp(f);
        END IF;
        tz := coalesce(spec ->> 'time_zone', 'UTC');
        loc := pgautomator._next_fires_local(spec, after AT TIME ZONE tz, 1);
    ELSE
        tz := coalesce(spec ->> 'time_zone', 'UTC');
        -- The engine is known: no second look at the setting (_next_fires_local would take one).
        loc := pgautomator._plpgsql_next_fires(spec, after AT TIME ZONE tz, 1);
    END IF;
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

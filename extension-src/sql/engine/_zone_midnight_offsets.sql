-- For the plv8 engine's time-zone mapping (engine/zone-instants.ts, through plv8's SPI): the UTC
-- offsets, in seconds east (local - instant), of zones[i] at the UTC midnights of days
-- first_days[i] .. first_days[i] + days - 1 (days since 1970-01-01), block after block in one
-- array. The engine keeps them per backend and maps local times to instants with them away from
-- transitions, so PostgreSQL's tz database stays the only one (plv8 may lack Intl's zone data).
-- date_part('epoch', <timestamp>) reads the local time as if it were UTC, whatever the session's
-- TimeZone.
CREATE OR REPLACE FUNCTION pgautomator._zone_midnight_offsets(zones text[], first_days int[], days int)
RETURNS int[]
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(
        SELECT (date_part('epoch', to_timestamp(m.utc) AT TIME ZONE b.zone) - m.utc)::int
          FROM unnest(zones, first_days) WITH ORDINALITY AS b(zone, first_day, n)
         CROSS JOIN generate_series(0, days - 1) AS g(k)
         CROSS JOIN LATERAL (SELECT (b.first_day + g.k)::float8 * 86400 AS utc) AS m
         ORDER BY b.n, g.k)
$$;

COMMENT ON FUNCTION pgautomator._zone_midnight_offsets(text[], int[], int) IS
    'Internal (plv8 engine): UTC offsets in seconds of zones[i] at the UTC midnights of days first_days[i] .. first_days[i] + days - 1 (days since 1970-01-01), concatenated.';
REVOKE ALL ON FUNCTION pgautomator._zone_midnight_offsets(text[], int[], int) FROM PUBLIC;

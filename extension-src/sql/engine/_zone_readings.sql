-- For the plv8 engine's time-zone mapping (engine/zone-instants.ts, through plv8's SPI), near a
-- transition: element i is the local time zones[i]'s clock reads at instants[i], both as seconds
-- since 1970 (the local time read as if it were UTC), i.e. `instant AT TIME ZONE zone`.
CREATE OR REPLACE FUNCTION pgautomator._zone_readings(zones text[], instants float8[])
RETURNS float8[]
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(
        SELECT date_part('epoch', to_timestamp(u.at) AT TIME ZONE u.zone)
          FROM unnest(zones, instants) WITH ORDINALITY AS u(zone, at, n)
         ORDER BY u.n)
$$;

COMMENT ON FUNCTION pgautomator._zone_readings(text[], float8[]) IS
    'Internal (plv8 engine): element i is the local time (seconds since 1970, read as UTC) of the instant instants[i] (seconds since 1970) in zones[i].';
REVOKE ALL ON FUNCTION pgautomator._zone_readings(text[], float8[]) FROM PUBLIC;

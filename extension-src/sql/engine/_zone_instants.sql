-- For the plv8 engine's time-zone mapping (engine/zone-instants.ts, through plv8's SPI), near a
-- transition: element i is the instant the local time locals[i] fires at in zones[i] by the
-- wall-clock rule (pgautomator._local_to_instant), both as seconds since 1970 (the local time read
-- as if it were UTC).
CREATE OR REPLACE FUNCTION pgautomator._zone_instants(zones text[], locals float8[])
RETURNS float8[]
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(
        SELECT date_part('epoch', pgautomator._local_to_instant(to_timestamp(u.local) AT TIME ZONE 'UTC', u.zone))
          FROM unnest(zones, locals) WITH ORDINALITY AS u(zone, local, n)
         ORDER BY u.n)
$$;

COMMENT ON FUNCTION pgautomator._zone_instants(text[], float8[]) IS
    'Internal (plv8 engine): element i is _local_to_instant of the local time locals[i] (seconds since 1970, read as UTC) in zones[i], as seconds since 1970.';
REVOKE ALL ON FUNCTION pgautomator._zone_instants(text[], float8[]) FROM PUBLIC;

-- The next fire of many schedules at once: element i is _next_fire(specs[i], afters[i]), NULL
-- when either is NULL or the schedule never fires again. The scheduler's bulk paths (_fire_due,
-- _refresh_next_fires) pass every schedule of a statement in one call.
-- With the plv8 engine the local fires of all of them come from ONE plv8 call (arrays in, an array
-- out): on a real plv8 a crossing costs more than the engine's answer, and more than the whole
-- PL/pgSQL engine for a simple spec (bench/README.md). They become instants in one statement
-- (_local_to_instants); a fire that maps to `after` or earlier (`after` in the second pass of a
-- fall-back overlap), and an `after` outside the years the TypeScript engine reads (0001..9999),
-- take _next_fire, the general path. With the PL/pgSQL engine, _next_fire element by element (an
-- engine call there is a PL/pgSQL call either way). The specs must be valid.
CREATE OR REPLACE FUNCTION pgautomator._next_fire_each(specs jsonb[], afters timestamptz[])
RETURNS timestamptz[]
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tzs          text[];
    local_afters text[];
    fires        timestamp[];
    instants     timestamptz[];
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') IS DISTINCT FROM '"plv8"' THEN
        RETURN ARRAY(SELECT pgautomator._next_fire(u.spec, u.after)
                       FROM unnest(specs, afters) WITH ORDINALITY AS u(spec, after, n) ORDER BY u.n);
    END IF;
    -- `after` in each spec's zone, as the engine reads it (independent of DateStyle); NULL (no
    -- engine call) outside 0001-01-01 .. 9999-12-31 23:59:59, as _next_fires_local bounds it.
    -- ARRAY(subquery) each, not array_agg(... ORDER BY): one sort of the ordinals, not one per array.
    tzs := ARRAY(SELECT coalesce(u.spec ->> 'time_zone', 'UTC')
                   FROM unnest(specs) WITH ORDINALITY AS u(spec, n) ORDER BY u.n);
    local_afters := ARRAY(SELECT CASE WHEN l.local >= timestamp '0001-01-01 00:00:00' AND l.local < timestamp '9999-12-31 23:59:59'
                                      THEN to_char(l.local, 'YYYY-MM-DD HH24:MI:SS.US') END
                            FROM unnest(afters, tzs) WITH ORDINALITY AS u(after, tz, n)
                           CROSS JOIN LATERAL (SELECT u.after AT TIME ZONE u.tz AS local) AS l
                           ORDER BY u.n);
    fires := pgautomator._plv8_next_fire_each(ARRAY(SELECT u.spec::text FROM unnest(specs) WITH ORDINALITY AS u(spec, n) ORDER BY u.n),
                                              local_afters)::timestamp[];
    instants := pgautomator._local_to_instants(fires, tzs);
    RETURN ARRAY(
        SELECT CASE WHEN u.spec IS NULL OR u.after IS NULL THEN NULL
                    WHEN u.local_after IS NOT NULL AND u.fire IS NULL THEN NULL     -- never fires again
                    WHEN u.local_after IS NOT NULL AND u.instant > u.after THEN u.instant
                    ELSE pgautomator._next_fire(u.spec, u.after) END
          FROM unnest(specs, afters, local_afters, fires, instants) WITH ORDINALITY AS u(spec, after, local_after, fire, instant, n)
         ORDER BY u.n);
END
$$;

COMMENT ON FUNCTION pgautomator._next_fire_each(jsonb[], timestamptz[]) IS
    'Internal: element i is _next_fire(specs[i], afters[i]) (NULL when none, or either is NULL), with one engine call for all of them under the plv8 engine. The specs must be valid.';
REVOKE ALL ON FUNCTION pgautomator._next_fire_each(jsonb[], timestamptz[]) FROM PUBLIC;

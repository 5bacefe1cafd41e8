-- The next fire of many schedules at once: element i is _next_fire(specs[i], afters[i]), NULL
-- when either is NULL or the schedule never fires again. The scheduler's bulk paths (_fire_due,
-- _refresh_next_fires) pass every schedule of a statement in one call.
-- With the plv8 engine ONE plv8 call answers for all of them with the instants themselves
-- (engine/sql-entry.ts nextFireEach: specs as text, `after` in and the answers out as float8
-- seconds since 1970, the local fires mapped to instants in JavaScript with the zones' offsets kept
-- per backend). On a real plv8 the SQL around the engine call cost more than the call itself: the
-- zone of each spec, `after` to local text (to_char), the text back to timestamp[], and the
-- mapping to instants in SQL (bench/README.md). An element the engine leaves to SQL (NaN: an
-- `after` it cannot read exactly, a fire mapping to `after` or earlier in the second pass of a
-- fall-back overlap) takes _next_fire, the general path. With the PL/pgSQL engine, _next_fire
-- element by element (an engine call there is a PL/pgSQL call either way). The specs must be valid.
-- PARALLEL UNSAFE: the plv8 engine may read zone offsets through SPI, which opens a subtransaction.
CREATE OR REPLACE FUNCTION pgautomator._next_fire_each(specs jsonb[], afters timestamptz[])
RETURNS timestamptz[]
LANGUAGE plpgsql
STABLE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fires float8[];
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') IS DISTINCT FROM '"plv8"' THEN
        RETURN ARRAY(SELECT pgautomator._next_fire(u.spec, u.after)
                       FROM unnest(specs, afters) WITH ORDINALITY AS u(spec, after, n) ORDER BY u.n);
    END IF;
    -- ARRAY(subquery) each, not array_agg(... ORDER BY): one sort of the ordinals, not one per array.
    fires := pgautomator._plv8_next_fire_each(ARRAY(SELECT u.spec::text FROM unnest(specs) WITH ORDINALITY AS u(spec, n) ORDER BY u.n),
                                              ARRAY(SELECT date_part('epoch', u.after) FROM unnest(afters) WITH ORDINALITY AS u(after, n) ORDER BY u.n));
    RETURN ARRAY(
        SELECT CASE WHEN u.fire IS NULL THEN NULL                  -- never fires again, or a NULL argument
                    WHEN u.fire <> 'NaN' THEN to_timestamp(u.fire)
                    ELSE pgautomator._next_fire(u.spec, u.after) END
          FROM unnest(specs, afters, fires) WITH ORDINALITY AS u(spec, after, fire, n)
         ORDER BY u.n);
END
$$;

COMMENT ON FUNCTION pgautomator._next_fire_each(jsonb[], timestamptz[]) IS
    'Internal: element i is _next_fire(specs[i], afters[i]) (NULL when none, or either is NULL), with one engine call for all of them under the plv8 engine. The specs must be valid.';
REVOKE ALL ON FUNCTION pgautomator._next_fire_each(jsonb[], timestamptz[]) FROM PUBLIC;

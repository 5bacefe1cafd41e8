-- The first `count` distinct instants strictly after `after` at which the schedule fires: local
-- fires from the engine, each mapped to an instant by the wall-clock rule
-- (pgautomator._local_to_instant). The rule never maps a later slot to an earlier instant, so the
-- instants come out ascending; a slot that maps to `after` or to the last fire returned or
-- earlier is dropped:
--   * the slots of a spring-forward gap all map to the gap's end: they fire once;
--   * while `after` is in the second pass of a fall-back overlap, the slots of the repeated hour
--     map to first-pass instants before `after`: they already fired.
-- On the first such slot the local cursor jumps to the highest reading the clock has shown by
-- then (pgautomator._local_reached: the gap's end, or the end of the first pass), so an hour of
-- one-second slots is skipped in one step, not mapped one by one. Each batch of local fires is
-- mapped in one statement (pgautomator._local_to_instants). More local fires are fetched
-- until `count` instants are found or the engine has no more. The spec must be valid.
-- With the plv8 engine, one plv8 call does all of that (engine/sql-entry.ts nextFiresAt, the same
-- rule with the zone's offsets kept per backend) and answers with the instants as float8 seconds;
-- NULL when it leaves the question to the loop below (an `after` it cannot read exactly, or a
-- second pass of an overlap longer than it drops slot by slot). PARALLEL UNSAFE: the plv8 engine
-- may read zone offsets through SPI, which opens a subtransaction.
CREATE OR REPLACE FUNCTION pgautomator._next_fires(spec jsonb, after timestamptz, count int)
RETURNS timestamptz[]
LANGUAGE plpgsql
STABLE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tz       text := coalesce(spec ->> 'time_zone', 'UTC');
    cur      timestamp := after AT TIME ZONE tz;    -- local fires strictly after this are wanted
    reached  timestamp;
    loc      timestamp[];
    insts    timestamptz[];
    l        timestamp;
    inst     timestamptz;
    i        int;
    last     timestamptz := after;                  -- fires must come strictly after this
    res      timestamptz[] := '{}';
    got      int := 0;
    want     int := count;
    at_plv8  float8[];
BEGIN
    IF (SELECT s.value FROM pgautomator.setting AS s WHERE s.name = 'engine') = '"plv8"' THEN
        at_plv8 := pgautomator._plv8_next_fires_at(spec::text, date_part('epoch', after), count);
        IF at_plv8 IS NOT NULL THEN
            RETURN ARRAY(SELECT to_timestamp(u.f) FROM unnest(at_plv8) WITH ORDINALITY AS u(f, n) ORDER BY u.n);
        END IF;
    END IF;
    <<fetch>>
    WHILE got < count LOOP
        loc := pgautomator._next_fires_local(spec, cur, want);
        -- All of them mapped in one statement, not one _local_to_instant call each.
        insts := pgautomator._local_to_instants(loc, array_fill(tz, ARRAY[cardinality(loc)]));
        FOR i IN 1 .. cardinality(loc) LOOP
            l := loc[i];
            inst := insts[i];
            IF inst > last THEN
                got := got + 1;
                res[got] := inst;
                last := inst;
                EXIT fetch WHEN got = count;
            ELSE
                -- Every slot up to what the clock has read by `last` fires at `last` or before.
                reached := pgautomator._local_reached(last, tz);
                IF reached > l THEN
                    cur := reached;
                    CONTINUE fetch;
                END IF;
            END IF;
        END LOOP;
        EXIT fetch WHEN cardinality(loc) < want;    -- the engine has no more
        cur := loc[cardinality(loc)];
        want := count - got;
    END LOOP;
    RETURN res;
END
$$;

COMMENT ON FUNCTION pgautomator._next_fires(jsonb, timestamptz, int) IS
    'Internal: the first count distinct instants strictly after after at which the schedule fires, in its time_zone (default UTC) by the wall-clock rule of docs/schedule-spec.md. The spec must be valid.';
REVOKE ALL ON FUNCTION pgautomator._next_fires(jsonb, timestamptz, int) FROM PUBLIC;

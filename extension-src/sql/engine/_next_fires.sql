-- The first `count` distinct instants strictly after `after` at which the schedule fires: local
-- fires from the engine, each mapped to an instant by the wall-clock rule
-- (pgautomator._local_to_instant). The rule is monotone, so the instants come out ascending;
--   * several slots in a spring-forward gap map to the gap's end: they fire once (dedupe);
--   * while `after` is in the second pass of a fall-back overlap, slots of the repeated hour map
--     to first-pass instants before `after`: they already fired. When that shows, the local
--     cursor jumps to the end of the first pass (pgautomator._local_reached); any stragglers are
--     dropped by the `> after` filter anyway.
-- More local fires are fetched while some were dropped, in growing batches. The spec must be valid.
CREATE OR REPLACE FUNCTION pgautomator._next_fires(spec jsonb, after timestamptz, count int)
RETURNS timestamptz[]
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    tz       text := coalesce(spec ->> 'time_zone', 'UTC');
    cur      timestamp := after AT TIME ZONE tz;    -- local fires strictly after this are wanted
    reached  timestamp;
    loc      timestamp[];
    l        timestamp;
    inst     timestamptz;
    last     timestamptz := after;
    res      timestamptz[] := '{}';
    got      int := 0;
    want     int := count;
    dropped  boolean;
    jumped   boolean := false;
BEGIN
    <<fetch>>
    WHILE got < count LOOP
        loc := pgautomator._next_fires_local(spec, cur, want);
        dropped := false;
        FOREACH l IN ARRAY loc LOOP
            inst := pgautomator._local_to_instant(l, tz);
            IF inst > last THEN
                got := got + 1;
                res[got] := inst;
                last := inst;
                EXIT fetch WHEN got = count;
                CONTINUE;
            END IF;
            dropped := true;
            IF inst <= after AND NOT jumped THEN
                -- `after` is in a second pass: skip what fired on the first pass, in one step.
                jumped := true;
                reached := pgautomator._local_reached(after, tz);
                IF reached > l THEN
                    cur := reached;
                    CONTINUE fetch;
                END IF;
            END IF;
        END LOOP;
        EXIT fetch WHEN cardinality(loc) < want;    -- the engine has no more
        cur := loc[cardinality(loc)];
        -- A batch that lost slots (a gap full of slots, say) asks for twice as many next time.
        want := CASE WHEN dropped THEN least(want * 2, 100000) ELSE count - got END;
        want := greatest(want, count - got);
    END LOOP;
    RETURN res;
END
$$;

COMMENT ON FUNCTION pgautomator._next_fires(jsonb, timestamptz, int) IS
    'Internal: the first count distinct instants strictly after after at which the schedule fires, in its time_zone (default UTC) by the wall-clock rule of docs/schedule-spec.md. The spec must be valid.';

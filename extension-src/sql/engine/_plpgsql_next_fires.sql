-- The PL/pgSQL twin of the TypeScript engine's nextFires (docs/schedule-spec.md): up to `count`
-- local wall-clock fire times strictly after local time `after`, ascending, up to the horizon
-- 9999-12-31 23:59:59. `after` may carry microseconds; fires are whole seconds. The spec must be
-- valid (pgautomator._plpgsql_validate_schedule); nothing is checked here.
--
-- Cost grows with the fires returned and the exceptions passed, never with the span of time:
-- from a candidate day the next firing day is computed arithmetically (day, week or month
-- number modulo `every`), a day inside an exception jumps past the whole exception at once, and
-- the slots of a day are computed, not searched. The spec is read once into variables; the hot
-- path runs no query and no exception block (the only query parses a non-empty exceptions list).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_next_fires(spec jsonb, after timestamp, count int)
RETURNS timestamp[]
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- 0001-01-01 is a Monday (proleptic Gregorian), and no valid date precedes it, so
    -- (d - c_monday) % 7 is the weekday of d, 0 = Monday .. 6 = Sunday, never negative.
    c_monday  CONSTANT date := date '0001-01-01';
    c_horizon CONSTANT date := date '9999-12-31';
    c_days    CONSTANT text[] := ARRAY['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    v_type    text := spec ->> 'type';
    v_sub     jsonb := spec -> 'sub';
    v_x       jsonb := spec -> 'exceptions';
    v_every   int := 1;
    v_start   date;          -- first day that may fire
    v_end     date;          -- last day that may fire (end_date or the horizon)
    v_t0      int := 0;      -- first slot of a day, seconds since midnight
    v_step    int := 86400;  -- seconds between slots
    v_n       int := 1;      -- slots per day
    v_unit    text;
    v_ws      date;          -- weekly: the Monday of start_date's week
    v_nxt     int[];         -- weekly: v_nxt[w + 1] = first listed weekday >= w (7: none)
    v_on      boolean[] := ARRAY[false, false, false, false, false, false, false];
    v_sm      int;           -- monthly*: month number (year * 12 + month - 1) of start_date
    v_mday    int;           -- monthly: day of month
    v_ord     int;           -- monthly_relative: 1..4, 5 = last
    v_wk      int;           -- monthly_relative: 0..6 = mon..sun, 7 = day, 8 = weekday, 9 = weekend_day
    v_xf      date[];        -- exceptions still relevant, sorted by start: first days
    v_xt      date[];        --   and last days
    v_nx      int := 0;
    v_xp      int := 1;      -- exceptions before v_xp end before the current candidate day
    v_day0    date;          -- the day of `after` (NULL for -infinity)
    v_sec0    int;           -- whole seconds of `after` since midnight of v_day0
    d         date;
    f         date;
    k         int;
    k0        int;
    r         int;
    w         int;
    fd        int;
    ld        int;
    y         int;
    m         int;
    dim       int;
    base      timestamp;
    res       timestamp[] := '{}';
    got       int := 0;
BEGIN
    IF count <= 0 OR after = 'infinity' THEN
        RETURN res;
    END IF;
    IF v_type = 'cron' THEN
        RETURN pgautomator._plpgsql_cron_next_fires(spec, after, count);
    END IF;

    -- The spec, read once.
    IF v_type = 'once' THEN
        v_start := (spec ->> 'date')::date;
        v_end := v_start;
    ELSE
        v_start := (spec ->> 'start_date')::date;
        v_end := least(coalesce((spec ->> 'end_date')::date, c_horizon), c_horizon);
        IF spec ? 'every' THEN
            v_every := (spec -> 'every')::numeric::int;
        END IF;
    END IF;

    IF v_sub IS NOT NULL THEN
        IF v_sub ->> 'type' = 'once' THEN
            v_t0 := date_part('epoch', (v_sub ->> 'time')::time)::int;
        ELSE
            v_unit := v_sub ->> 'unit';
            v_step := (v_sub -> 'every')::numeric::int
                      * CASE v_unit WHEN 'second' THEN 1 WHEN 'minute' THEN 60 ELSE 3600 END;
            v_t0 := coalesce(date_part('epoch', (v_sub ->> 'start_time')::time)::int, 0);
            v_n := (coalesce(date_part('epoch', (v_sub ->> 'end_time')::time)::int, 86399) - v_t0) / v_step + 1;
        END IF;
    END IF;

    IF after = '-infinity' THEN
        d := v_start;
    ELSE
        v_day0 := after::date;
        v_sec0 := floor(date_part('epoch', after - v_day0::timestamp))::int;
        d := greatest(v_day0, v_start);
    END IF;
    IF d > v_end THEN
        RETURN res;
    END IF;

    IF v_type = 'weekly' THEN
        FOR k IN 0 .. jsonb_array_length(spec -> 'weekdays') - 1 LOOP
            v_on[array_position(c_days, spec -> 'weekdays' ->> k)] := true;
        END LOOP;
        v_nxt := ARRAY[7, 7, 7, 7, 7, 7, 7];
        w := 7;
        FOR k IN REVERSE 6 .. 0 LOOP
            IF v_on[k + 1] THEN
                w := k;
            END IF;
            v_nxt[k + 1] := w;
        END LOOP;
        v_ws := v_start - (v_start - c_monday) % 7;
    ELSIF v_type = 'monthly' THEN
        v_sm := date_part('year', v_start)::int * 12 + date_part('month', v_start)::int - 1;
        v_mday := (spec -> 'day')::numeric::int;
    ELSIF v_type = 'monthly_relative' THEN
        v_sm := date_part('year', v_start)::int * 12 + date_part('month', v_start)::int - 1;
        v_ord := array_position(ARRAY['first', 'second', 'third', 'fourth', 'last'], spec ->> 'ordinal');
        v_wk := array_position(c_days || ARRAY['day', 'weekday', 'weekend_day'], spec ->> 'weekday') - 1;
    END IF;

    -- Exceptions that end on or after the first candidate day, sorted by their first day.
    IF v_x IS NOT NULL AND jsonb_array_length(v_x) > 0 THEN
        SELECT array_agg(e.x_from ORDER BY e.x_from), array_agg(e.x_to ORDER BY e.x_from), count(*)
          INTO v_xf, v_xt, v_nx
          FROM (SELECT CASE WHEN jsonb_typeof(j.x) = 'string' THEN (j.x #>> '{}')::date ELSE (j.x ->> 'from')::date END AS x_from,
                       CASE WHEN jsonb_typeof(j.x) = 'string' THEN (j.x #>> '{}')::date ELSE (j.x ->> 'to')::date END AS x_to
                  FROM jsonb_array_elements(v_x) AS j(x)) AS e
         WHERE e.x_to >= d;
    END IF;

    <<days>>
    LOOP
        -- 1) the first firing day on or after d (d >= v_start always)
        IF v_type = 'daily' THEN
            r := (d - v_start) % v_every;
            IF r <> 0 THEN
                d := d + (v_every - r);
            END IF;
        ELSIF v_type = 'weekly' THEN
            k := (d - v_ws) / 7;                    -- week number
            w := (d - v_ws) % 7;                    -- weekday
            IF k % v_every = 0 AND v_nxt[w + 1] < 7 THEN
                d := v_ws + k * 7 + v_nxt[w + 1];
            ELSE
                d := v_ws + (k / v_every + 1) * v_every * 7 + v_nxt[1];
            END IF;
        ELSIF v_type <> 'once' THEN
            k := date_part('year', d)::int * 12 + date_part('month', d)::int - 1 - v_sm;   -- month number
            IF k % v_every <> 0 THEN
                k := (k / v_every + 1) * v_every;
            END IF;
            LOOP    -- twice at most: this month's day may be behind d, the next firing month's is not
                y := (v_sm + k) / 12;
                m := (v_sm + k) % 12 + 1;
                dim := CASE WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
                            WHEN m IN (4, 6, 9, 11) THEN 30
                            ELSE 31 END;
                f := make_date(y, m, 1);
                IF v_type = 'monthly' THEN
                    f := f + (least(v_mday, dim) - 1);
                ELSE
                    fd := (f - c_monday) % 7;           -- weekday of the 1st
                    ld := (fd + dim - 1) % 7;           -- weekday of the last day
                    IF v_wk <= 6 THEN                   -- a named weekday
                        IF v_ord <= 4 THEN
                            f := f + ((v_wk - fd + 7) % 7 + 7 * (v_ord - 1));
                        ELSE
                            f := f + (dim - 1 - (ld - v_wk + 7) % 7);
                        END IF;
                    ELSIF v_wk = 7 THEN                 -- day
                        f := f + CASE WHEN v_ord <= 4 THEN v_ord - 1 ELSE dim - 1 END;
                    ELSIF v_wk = 8 THEN                 -- weekday, Monday to Friday
                        IF v_ord <= 4 THEN
                            f := f + CASE
                                WHEN fd = 5 THEN v_ord + 1      -- starts on Saturday
                                WHEN fd = 6 THEN v_ord          -- starts on Sunday
                                WHEN v_ord <= 5 - fd THEN v_ord - 1
                                ELSE v_ord + 1                  -- past the first weekend
                            END;
                        ELSE
                            f := f + (dim - 1 - CASE ld WHEN 5 THEN 1 WHEN 6 THEN 2 ELSE 0 END);
                        END IF;
                    ELSE                                -- weekend_day, Saturday or Sunday
                        IF v_ord <= 4 THEN
                            f := f + CASE
                                WHEN fd = 6 THEN (ARRAY[0, 6, 7, 13])[v_ord]
                                ELSE (5 - fd) + (ARRAY[0, 1, 7, 8])[v_ord]
                            END;
                        ELSE
                            f := f + (dim - 1 - CASE WHEN ld >= 5 THEN 0 ELSE ld + 1 END);
                        END IF;
                    END IF;
                END IF;
                EXIT WHEN f >= d;
                k := k + v_every;
            END LOOP;
            d := f;
        END IF;
        EXIT days WHEN d > v_end;

        -- 2) inside an exception: jump past it and look again
        IF v_nx > 0 THEN
            WHILE v_xp <= v_nx AND v_xt[v_xp] < d LOOP
                v_xp := v_xp + 1;
            END LOOP;
            IF v_xp <= v_nx AND v_xf[v_xp] <= d THEN
                d := v_xt[v_xp] + 1;
                EXIT days WHEN d > v_end;
                CONTINUE days;
            END IF;
        END IF;

        -- 3) the day's slots, strictly after `after` on its own day
        k0 := 0;
        IF d = v_day0 AND v_sec0 >= v_t0 THEN
            k0 := (v_sec0 - v_t0) / v_step + 1;
        END IF;
        IF k0 < v_n THEN
            base := d::timestamp;
            FOR k IN k0 .. v_n - 1 LOOP
                got := got + 1;
                res[got] := base + make_interval(secs => v_t0 + k * v_step);
                EXIT days WHEN got >= count;
            END LOOP;
        END IF;

        EXIT days WHEN d >= v_end;
        d := d + 1;
    END LOOP;

    RETURN res;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_next_fires(jsonb, timestamp, int) IS
    'Internal (PL/pgSQL schedule engine): up to count local fire times strictly after the local time after, ascending, up to 9999-12-31 23:59:59. The spec must be valid. Twin of the TypeScript engine''s nextFires; see docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_next_fires(jsonb, timestamp, int) FROM PUBLIC;

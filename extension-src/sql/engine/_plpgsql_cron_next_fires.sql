-- The cron half of pgautomator._plpgsql_next_fires (the TypeScript twin: nextCronDay in
-- extension-src/engine/firing-days.ts and cronFiresAfter in next-fires.ts): up to `count` local
-- fire times strictly after local `after`, ascending, up to 9999-12-31 23:59:59. The spec must be
-- a valid cron spec; nothing is checked here.
--
-- Days: month by month (a month the expression leaves out costs one step), and within an
-- allowed month day by day (31 steps at most) under Vixie's rule; a valid expression fires
-- within about a hundred months (29 February: 2096 -> 2104). An exception jumps past its whole
-- period. Slots: the allowed hours x the allowed minutes, in order, from two small arrays made
-- once per call from the parsed bit sets; the first day skips the slots up to `after`.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_cron_next_fires(spec jsonb, after timestamp, count int)
RETURNS timestamp[]
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_monday  CONSTANT date := date '0001-01-01';   -- a Monday: (d - c_monday) % 7 = weekday, 0 = Monday
    v_cron    record;
    v_mdays   bigint;
    v_months  bigint;
    v_wdays   bigint;
    v_both    boolean;
    v_hrs     int[] := '{}';  -- allowed hours, ascending
    v_mins    int[] := '{}';  -- allowed minutes, ascending
    v_nh      int;
    v_nm      int;
    h         int;
    mi        int;
    v_start   date := coalesce((spec ->> 'start_date')::date, date '0001-01-01');
    v_end     date := coalesce((spec ->> 'end_date')::date, date '9999-12-31');
    v_x       jsonb := spec -> 'exceptions';
    v_xf      date[];
    v_xt      date[];
    v_nx      int := 0;
    v_xp      int := 1;
    v_day0    date;
    v_sec0    int;
    d         date;
    m1        date;           -- first day of d's month
    dim       int;
    x         int;            -- day of month
    wd        int;            -- weekday, 0 = Monday
    k         int;
    ok        boolean;
    res       timestamp[] := '{}';
    got       int := 0;
BEGIN
    IF count <= 0 OR after = 'infinity' THEN
        RETURN res;
    END IF;
    v_cron := pgautomator._plpgsql_cron_parse(spec -> 'expression');
    v_mdays := v_cron.month_days;
    v_months := v_cron.months;
    v_wdays := v_cron.weekdays;
    v_both := v_cron.both_days;
    FOR k IN 0 .. 59 LOOP
        EXIT WHEN v_cron.minutes >> k = 0 AND v_cron.hours >> k = 0;   -- no higher bit is set
        IF v_cron.minutes & (1::bigint << k) <> 0 THEN
            v_mins := v_mins || k;
        END IF;
        IF v_cron.hours & (1::bigint << k) <> 0 THEN
            v_hrs := v_hrs || k;
        END IF;
    END LOOP;
    v_nh := cardinality(v_hrs);
    v_nm := cardinality(v_mins);

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
        -- 1) the first cron day on or after d
        m1 := date_trunc('month', d)::date;
        x := d - m1 + 1;
        <<months>>
        LOOP
            IF v_months & (1::bigint << (date_part('month', m1)::int - 1)) <> 0 THEN
                dim := ((m1 + interval '1 month')::date - m1);
                wd := (m1 + (x - 1) - c_monday) % 7;
                WHILE x <= dim LOOP
                    ok := CASE WHEN v_both THEN v_mdays & (1::bigint << (x - 1)) <> 0 AND v_wdays & (1::bigint << wd) <> 0
                               ELSE v_mdays & (1::bigint << (x - 1)) <> 0 OR v_wdays & (1::bigint << wd) <> 0 END;
                    EXIT months WHEN ok;
                    x := x + 1;
                    wd := (wd + 1) % 7;
                END LOOP;
            END IF;
            m1 := (m1 + interval '1 month')::date;
            x := 1;
            EXIT days WHEN m1 > v_end;
        END LOOP;
        d := m1 + (x - 1);
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
        h := 1;
        mi := 1;
        IF d = v_day0 THEN
            -- the first slot strictly after v_sec0: hour v_sec0 / 3600 at a minute past (v_sec0 % 3600) / 60, or a later hour
            WHILE h <= v_nh AND v_hrs[h] < v_sec0 / 3600 LOOP
                h := h + 1;
            END LOOP;
            IF h <= v_nh AND v_hrs[h] = v_sec0 / 3600 THEN
                WHILE mi <= v_nm AND v_mins[mi] <= (v_sec0 % 3600) / 60 LOOP
                    mi := mi + 1;
                END LOOP;
                IF mi > v_nm THEN
                    h := h + 1;
                    mi := 1;
                END IF;
            END IF;
        END IF;
        WHILE h <= v_nh LOOP
            WHILE mi <= v_nm LOOP
                got := got + 1;
                res[got] := d::timestamp + make_interval(secs => v_hrs[h] * 3600 + v_mins[mi] * 60);
                EXIT days WHEN got >= count;
                mi := mi + 1;
            END LOOP;
            h := h + 1;
            mi := 1;
        END LOOP;

        EXIT days WHEN d >= v_end;
        d := d + 1;
    END LOOP;

    RETURN res;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_cron_next_fires(jsonb, timestamp, int) IS
    'Internal (PL/pgSQL schedule engine): up to count local fire times of a valid cron spec strictly after the local time after, ascending, up to 9999-12-31 23:59:59. Called by _plpgsql_next_fires; twin of the TypeScript engine''s cron search. See docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_cron_next_fires(jsonb, timestamp, int) FROM PUBLIC;

-- The PL/pgSQL twin of the TypeScript engine's parseCronExpression
-- (extension-src/engine/cron-expression.ts, docs/schedule-spec.md): a cron expression (a jsonb
-- value, as it sits in the spec) parsed into
--   {"minutes": [...], "hours": [...], "month_days": bits, "months": bits, "weekdays": bits, "both": bool}
-- (bit d-1 for day of month d, bit m-1 for month m, bit w for weekday w with 0 = Monday;
-- "both": a day must match both day fields, Vixie's rule when either begins with *),
-- or {"error": text} whose text follows 'schedule expression ' in the message, checked in the
-- TypeScript order and worded identically (the differential test compares them). Never raises.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_cron_parse(expression jsonb)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_macros   CONSTANT text := '@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';
    c_names    CONSTANT text[] := ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
    c_low      CONSTANT int[] := ARRAY[0, 0, 1, 1, 0];
    c_high     CONSTANT int[] := ARRAY[59, 23, 31, 12, 7];
    c_allowed  CONSTANT text[] := ARRAY['0-59', '0-23', '1-31', '1-12 or jan-dec', '0-7 or sun-sat (0 and 7 are Sunday)'];
    c_months   CONSTANT text[] := ARRAY['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
    c_days     CONSTANT text[] := ARRAY['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    c_longest  CONSTANT int[] := ARRAY[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    c_item     CONSTANT text := '^(?:(\*)|([0-9]+|[A-Za-z]{3})(?:-([0-9]+|[A-Za-z]{3}))?)(?:/([0-9]+))?$';
    v_text     text;
    v_parts    text[];
    v_n        int;
    v_item     text;
    v_m        text[];
    v_what     text;
    v_syntax   text;
    v_a        numeric;
    v_b        numeric;
    v_step     numeric;
    v_on       boolean[];
    v_minutes  int[];
    v_hours    int[];
    v_mdays    bigint := 0;
    v_months   int := 0;
    v_wdays    int := 0;
    v_both     boolean;
    v_fires    boolean := false;
    f          int;
    v          int;
BEGIN
    IF expression IS NULL OR jsonb_typeof(expression) <> 'string' THEN
        RETURN jsonb_build_object('error', format(
            'must be a cron expression: five fields "minute hour day-of-month month day-of-week" or one of %s (got %s)',
            c_macros, pgautomator._plpgsql_json_describe(expression)));
    END IF;
    v_text := btrim(expression #>> '{}', E' \t');
    IF left(v_text, 1) = '@' THEN
        v_text := CASE v_text
            WHEN '@yearly' THEN '0 0 1 1 *'
            WHEN '@annually' THEN '0 0 1 1 *'
            WHEN '@monthly' THEN '0 0 1 * *'
            WHEN '@weekly' THEN '0 0 * * 0'
            WHEN '@daily' THEN '0 0 * * *'
            WHEN '@midnight' THEN '0 0 * * *'
            WHEN '@hourly' THEN '0 * * * *'
        END;
        IF v_text IS NULL THEN
            RETURN jsonb_build_object('error', format('must be one of %s when it begins with @ (got %s)',
                c_macros, pgautomator._plpgsql_json_describe(expression)));
        END IF;
    END IF;
    v_parts := CASE WHEN v_text = '' THEN '{}'::text[] ELSE regexp_split_to_array(v_text, E'[ \t]+') END;
    v_n := coalesce(array_length(v_parts, 1), 0);
    IF v_n <> 5 THEN
        RETURN jsonb_build_object('error', format(
            'must have five fields separated by blanks, "minute hour day-of-month month day-of-week" (got %s: %s)',
            v_n, pgautomator._plpgsql_json_describe(expression)));
    END IF;

    FOR f IN 1 .. 5 LOOP
        v_on := '{}';
        FOREACH v_item IN ARRAY string_to_array(v_parts[f], ',') LOOP
            v_m := regexp_match(v_item, c_item);
            v_what := format('field %s has item %s', c_names[f], pgautomator._plpgsql_json_describe(to_jsonb(v_item)));
            v_syntax := format('%s that is not *, N, A-B, */S or A-B/S with values %s', v_what, c_allowed[f]);
            IF v_m IS NULL OR (v_m[4] IS NOT NULL AND v_m[1] IS NULL AND v_m[3] IS NULL) THEN
                RETURN jsonb_build_object('error', v_syntax);
            END IF;
            v_a := c_low[f];
            v_b := c_high[f];
            IF v_m[1] IS NULL THEN
                v_a := pgautomator._plpgsql_cron_value(v_m[2], f, c_months, c_days);
                v_b := CASE WHEN v_m[3] IS NULL THEN v_a ELSE pgautomator._plpgsql_cron_value(v_m[3], f, c_months, c_days) END;
                IF v_a IS NULL OR v_b IS NULL THEN
                    RETURN jsonb_build_object('error', v_syntax);
                END IF;
                IF v_a < c_low[f] OR v_a > c_high[f] OR v_b < c_low[f] OR v_b > c_high[f] THEN
                    RETURN jsonb_build_object('error', format('%s outside %s', v_what, c_allowed[f]));
                END IF;
                IF v_a > v_b THEN
                    RETURN jsonb_build_object('error', format('%s whose range is reversed (write the smaller value first)', v_what));
                END IF;
            END IF;
            v_step := 1;
            IF v_m[4] IS NOT NULL THEN
                v_step := v_m[4]::numeric;
                IF v_step < 1 THEN
                    RETURN jsonb_build_object('error', format('%s whose step is not at least 1', v_what));
                END IF;
            END IF;
            -- A step past the field's width gives the first value only; capped so that it fits an int.
            FOR v IN v_a::int .. v_b::int BY least(v_step, 100)::int LOOP
                v_on[v] := true;
            END LOOP;
        END LOOP;

        FOR v IN c_low[f] .. c_high[f] LOOP
            CONTINUE WHEN v_on[v] IS NOT TRUE;
            CASE f
                WHEN 1 THEN v_minutes := v_minutes || v;
                WHEN 2 THEN v_hours := v_hours || v;
                WHEN 3 THEN v_mdays := v_mdays | (1::bigint << (v - 1));
                WHEN 4 THEN v_months := v_months | (1 << (v - 1));
                ELSE v_wdays := v_wdays | (1 << ((v + 6) % 7));   -- cron 0/7 = Sunday -> 6, 1 = Monday -> 0
            END CASE;
        END LOOP;
    END LOOP;

    v_both := left(v_parts[3], 1) = '*' OR left(v_parts[5], 1) = '*';
    IF v_both THEN
        -- Some allowed month must have an allowed day; every date then falls on every weekday
        -- within 400 years (see the TypeScript twin).
        FOR v IN 1 .. 12 LOOP
            IF v_months & (1 << (v - 1)) <> 0 AND v_mdays & ((1::bigint << c_longest[v]) - 1) <> 0 THEN
                v_fires := true;
                EXIT;
            END IF;
        END LOOP;
        IF NOT v_fires THEN
            RETURN jsonb_build_object('error', format('can never fire: no month it allows has a day of month it allows (got %s)',
                pgautomator._plpgsql_json_describe(expression)));
        END IF;
    END IF;

    RETURN jsonb_build_object('minutes', to_jsonb(v_minutes), 'hours', to_jsonb(v_hours), 'month_days', v_mdays,
                              'months', v_months, 'weekdays', v_wdays, 'both', v_both);
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_cron_parse(jsonb) IS
    'Internal (PL/pgSQL schedule engine): a cron expression parsed into minutes, hours and day/month/weekday bit sets, or {"error": ...} worded as the TypeScript engine words it. Never raises. See docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_cron_parse(jsonb) FROM PUBLIC;

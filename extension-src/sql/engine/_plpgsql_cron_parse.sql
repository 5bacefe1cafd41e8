-- The PL/pgSQL twin of the TypeScript engine's parseCronExpression
-- (extension-src/engine/cron-expression.ts, docs/schedule-spec.md): a cron expression (a jsonb
-- value, as it sits in the spec) parsed into bit sets: bit m of `minutes` for minute m, bit h of
-- `hours`, bit d-1 of `month_days` for day d, bit m-1 of `months` for month m, bit w of
-- `weekdays` for weekday w with 0 = Monday; `both_days`: a day must match both day fields (Vixie's rule
-- when either begins with *). Or `error`, the text that follows 'schedule expression ' in the
-- message, checked in the TypeScript order and worded identically (the differential test
-- compares them). Never raises. Bits, not arrays: it runs on every next-fire call, and bit
-- arithmetic is what PL/pgSQL does fast (arrays grown element by element are not).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_cron_parse(
    expression jsonb,
    OUT error text, OUT minutes bigint, OUT hours bigint, OUT month_days bigint, OUT months bigint, OUT weekdays bigint, OUT both_days boolean)
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
    v_a        numeric;
    v_b        numeric;
    v_step     numeric;
    v_bits     bigint;
    v_fires    boolean := false;
    f          int;
    v          int;
BEGIN
    IF expression IS NULL OR jsonb_typeof(expression) <> 'string' THEN
        error := format('must be a cron expression: five fields "minute hour day-of-month month day-of-week" or one of %s (got %s)',
                        c_macros, pgautomator._plpgsql_json_describe(expression));
        RETURN;
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
            error := format('must be one of %s when it begins with @ (got %s)', c_macros, pgautomator._plpgsql_json_describe(expression));
            RETURN;
        END IF;
    END IF;
    v_parts := CASE WHEN v_text = '' THEN '{}'::text[] ELSE regexp_split_to_array(v_text, E'[ \t]+') END;
    v_n := coalesce(array_length(v_parts, 1), 0);
    IF v_n <> 5 THEN
        error := format('must have five fields separated by blanks, "minute hour day-of-month month day-of-week" (got %s: %s)',
                        v_n, pgautomator._plpgsql_json_describe(expression));
        RETURN;
    END IF;

    FOR f IN 1 .. 5 LOOP
        v_bits := 0;
        FOREACH v_item IN ARRAY string_to_array(v_parts[f], ',') LOOP
            IF v_item = '*' THEN   -- the commonest item, without the pattern
                v_bits := v_bits | (((1::bigint << (c_high[f] + 1)) - 1) # ((1::bigint << c_low[f]) - 1));
                CONTINUE;
            END IF;
            v_m := regexp_match(v_item, c_item);
            IF v_m IS NULL OR (v_m[4] IS NOT NULL AND v_m[1] IS NULL AND v_m[3] IS NULL) THEN
                error := pgautomator._plpgsql_cron_item_error(c_names[f], v_item, 'that is not *, N, A-B, */S or A-B/S with values ' || c_allowed[f]);
                RETURN;
            END IF;
            v_a := c_low[f];
            v_b := c_high[f];
            IF v_m[1] IS NULL THEN
                -- A value is digits (any count, hence numeric) or, in the month and day-of-week fields,
                -- a three-letter name in any case (the pattern lets only ASCII letters through).
                v_a := CASE WHEN left(v_m[2], 1) BETWEEN '0' AND '9' THEN v_m[2]::numeric
                            WHEN f = 4 THEN array_position(c_months, lower(v_m[2]))
                            WHEN f = 5 THEN array_position(c_days, lower(v_m[2])) - 1 END;
                v_b := CASE WHEN v_m[3] IS NULL THEN v_a
                            WHEN left(v_m[3], 1) BETWEEN '0' AND '9' THEN v_m[3]::numeric
                            WHEN f = 4 THEN array_position(c_months, lower(v_m[3]))
                            WHEN f = 5 THEN array_position(c_days, lower(v_m[3])) - 1 END;
                IF v_a IS NULL OR v_b IS NULL THEN
                    error := pgautomator._plpgsql_cron_item_error(c_names[f], v_item, 'that is not *, N, A-B, */S or A-B/S with values ' || c_allowed[f]);
                    RETURN;
                END IF;
                IF v_a < c_low[f] OR v_a > c_high[f] OR v_b < c_low[f] OR v_b > c_high[f] THEN
                    error := pgautomator._plpgsql_cron_item_error(c_names[f], v_item, 'outside ' || c_allowed[f]);
                    RETURN;
                END IF;
                IF v_a > v_b THEN
                    error := pgautomator._plpgsql_cron_item_error(c_names[f], v_item, 'whose range is reversed (write the smaller value first)');
                    RETURN;
                END IF;
            END IF;
            v_step := 1;
            IF v_m[4] IS NOT NULL THEN
                v_step := v_m[4]::numeric;
                IF v_step < 1 THEN
                    error := pgautomator._plpgsql_cron_item_error(c_names[f], v_item, 'whose step is not at least 1');
                    RETURN;
                END IF;
            END IF;
            IF v_step = 1 THEN
                -- bits a..b at once: a range costs one expression, not one per value
                v_bits := v_bits | (((1::bigint << (v_b::int + 1)) - 1) # ((1::bigint << v_a::int) - 1));
            ELSE
                -- A step past the field's width gives the first value only; capped so that it fits an int.
                FOR v IN v_a::int .. v_b::int BY least(v_step, 100)::int LOOP
                    v_bits := v_bits | (1::bigint << v);
                END LOOP;
            END IF;
        END LOOP;
        CASE f
            WHEN 1 THEN minutes := v_bits;
            WHEN 2 THEN hours := v_bits;
            WHEN 3 THEN month_days := v_bits >> 1;                              -- day d -> bit d - 1
            WHEN 4 THEN months := v_bits >> 1;                                  -- month m -> bit m - 1
            ELSE weekdays := (v_bits >> 1) & 63 | (CASE WHEN v_bits & 129 <> 0 THEN 64 ELSE 0 END);
                                                                                -- cron 1..6 -> 0..5, 0 and 7 (Sunday) -> 6
        END CASE;
    END LOOP;

    both_days := left(v_parts[3], 1) = '*' OR left(v_parts[5], 1) = '*';
    IF both_days THEN
        -- Some allowed month must have an allowed day; every date then falls on every weekday
        -- within 400 years (see the TypeScript twin).
        FOR v IN 1 .. 12 LOOP
            IF months & (1::bigint << (v - 1)) <> 0 AND month_days & ((1::bigint << c_longest[v]) - 1) <> 0 THEN
                v_fires := true;
                EXIT;
            END IF;
        END LOOP;
        IF NOT v_fires THEN
            error := format('can never fire: no month it allows has a day of month it allows (got %s)', pgautomator._plpgsql_json_describe(expression));
            minutes := NULL; hours := NULL; month_days := NULL; months := NULL; weekdays := NULL; both_days := NULL;
            RETURN;
        END IF;
    END IF;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_cron_parse(jsonb) IS
    'Internal (PL/pgSQL schedule engine): a cron expression parsed into minute, hour, day, month and weekday bit sets, or error, worded as the TypeScript engine words it. Never raises. See docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_cron_parse(jsonb) FROM PUBLIC;

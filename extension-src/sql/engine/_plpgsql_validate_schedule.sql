-- The PL/pgSQL twin of the TypeScript engine's validateSchedule (extension-src/engine/validate.ts,
-- docs/schedule-spec.md). NULL when the spec is valid, else {"field": ..., "message": ...} for the
-- FIRST error, found in exactly the TypeScript engine's order (the differential test holds the
-- two to the same field; messages are worded identically too):
--   1) spec is an object; 2) type; 3) unknown top-level keys, the first in JavaScript's sort
--   order; 4) time_zone, date | start_date, end_date, every, weekdays, day, ordinal, weekday |
--   (cron) start_date, end_date, expression;
--   5) sub (type, unknown keys, then time | every, unit, start_time, end_time);
--   6) exceptions, element by element.
-- A key holding JSON null is present (an error where a value is expected), not absent.
-- Never raises for a bad spec. The time zone is only checked to be a non-empty string here; the
-- SQL API (pgautomator.validate_schedule) also checks that it exists.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_validate_schedule(spec jsonb)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_types     CONSTANT text[] := ARRAY['once', 'daily', 'weekly', 'monthly', 'monthly_relative', 'cron'];
    c_days      CONSTANT text[] := ARRAY['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    c_ordinals  CONSTANT text[] := ARRAY['first', 'second', 'third', 'fourth', 'last'];
    c_relative  CONSTANT text[] := ARRAY['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'day', 'weekday', 'weekend_day'];
    c_sub_types CONSTANT text[] := ARRAY['once', 'every'];
    c_units     CONSTANT text[] := ARRAY['second', 'minute', 'hour'];
    c_date_rule CONSTANT text := 'a date YYYY-MM-DD in years 0001..9999';
    c_time_rule CONSTANT text := 'a time HH:MM or HH:MM:SS (hours 00-23, minutes and seconds 00-59)';
    c_every     CONSTANT text := 'an integer from 1 to 100000';
    v_type      text;
    v_allowed   text[];
    v_key       text;
    v           jsonb;
    v_start     date;
    v_end       date;
    v_sub       jsonb;
    v_sub_type  text;
    v_t1        int;
    v_t2        int;
    v_elem      jsonb;
    v_from      date;
    v_to        date;
    v_path      text;
    v_field     text;
    v_rest      text;
    i           int;
BEGIN
    <<checks>>
    BEGIN
        -- 1) the spec itself
        IF spec IS NULL OR jsonb_typeof(spec) <> 'object' THEN
            v_field := 'spec';
            v_rest := format('must be a JSON object (got %s)', pgautomator._plpgsql_json_describe(spec));
            EXIT checks;
        END IF;

        -- 2) type
        v := spec -> 'type';
        v_field := 'type';
        IF v IS NULL THEN
            v_rest := 'is required: one of ' || array_to_string(c_types, ', ');
            EXIT checks;
        ELSIF jsonb_typeof(v) <> 'string' OR (v #>> '{}') <> ALL (c_types) THEN
            v_rest := format('must be one of %s (got %s)', array_to_string(c_types, ', '), pgautomator._plpgsql_json_describe(v));
            EXIT checks;
        END IF;
        v_type := v #>> '{}';

        -- 3) unknown top-level keys
        v_allowed := CASE v_type
            WHEN 'once'    THEN ARRAY['type', 'time_zone', 'sub', 'exceptions', 'date']
            WHEN 'daily'   THEN ARRAY['type', 'time_zone', 'sub', 'exceptions', 'start_date', 'end_date', 'every']
            WHEN 'weekly'  THEN ARRAY['type', 'time_zone', 'sub', 'exceptions', 'start_date', 'end_date', 'every', 'weekdays']
            WHEN 'monthly' THEN ARRAY['type', 'time_zone', 'sub', 'exceptions', 'start_date', 'end_date', 'every', 'day']
            WHEN 'cron'    THEN ARRAY['type', 'time_zone', 'exceptions', 'start_date', 'end_date', 'expression']
            ELSE                ARRAY['type', 'time_zone', 'sub', 'exceptions', 'start_date', 'end_date', 'every', 'ordinal', 'weekday']
        END;
        v_key := pgautomator._plpgsql_first_unknown_key(spec, v_allowed);
        IF v_key IS NOT NULL THEN
            v_field := v_key;
            v_rest := format('is not allowed in a %s schedule; allowed fields: %s', v_type, array_to_string(v_allowed, ', '));
            EXIT checks;
        END IF;

        -- 4) the fields, in the TypeScript engine's order
        v := spec -> 'time_zone';
        IF v IS NOT NULL AND (jsonb_typeof(v) <> 'string' OR v #>> '{}' = '') THEN
            v_field := 'time_zone';
            v_rest := format('must be a non-empty string naming an IANA time zone (got %s)', pgautomator._plpgsql_json_describe(v));
            EXIT checks;
        END IF;

        IF v_type = 'once' THEN
            v := spec -> 'date';
            v_field := 'date';
            IF v IS NULL THEN
                v_rest := 'is required for a once schedule: ' || c_date_rule;
                EXIT checks;
            ELSIF pgautomator._plpgsql_json_date(v) IS NULL THEN
                v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v));
                EXIT checks;
            END IF;
        ELSIF v_type = 'cron' THEN
            -- start_date is optional for cron: the expression alone may decide.
            v := spec -> 'start_date';
            IF v IS NOT NULL THEN
                v_field := 'start_date';
                v_start := pgautomator._plpgsql_json_date(v);
                IF v_start IS NULL THEN
                    v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
            END IF;
            v := spec -> 'end_date';
            IF v IS NOT NULL THEN
                v_field := 'end_date';
                v_end := pgautomator._plpgsql_json_date(v);
                IF v_end IS NULL THEN
                    v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                ELSIF v_end < v_start THEN
                    v_rest := format('(%s) is before start_date (%s)', spec ->> 'end_date', spec ->> 'start_date');
                    EXIT checks;
                END IF;
            END IF;
            v := spec -> 'expression';
            v_field := 'expression';
            IF v IS NULL THEN
                v_rest := 'is required for a cron schedule: a cron expression: five fields "minute hour day-of-month month day-of-week" or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';
                EXIT checks;
            END IF;
            v_rest := (pgautomator._plpgsql_cron_parse(v)).error;
            IF v_rest IS NOT NULL THEN
                EXIT checks;
            END IF;
        ELSE
            v := spec -> 'start_date';
            v_field := 'start_date';
            v_start := pgautomator._plpgsql_json_date(v);
            IF v IS NULL THEN
                v_rest := format('is required for a %s schedule: %s', v_type, c_date_rule);
                EXIT checks;
            ELSIF v_start IS NULL THEN
                v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v));
                EXIT checks;
            END IF;

            v := spec -> 'end_date';
            v_field := 'end_date';
            IF v IS NOT NULL THEN
                v_end := pgautomator._plpgsql_json_date(v);
                IF v_end IS NULL THEN
                    v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                ELSIF v_end < v_start THEN
                    v_rest := format('(%s) is before start_date (%s)', spec ->> 'end_date', spec ->> 'start_date');
                    EXIT checks;
                END IF;
            END IF;

            v := spec -> 'every';
            IF v IS NOT NULL AND pgautomator._plpgsql_json_int(v, 1, 100000) IS NULL THEN
                v_field := 'every';
                v_rest := format('must be %s (got %s)', c_every, pgautomator._plpgsql_json_describe(v));
                EXIT checks;
            END IF;

            IF v_type = 'weekly' THEN
                v := spec -> 'weekdays';
                v_field := 'weekdays';
                IF v IS NULL THEN
                    v_rest := 'is required for a weekly schedule: a non-empty array of ' || array_to_string(c_days, ', ');
                    EXIT checks;
                ELSIF jsonb_typeof(v) <> 'array' OR jsonb_array_length(v) = 0 THEN
                    v_rest := format('must be a non-empty array of %s (got %s)', array_to_string(c_days, ', '),
                                     pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
                FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
                    v_elem := v -> i;
                    IF jsonb_typeof(v_elem) <> 'string' OR (v_elem #>> '{}') <> ALL (c_days) THEN
                        v_field := format('weekdays[%s]', i);
                        v_rest := format('must be one of %s (got %s)', array_to_string(c_days, ', '),
                                         pgautomator._plpgsql_json_describe(v_elem));
                        EXIT checks;
                    END IF;
                END LOOP;
            END IF;

            IF v_type = 'monthly' THEN
                v := spec -> 'day';
                v_field := 'day';
                IF v IS NULL THEN
                    v_rest := 'is required for a monthly schedule: an integer from 1 to 31';
                    EXIT checks;
                ELSIF pgautomator._plpgsql_json_int(v, 1, 31) IS NULL THEN
                    v_rest := format('must be an integer from 1 to 31 (got %s)', pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
            END IF;

            IF v_type = 'monthly_relative' THEN
                v := spec -> 'ordinal';
                v_field := 'ordinal';
                IF v IS NULL THEN
                    v_rest := 'is required: one of ' || array_to_string(c_ordinals, ', ');
                    EXIT checks;
                ELSIF jsonb_typeof(v) <> 'string' OR (v #>> '{}') <> ALL (c_ordinals) THEN
                    v_rest := format('must be one of %s (got %s)', array_to_string(c_ordinals, ', '), pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
                v := spec -> 'weekday';
                v_field := 'weekday';
                IF v IS NULL THEN
                    v_rest := 'is required: one of ' || array_to_string(c_relative, ', ');
                    EXIT checks;
                ELSIF jsonb_typeof(v) <> 'string' OR (v #>> '{}') <> ALL (c_relative) THEN
                    v_rest := format('must be one of %s (got %s)', array_to_string(c_relative, ', '), pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
            END IF;
        END IF;

        -- 5) sub
        v_sub := spec -> 'sub';
        IF v_sub IS NOT NULL THEN
            IF jsonb_typeof(v_sub) <> 'object' THEN
                v_field := 'sub';
                v_rest := format('must be an object {"type": "once", "time": T} or {"type": "every", "every": N, "unit": U, "start_time": T, "end_time": T} (got %s)',
                                 pgautomator._plpgsql_json_describe(v_sub));
                EXIT checks;
            END IF;
            v := v_sub -> 'type';
            v_field := 'sub.type';
            IF v IS NULL THEN
                v_rest := 'is required: one of ' || array_to_string(c_sub_types, ', ');
                EXIT checks;
            ELSIF jsonb_typeof(v) <> 'string' OR (v #>> '{}') <> ALL (c_sub_types) THEN
                v_rest := format('must be one of %s (got %s)', array_to_string(c_sub_types, ', '), pgautomator._plpgsql_json_describe(v));
                EXIT checks;
            END IF;
            v_sub_type := v #>> '{}';
            v_allowed := CASE v_sub_type
                WHEN 'once' THEN ARRAY['type', 'time']
                ELSE ARRAY['type', 'every', 'unit', 'start_time', 'end_time']
            END;
            v_key := pgautomator._plpgsql_first_unknown_key(v_sub, v_allowed);
            IF v_key IS NOT NULL THEN
                v_field := 'sub.' || v_key;
                v_rest := format('is not allowed in a sub-day "%s"; allowed fields: %s', v_sub_type, array_to_string(v_allowed, ', '));
                EXIT checks;
            END IF;

            IF v_sub_type = 'once' THEN
                v := v_sub -> 'time';
                v_field := 'sub.time';
                IF v IS NULL THEN
                    v_rest := 'is required for a sub-day "once": ' || c_time_rule;
                    EXIT checks;
                ELSIF pgautomator._plpgsql_json_time(v) IS NULL THEN
                    v_rest := format('must be %s (got %s)', c_time_rule, pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
            ELSE
                v := v_sub -> 'every';
                v_field := 'sub.every';
                IF v IS NULL THEN
                    v_rest := 'is required for a sub-day "every": ' || c_every;
                    EXIT checks;
                ELSIF pgautomator._plpgsql_json_int(v, 1, 100000) IS NULL THEN
                    v_rest := format('must be %s (got %s)', c_every, pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
                v := v_sub -> 'unit';
                v_field := 'sub.unit';
                IF v IS NULL THEN
                    v_rest := 'is required for a sub-day "every": one of ' || array_to_string(c_units, ', ');
                    EXIT checks;
                ELSIF jsonb_typeof(v) <> 'string' OR (v #>> '{}') <> ALL (c_units) THEN
                    v_rest := format('must be one of %s (got %s)', array_to_string(c_units, ', '), pgautomator._plpgsql_json_describe(v));
                    EXIT checks;
                END IF;
                v_t1 := 0;
                v := v_sub -> 'start_time';
                IF v IS NOT NULL THEN
                    v_t1 := pgautomator._plpgsql_json_time(v);
                    IF v_t1 IS NULL THEN
                        v_field := 'sub.start_time';
                        v_rest := format('must be %s (got %s)', c_time_rule, pgautomator._plpgsql_json_describe(v));
                        EXIT checks;
                    END IF;
                END IF;
                v := v_sub -> 'end_time';
                IF v IS NOT NULL THEN
                    v_field := 'sub.end_time';
                    v_t2 := pgautomator._plpgsql_json_time(v);
                    IF v_t2 IS NULL THEN
                        v_rest := format('must be %s (got %s)', c_time_rule, pgautomator._plpgsql_json_describe(v));
                        EXIT checks;
                    ELSIF v_t2 < v_t1 THEN
                        v_rest := format('(%s) is before sub.start_time (%s)',
                                         v_sub ->> 'end_time', coalesce(v_sub ->> 'start_time', '00:00:00'));
                        EXIT checks;
                    END IF;
                END IF;
            END IF;
        END IF;

        -- 6) exceptions
        v := spec -> 'exceptions';
        IF v IS NOT NULL THEN
            IF jsonb_typeof(v) <> 'array' THEN
                v_field := 'exceptions';
                v_rest := format('must be an array of dates YYYY-MM-DD and {"from": date, "to": date} periods (got %s)',
                                 pgautomator._plpgsql_json_describe(v));
                EXIT checks;
            END IF;
            FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
                v_elem := v -> i;
                v_path := format('exceptions[%s]', i);
                IF jsonb_typeof(v_elem) = 'string' THEN
                    IF pgautomator._plpgsql_json_date(v_elem) IS NULL THEN
                        v_field := v_path;
                        v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v_elem));
                        EXIT checks;
                    END IF;
                ELSIF jsonb_typeof(v_elem) = 'object' THEN
                    v_key := pgautomator._plpgsql_first_unknown_key(v_elem, ARRAY['from', 'to']);
                    IF v_key IS NOT NULL THEN
                        v_field := v_path || '.' || v_key;
                        v_rest := 'is not allowed in an exception period; allowed fields: from, to';
                        EXIT checks;
                    END IF;
                    v_field := v_path || '.from';
                    IF NOT v_elem ? 'from' THEN
                        v_rest := 'is required in an exception period: ' || c_date_rule;
                        EXIT checks;
                    END IF;
                    v_from := pgautomator._plpgsql_json_date(v_elem -> 'from');
                    IF v_from IS NULL THEN
                        v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v_elem -> 'from'));
                        EXIT checks;
                    END IF;
                    v_field := v_path || '.to';
                    IF NOT v_elem ? 'to' THEN
                        v_rest := 'is required in an exception period: ' || c_date_rule;
                        EXIT checks;
                    END IF;
                    v_to := pgautomator._plpgsql_json_date(v_elem -> 'to');
                    IF v_to IS NULL THEN
                        v_rest := format('must be %s (got %s)', c_date_rule, pgautomator._plpgsql_json_describe(v_elem -> 'to'));
                        EXIT checks;
                    ELSIF v_to < v_from THEN
                        v_rest := format('(%s) is before %s.from (%s)', v_elem ->> 'to', v_path, v_elem ->> 'from');
                        EXIT checks;
                    END IF;
                ELSE
                    v_field := v_path;
                    v_rest := format('must be %s or a {"from": date, "to": date} period (got %s)',
                                     c_date_rule, pgautomator._plpgsql_json_describe(v_elem));
                    EXIT checks;
                END IF;
            END LOOP;
        END IF;

        RETURN NULL;
    END checks;

    RETURN jsonb_build_object('field', v_field, 'message', 'schedule ' || v_field || ' ' || v_rest);
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_validate_schedule(jsonb) IS
    'Internal (PL/pgSQL schedule engine): NULL when the schedule spec is valid, else {"field": ..., "message": ...} for the first error in the TypeScript engine''s order, worded as it words it. Never raises for a bad spec. See docs/schedule-spec.md.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_validate_schedule(jsonb) FROM PUBLIC;

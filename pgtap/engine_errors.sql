-- Errors of the schedule API: PA001 (invalid_schedule) for every field rule of
-- docs/schedule-spec.md, with DETAIL "field: <field>" naming the first bad field in the engine's
-- order; PA002 (invalid_argument) for schedule_preview's count and after and set_engine's engine.
BEGIN;
SELECT plan(111);

-- DETAIL and HINT of the error a statement raises (NULL when it raises none).
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    state text;
    detail text;
    hint text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN ARRAY[state, detail, hint];
END
$$;

-- One rule: validate_schedule raises PA001 and its DETAIL names the field.
CREATE FUNCTION pg_temp.rule(spec text, field text, what text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT throws_ok(format('SELECT pgautomator.validate_schedule(%L::jsonb)', spec), 'PA001', NULL, 'PA001: ' || what);
    RETURN NEXT is((pg_temp.error_of(format('SELECT pgautomator.validate_schedule(%L::jsonb)', spec)))[2],
                   'field: ' || field, '  DETAIL field: ' || field);
END
$$;

-- The spec and its type ----------------------------------------------------------------------------
SELECT * FROM pg_temp.rule('[1, 2]', 'spec', 'spec not an object');
SELECT * FROM pg_temp.rule('null', 'spec', 'spec JSON null');
SELECT throws_ok($$SELECT pgautomator.validate_schedule(NULL)$$, 'PA001', 'schedule spec must be a JSON object (got null)', 'PA001: spec SQL NULL');
SELECT * FROM pg_temp.rule('{"start_date": "2026-01-01"}', 'type', 'type missing');
SELECT * FROM pg_temp.rule('{"type": "hourly", "start_date": "2026-01-01"}', 'type', 'type unknown');
-- Unknown keys, the first in sorted order, before any field is checked
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "bad", "zeta": 1, "alpha": 2}', 'alpha', 'unknown keys: the first in sorted order');
SELECT * FROM pg_temp.rule('{"type": "weekly", "start_date": "2026-01-01", "weekdays": ["mon"], "day": 3}', 'day', 'a field of another type (day on weekly)');
SELECT * FROM pg_temp.rule('{"type": "once", "date": "2026-01-01", "start_date": "2026-01-01"}', 'start_date', 'start_date on once');

-- Top-level fields, in order -----------------------------------------------------------------------
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "time_zone": ""}', 'time_zone', 'time_zone empty');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "time_zone": 1}', 'time_zone', 'time_zone not a string');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "time_zone": "Mars/Olympus_Mons"}', 'time_zone', 'time_zone unknown to the server');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "time_zone": "PST"}', 'time_zone', 'time_zone an abbreviation, not a zone');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "time_zone": "UTC+3"}', 'time_zone', 'time_zone a POSIX rule, not a zone');
SELECT * FROM pg_temp.rule('{"type": "once"}', 'date', 'date missing on once');
SELECT * FROM pg_temp.rule('{"type": "once", "date": "2026-02-29"}', 'date', 'date not a calendar date');
SELECT * FROM pg_temp.rule('{"type": "daily"}', 'start_date', 'start_date missing');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "0000-01-01"}', 'start_date', 'start_date year 0000');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-1-01"}', 'start_date', 'start_date not YYYY-MM-DD');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "end_date": null}', 'end_date', 'end_date null');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-02-01", "end_date": "2026-01-01"}', 'end_date', 'end_date before start_date');
SELECT throws_ok($$SELECT pgautomator.validate_schedule('{"type": "daily", "start_date": "2026-02-01", "end_date": "2026-01-01"}')$$,
                 'PA001', 'schedule end_date (2026-01-01) is before start_date (2026-02-01)', 'the message names the field and what is wrong');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "every": "2"}', 'every', 'every a string');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "every": 0}', 'every', 'every 0');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "every": 100001}', 'every', 'every above 100000');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "every": 1.5}', 'every', 'every not an integer');
SELECT * FROM pg_temp.rule('{"type": "weekly", "start_date": "2026-01-01", "weekdays": []}', 'weekdays', 'weekdays empty');
SELECT * FROM pg_temp.rule('{"type": "weekly", "start_date": "2026-01-01", "weekdays": ["mon", "Tue"]}', 'weekdays[1]', 'weekdays element');
SELECT * FROM pg_temp.rule('{"type": "monthly", "start_date": "2026-01-01", "day": 32}', 'day', 'day 32');
SELECT * FROM pg_temp.rule('{"type": "monthly_relative", "start_date": "2026-01-01", "ordinal": "fifth", "weekday": "mon"}', 'ordinal', 'ordinal fifth');
SELECT * FROM pg_temp.rule('{"type": "monthly_relative", "start_date": "2026-01-01", "ordinal": "last", "weekday": "holiday"}', 'weekday', 'weekday unknown');

-- sub --------------------------------------------------------------------------------------------------
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": "09:00"}', 'sub', 'sub not an object');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "twice"}}', 'sub.type', 'sub.type unknown');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "09:00", "every": 5}}', 'sub.every', 'sub key of the other sub type');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "24:00"}}', 'sub.time', 'sub.time 24:00');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "unit": "minute"}}', 'sub.every', 'sub.every missing');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 5, "unit": "day"}}', 'sub.unit', 'sub.unit day');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 5, "unit": "minute", "start_time": "8:00"}}', 'sub.start_time', 'sub.start_time H:MM');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 5, "unit": "minute", "end_time": "18:60"}}', 'sub.end_time', 'sub.end_time minute 60');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 5, "unit": "minute", "start_time": "18:00", "end_time": "08:00"}}', 'sub.end_time', 'sub.end_time before start_time');

-- exceptions -------------------------------------------------------------------------------------------
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": "2026-12-25"}', 'exceptions', 'exceptions not an array');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": ["2026-12-25", "2026-12-32"]}', 'exceptions[1]', 'exception date invalid');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": [{"from": "2026-08-01", "until": "2026-08-15"}]}', 'exceptions[0].until', 'exception period unknown key');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": [{"to": "2026-08-15"}]}', 'exceptions[0].from', 'exception period without from');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": [{"from": "2026-08-01"}]}', 'exceptions[0].to', 'exception period without to');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": [{"from": "2026-08-15", "to": "2026-08-01"}]}', 'exceptions[0].to', 'exception period to before from');
SELECT * FROM pg_temp.rule('{"type": "daily", "start_date": "2026-01-01", "exceptions": [20261225]}', 'exceptions[0]', 'exception a number');
-- cron (issue 16): the expression is one field; the message names the cron field and the item
SELECT * FROM pg_temp.rule('{"type": "cron", "expression": "* * 32 * *"}', 'expression', 'cron day of month 32');
SELECT throws_ok($$SELECT pgautomator.validate_schedule('{"type": "cron", "expression": "* * 32 * *"}')$$, 'PA001',
                 'schedule expression field day-of-month has item "32" outside 1-31', 'PA001: cron message names the cron field and the item');
SELECT throws_ok($$SELECT pgautomator.validate_schedule('{"type": "cron", "expression": "0 0 30 2 *"}')$$, 'PA001',
                 'schedule expression can never fire: no month it allows has a day of month it allows (got "0 0 30 2 *")', 'PA001: a cron expression that can never fire');
SELECT * FROM pg_temp.rule('{"type": "cron", "expression": "@reboot"}', 'expression', 'cron unknown macro');
SELECT * FROM pg_temp.rule('{"type": "cron", "expression": "* * * * *", "sub": {"type": "once", "time": "10:00"}}', 'sub', 'cron with sub');
SELECT * FROM pg_temp.rule('{"type": "cron", "expression": "* * * * *", "time_zone": "Not/A_Zone"}', 'time_zone', 'cron unknown time zone');

-- HINT, and valid time zones ---------------------------------------------------------------------------
SELECT is((pg_temp.error_of($$SELECT pgautomator.validate_schedule('{"type": "daily"}')$$))[3],
          'Fix that field; every field of a schedule spec is described in docs/schedule-spec.md.', 'the HINT points to docs/schedule-spec.md');
SELECT lives_ok($$SELECT pgautomator.validate_schedule('{"type": "daily", "start_date": "2026-01-01", "time_zone": "America/New_York"}')$$, 'time_zone America/New_York is valid');
SELECT lives_ok($$SELECT pgautomator.validate_schedule('{"type": "daily", "start_date": "2026-01-01", "time_zone": "CET"}')$$, 'time_zone CET (a legacy zone in pg_timezone_names) is valid');
SELECT lives_ok($$SELECT pgautomator.validate_schedule('{"type": "once", "date": "2026-01-01", "time_zone": "Etc/GMT+5"}')$$, 'time_zone Etc/GMT+5 is valid');

-- schedule_preview: validates first, then count and after -----------------------------------------------
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01", "time_zone": "Nowhere/Special"}')$$,
                 'PA001', NULL, 'schedule_preview validates the spec (time zone included)');
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', count => 10001)$$,
                 'PA002', 'schedule_preview count must be an integer from 0 to 10000 (got 10001)', 'PA002: count above 10000');
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', count => -1)$$,
                 'PA002', NULL, 'PA002: count negative');
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', count => NULL)$$,
                 'PA002', NULL, 'PA002: count NULL');
SELECT is((pg_temp.error_of($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', count => 20000)$$))[2],
          'field: count', '  DETAIL field: count');
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', after => NULL)$$,
                 'PA002', NULL, 'PA002: after NULL');
SELECT throws_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-02-01", "end_date": "2026-01-01"}', count => 20000)$$,
                 'PA001', NULL, 'an invalid spec is reported before a bad count');

SELECT * FROM finish();
ROLLBACK;

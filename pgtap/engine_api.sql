-- The schedule API for psql users: engine() and set_engine(), schedule_preview (count, order,
-- defaults, no rows when nothing is left, a fast no-row answer) and _next_fire agreeing with it.
BEGIN;
SELECT plan(31);

-- engine() and set_engine() -----------------------------------------------------------------------------
SELECT ok(pgautomator.engine() IN ('plv8', 'plpgsql'), 'engine() is plv8 or plpgsql');
SELECT is(pgautomator.engine(),
          CASE WHEN to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL THEN 'plpgsql' ELSE 'plv8' END,
          'the installed engine is plv8 exactly where the plv8 functions were created');
SELECT is(pgautomator.set_engine('plpgsql'), 'plpgsql', 'set_engine(plpgsql) returns the engine');
SELECT is(pgautomator.engine(), 'plpgsql', 'engine() reports the change');
SELECT throws_ok($$SELECT pgautomator.set_engine('v8')$$, 'PA002', 'schedule engine must be one of plv8, plpgsql (got ''v8'')', 'set_engine: an unknown name is PA002');
SELECT throws_ok($$SELECT pgautomator.set_engine(NULL)$$, 'PA002', NULL, 'set_engine: NULL is PA002');
SELECT CASE WHEN to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL
                 AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'plv8')
            THEN throws_ok($$SELECT pgautomator.set_engine('plv8')$$, 'PA002', 'schedule engine plv8 is not installed in this database',
                           'set_engine(plv8) without plv8 is PA002')
            ELSE is(pgautomator.set_engine('plv8'), 'plv8', 'set_engine(plv8) where plv8 is installed')
       END;
SELECT is(pgautomator.engine(),
          CASE WHEN to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL THEN 'plpgsql' ELSE 'plv8' END,
          'a refused set_engine leaves the engine as it was');
CREATE FUNCTION pg_temp.hint_of(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    h text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    RETURN h;
END
$$;
SELECT CASE WHEN to_regprocedure('pgautomator._plv8_next_fires(text, text, integer)') IS NULL
                 AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'plv8')
            THEN matches(pg_temp.hint_of($$SELECT pgautomator.set_engine('plv8')$$), '^CREATE EXTENSION plv8 .*reinstall pgautomator',
                         'the HINT says to CREATE EXTENSION plv8 and reinstall')
            ELSE skip('plv8 is installed here: set_engine(plv8) is not refused, so there is no HINT to check', 1)
       END;
SELECT pgautomator.set_engine('plpgsql');

-- schedule_preview: count and order ------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', '2026-01-01 00:00+00')),
          10, 'count defaults to 10');
SELECT is((SELECT count(*)::int FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}', '2026-01-01 00:00+00', 0)),
          0, 'count 0 gives no rows');
SELECT is((SELECT count(*)::int FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 1, "unit": "minute"}}',
                                                                   '2026-01-01 00:00+00', 10000)),
          10000, 'count 10000 gives 10000 rows');
SELECT is((SELECT array_agg(f) FROM pgautomator.schedule_preview('{"type": "weekly", "weekdays": ["fri", "mon"], "start_date": "2026-01-01", "sub": {"type": "once", "time": "07:30"}}',
                                                                  '2026-01-01 00:00+00', 4) AS f),
          ARRAY['2026-01-02 07:30+00', '2026-01-05 07:30+00', '2026-01-09 07:30+00', '2026-01-12 07:30+00']::timestamptz[],
          'rows come in ascending order (weekly mon, fri; 2026-01-01 is a Thursday)');
SELECT is((SELECT count(*)::int FROM (SELECT f, lag(f) OVER () AS prev
                                        FROM pgautomator.schedule_preview('{"type": "monthly_relative", "ordinal": "last", "weekday": "weekday", "start_date": "2026-01-01", "time_zone": "Europe/Berlin", "sub": {"type": "every", "every": 7, "unit": "hour"}}',
                                                                          '2026-01-01 00:00+00', 500) AS f) s
            WHERE prev IS NOT NULL AND f <= prev),
          0, 'every row is strictly later than the one before');
SELECT ok((SELECT bool_and(f > now()) FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01"}') AS f),
          'after defaults to now(): every row is later');
SELECT is((SELECT min(f) FROM pgautomator.schedule_preview('{"type": "once", "date": "2026-03-15", "sub": {"type": "once", "time": "14:30"}}', '2026-03-15 14:30+00') AS f),
          NULL, 'strictly after: a fire exactly at after is not returned');
SELECT is((SELECT array_agg(f) FROM pgautomator.schedule_preview('{"type": "once", "date": "2026-03-15", "sub": {"type": "once", "time": "14:30"}}', '2026-03-15 14:29:59.999999+00') AS f),
          ARRAY['2026-03-15 14:30+00']::timestamptz[], 'a microsecond before the fire returns it');

-- No rows when nothing is left, fast ---------------------------------------------------------------------
SELECT is_empty($$SELECT * FROM pgautomator.schedule_preview('{"type": "once", "date": "2020-01-01", "time_zone": "Europe/Berlin"}', '2026-01-01 00:00+00')$$,
                'a once schedule in the past gives no rows');
SELECT is_empty($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01", "end_date": "2026-01-31"}', '2026-02-01 00:00+00')$$,
                'a schedule past its end_date gives no rows');
SELECT is(pgautomator._next_fire('{"type": "once", "date": "2020-01-01"}', '2026-01-01 00:00+00'), NULL, '_next_fire is NULL when nothing is left');
-- A whole-horizon exception and a fire every 100000 days far out: a day-by-day search would walk
-- about 3.6 million days; the engine jumps, so both answer at once. The bound only tells a jump
-- from a walk (a walk takes far longer than 2 s), generous for loaded CI machines; speed lives in
-- bench/.
CREATE FUNCTION pg_temp.ms(spec text, after timestamptz) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    n int;
BEGIN
    SELECT count(*) INTO n FROM pgautomator.schedule_preview(spec::jsonb, after, 10);
    IF n <> 0 THEN
        RAISE EXCEPTION 'expected no rows, got %', n;
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
$$;
SELECT cmp_ok(pg_temp.ms('{"type": "daily", "start_date": "0001-01-01", "exceptions": [{"from": "0001-01-02", "to": "9999-12-31"}]}', '0001-01-01 12:00+00'),
              '<', 2000::float8, 'no-row answer without a day-by-day walk: every day from year 1 to 9999 excepted');
SELECT cmp_ok(pg_temp.ms('{"type": "weekly", "weekdays": ["sun"], "start_date": "8100-01-01", "every": 100000, "sub": {"type": "every", "every": 1, "unit": "second"}}', '8100-01-20 00:00+00'),
              '<', 2000::float8, 'no-row answer without a day-by-day walk: weekly every 100000 weeks (1917 years), week 0 passed');
SELECT cmp_ok(pg_temp.ms('{"type": "monthly_relative", "ordinal": "last", "weekday": "weekend_day", "start_date": "1700-01-01", "every": 100000}', '1700-02-01 00:00+00'),
              '<', 2000::float8, 'no-row answer without a day-by-day walk: monthly_relative every 100000 months (8333 years), month 0 passed');
SELECT is((SELECT array_agg(f) FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "9999-12-30", "time_zone": "Pacific/Kiritimati", "sub": {"type": "once", "time": "23:00"}}', '9999-12-29 00:00+00', 5) AS f),
          ARRAY['9999-12-30 09:00+00', '9999-12-31 09:00+00']::timestamptz[], 'fires stop at the local horizon 9999-12-31 (UTC+14)');

-- _next_fire agrees with schedule_preview ------------------------------------------------------------------
SELECT is(pgautomator._next_fire('{"type": "monthly", "day": 31, "start_date": "2026-01-31", "time_zone": "America/New_York", "sub": {"type": "once", "time": "23:30"}}', '2026-02-01 00:00+00'),
          (SELECT min(f) FROM pgautomator.schedule_preview('{"type": "monthly", "day": 31, "start_date": "2026-01-31", "time_zone": "America/New_York", "sub": {"type": "once", "time": "23:30"}}', '2026-02-01 00:00+00', 1) AS f),
          '_next_fire is the first row of schedule_preview');
SELECT is(pgautomator._next_fire('{"type": "monthly", "day": 31, "start_date": "2026-01-31", "time_zone": "America/New_York", "sub": {"type": "once", "time": "23:30"}}', '2026-02-01 00:00+00'),
          '2026-02-01 04:30+00', 'monthly day 31 at 23:30 New York: January 31 23:30 EST is 04:30 UTC on February 1');
SELECT is(pgautomator._next_fires('{"type": "daily", "start_date": "2026-01-01"}', '2026-01-01 00:00+00', 3),
          ARRAY['2026-01-02 00:00+00', '2026-01-03 00:00+00', '2026-01-04 00:00+00']::timestamptz[], '_next_fires returns an array in order');

-- Who may call what: viewers preview and validate, only admins choose the engine ----------------------------
CREATE ROLE pga_tap_engine_viewer LOGIN;
SELECT pgautomator.grant_role('pga_tap_engine_viewer', 'viewer');
SET ROLE pga_tap_engine_viewer;
SELECT lives_ok($$SELECT * FROM pgautomator.schedule_preview('{"type": "daily", "start_date": "2026-01-01", "time_zone": "Europe/Berlin"}', '2026-01-01 00:00+00', 3)$$,
                'a viewer may preview a schedule');
SELECT throws_ok($$SELECT pgautomator.validate_schedule('{"type": "daily"}')$$, 'PA001', NULL, 'a viewer may validate a schedule');
SELECT is(pgautomator.engine(), 'plpgsql', 'a viewer may ask which engine is in use');
SELECT throws_ok($$SELECT pgautomator.set_engine('plpgsql')$$, '42501', NULL, 'a viewer may not choose the engine');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

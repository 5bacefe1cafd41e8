-- The bulk paths of the engine (issue 18): _next_fire_each (one engine call for many schedules, as
-- _fire_due and _refresh_next_fires use it) answers element by element exactly as _next_fire, and
-- _local_to_instants exactly as _local_to_instant, in the engine installed here (plv8 where the
-- database has it, so this file run on a server with plv8 checks the plv8 branch): NULLs, times
-- around DST gaps and overlaps (the fast mapping must hand those to the general rule), `after` in
-- the second pass of an overlap, infinities and the years the TypeScript engine cannot read, a
-- schedule that never fires again, and the empty array. test/engine-differential.test.ts compares
-- _next_fire_each with the TypeScript engine on random specs.
BEGIN;
SELECT plan(12);

SET LOCAL TimeZone = 'UTC';

CREATE TEMP TABLE cases (n int, spec jsonb, after timestamptz);
INSERT INTO cases
SELECT row_number() OVER (), s.spec, a.after
  FROM (VALUES
          ('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "02:30"}, "time_zone": "Europe/Berlin"}'::jsonb),
          ('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 15, "unit": "minute"}, "time_zone": "America/New_York"}'),
          ('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "02:15"}, "time_zone": "Australia/Lord_Howe"}'),
          ('{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "every", "every": 10, "unit": "second"}}'),
          ('{"type": "daily", "start_date": "2020-01-01", "end_date": "2021-01-01", "sub": {"type": "once", "time": "06:00"}, "time_zone": "Asia/Kolkata"}'),
          ('{"type": "once", "date": "0001-01-01", "sub": {"type": "once", "time": "00:00"}}'),
          (NULL)) AS s(spec)
 CROSS JOIN (VALUES
          ('2026-03-28 12:00+00'::timestamptz), ('2026-03-29 00:59:59+00'), ('2026-03-08 06:50+00'),
          ('2026-11-01 05:40+00'),   -- New York, first pass of the repeated hour
          ('2026-11-01 06:20+00'),   -- New York, second pass
          ('2026-10-25 00:30+00'), ('2026-10-25 01:10+00'),   -- Berlin, first and second pass
          ('2026-10-03 15:00+00'), ('2026-04-04 15:00+00'),   -- Lord Howe gap and overlap
          ('2026-07-01 12:34:56.789+00'), ('0001-01-01 00:00+00'), ('0001-06-01 00:00+00 BC'),
          ('9999-12-31 23:59:58+00'), ('infinity'), ('-infinity'), (NULL)) AS a(after);

SELECT is(pgautomator._next_fire_each(ARRAY(SELECT spec FROM cases ORDER BY n), ARRAY(SELECT after FROM cases ORDER BY n)),
          ARRAY(SELECT pgautomator._next_fire(spec, after) FROM cases ORDER BY n),
          format('_next_fire_each answers as _next_fire for each of %s schedules and instants (engine %s)',
                 (SELECT count(*) FROM cases), pgautomator.engine()));
SELECT is(cardinality(pgautomator._next_fire_each(ARRAY(SELECT spec FROM cases ORDER BY n), ARRAY(SELECT after FROM cases ORDER BY n))),
          (SELECT count(*)::int FROM cases), '... one answer per schedule, NULLs included');
SELECT is(pgautomator._next_fire_each('{}', '{}'), '{}'::timestamptz[], '_next_fire_each of no schedules is empty');
SELECT is(pgautomator._next_fire_each(ARRAY[NULL::jsonb], ARRAY[now()]), ARRAY[NULL::timestamptz], 'a NULL spec has no next fire');

-- Every 10 minutes through the 2026 transitions of three zones, local times in gaps and overlaps.
CREATE TEMP TABLE locals (n int, l timestamp, tz text);
INSERT INTO locals
SELECT row_number() OVER (), l, tz
  FROM (VALUES ('Europe/Berlin', '2026-03-28'::timestamp, '2026-10-24'::timestamp),
               ('America/New_York', '2026-03-07', '2026-10-31'),
               ('Australia/Lord_Howe', '2026-04-04', '2026-10-03')) AS z(tz, spring, autumn)
 CROSS JOIN LATERAL (SELECT generate_series(z.spring, z.spring + interval '2 days', interval '10 minutes')
                     UNION ALL
                     SELECT generate_series(z.autumn, z.autumn + interval '2 days', interval '10 minutes')) AS g(l);
INSERT INTO locals VALUES (100000, NULL, 'UTC'), (100001, 'infinity', 'Europe/Berlin'), (100002, '-infinity', 'UTC'),
                          (100003, '2026-07-01 12:00', NULL), (100004, '0001-01-01 00:00', 'America/New_York');

SELECT is(pgautomator._local_to_instants(ARRAY(SELECT l FROM locals ORDER BY n), ARRAY(SELECT tz FROM locals ORDER BY n)),
          ARRAY(SELECT pgautomator._local_to_instant(l, tz) FROM locals ORDER BY n),
          format('_local_to_instants answers as _local_to_instant for %s local times around DST transitions', (SELECT count(*) FROM locals)));
SELECT is(pgautomator._local_to_instants('{}', '{}'), '{}'::timestamptz[], '_local_to_instants of no times is empty');

-- What the plv8 engine asks PostgreSQL through SPI (engine/zone-instants.ts), on any server: zone
-- offsets at UTC midnights (Berlin springs forward on 2026-03-29 at 01:00Z, New York falls back on
-- 2026-11-01 at 06:00Z), readings of instants, and instants of local times by _local_to_instant.
SELECT is(pgautomator._zone_midnight_offsets(ARRAY['Europe/Berlin', 'America/New_York', 'UTC'],
                                             ARRAY[(date '2026-03-28' - date '1970-01-01'), (date '2026-11-01' - date '1970-01-01'), 0], 3),
          ARRAY[3600, 3600, 7200, -14400, -18000, -18000, 0, 0, 0],
          '_zone_midnight_offsets: the offsets of each block, in seconds east, blocks one after the other');
SELECT is(pgautomator._zone_readings(ARRAY['Europe/Berlin', 'Asia/Kolkata'],
                                     ARRAY[date_part('epoch', timestamptz '2026-03-29 01:00+00'), date_part('epoch', timestamptz '2026-07-01 12:00:30+00')]),
          ARRAY[date_part('epoch', timestamp '2026-03-29 03:00'), date_part('epoch', timestamp '2026-07-01 17:30:30')],
          '_zone_readings: the local time each instant reads, as seconds');
SELECT is(pgautomator._zone_instants(ARRAY(SELECT tz FROM locals WHERE l IS NOT NULL AND isfinite(l) AND tz IS NOT NULL ORDER BY n),
                                     ARRAY(SELECT date_part('epoch', l) FROM locals WHERE l IS NOT NULL AND isfinite(l) AND tz IS NOT NULL ORDER BY n)),
          ARRAY(SELECT date_part('epoch', pgautomator._local_to_instant(l, tz)) FROM locals WHERE l IS NOT NULL AND isfinite(l) AND tz IS NOT NULL ORDER BY n),
          '_zone_instants: _local_to_instant of each local time around DST transitions, as seconds');

-- The paths that use it, through their results: a refresh of pairs under this engine.
INSERT INTO pgautomator.schedule (name, spec, owner)
SELECT 'bulk-' || n, spec, current_user FROM cases WHERE spec IS NOT NULL AND after = '2026-11-01 06:20+00';
INSERT INTO pgautomator.job (name, owner) SELECT 'bulk-' || n, current_user FROM generate_series(1, 3) AS n;
INSERT INTO pgautomator.job_schedule (job_id, schedule_id)
SELECT j.id, s.id FROM pgautomator.job j CROSS JOIN pgautomator.schedule s WHERE j.name LIKE 'bulk-%' AND s.name LIKE 'bulk-%';
UPDATE pgautomator.job SET enabled = false WHERE name = 'bulk-3';

SELECT is(pgautomator._refresh_next_fires(NULL, NULL, '2026-11-01 06:20+00'),
          (SELECT count(*)::int FROM pgautomator.job_schedule), '_refresh_next_fires recomputes every pair');
SELECT is(ARRAY(SELECT js.next_fire_at FROM pgautomator.job_schedule js JOIN pgautomator.job j ON j.id = js.job_id
                 JOIN pgautomator.schedule s ON s.id = js.schedule_id ORDER BY j.name, s.name),
          ARRAY(SELECT CASE WHEN j.enabled THEN pgautomator._next_fire(s.spec, '2026-11-01 06:20+00') END
                  FROM pgautomator.job j CROSS JOIN pgautomator.schedule s
                 WHERE j.name LIKE 'bulk-%' AND s.name LIKE 'bulk-%' ORDER BY j.name, s.name),
          '... each to _next_fire from the instant given, NULL for the disabled job');
UPDATE pgautomator.job_schedule SET last_fire_at = '2026-12-01 00:00+00';
SELECT pgautomator._refresh_next_fires(NULL, NULL, '2026-11-01 06:20+00');
SELECT is(ARRAY(SELECT js.next_fire_at FROM pgautomator.job_schedule js JOIN pgautomator.job j ON j.id = js.job_id
                 JOIN pgautomator.schedule s ON s.id = js.schedule_id ORDER BY j.name, s.name),
          ARRAY(SELECT CASE WHEN j.enabled THEN pgautomator._next_fire(s.spec, '2026-12-01 00:00+00') END
                  FROM pgautomator.job j CROSS JOIN pgautomator.schedule s
                 WHERE j.name LIKE 'bulk-%' AND s.name LIKE 'bulk-%' ORDER BY j.name, s.name),
          '... and never from before last_fire_at');

SELECT * FROM finish();
ROLLBACK;

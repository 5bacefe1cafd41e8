-- The time-zone step of the schedule engine (docs/schedule-spec.md, "Local time and time zones"):
-- a local slot fires at the first instant the zone's clock reads at or after it. So a slot in a
-- spring-forward gap fires at the gap's end, a slot in a fall-back overlap fires once (first
-- pass), slots that land on one instant fire once, and while `after` is in the second pass of a
-- repeated hour nothing of that hour fires again. Pinned for Europe/Berlin, America/New_York and
-- Australia/Lord_Howe (30-minute DST shift) in 2026, through schedule_preview (what users see),
-- _next_fire (what the scheduler stores) and _local_to_instant (the rule itself).
-- Instants are written in UTC; the session time zone must not matter.
BEGIN;
SELECT plan(38);

SET LOCAL TimeZone = 'UTC';

CREATE FUNCTION pg_temp.preview(spec text, after timestamptz, n int) RETURNS timestamptz[] LANGUAGE sql AS $$
    SELECT array_agg(f ORDER BY f) FROM pgautomator.schedule_preview(spec::jsonb, after, n) AS f
$$;

-- The 2026 transitions used below:
--   Europe/Berlin       gap 2026-03-29 02:00-03:00 CET->CEST (01:00 UTC); overlap 2026-10-25 02:00-03:00 (00:00-02:00 UTC)
--   America/New_York    gap 2026-03-08 02:00-03:00 EST->EDT (07:00 UTC); overlap 2026-11-01 01:00-02:00 (05:00-07:00 UTC)
--   Australia/Lord_Howe gap 2026-10-04 02:00-02:30 +10:30->+11 (2026-10-03 15:30 UTC);
--                       overlap 2026-04-05 01:30-02:00 +11->+10:30 (2026-04-04 14:30-15:30 UTC)

-- The rule itself, and why PostgreSQL's own AT TIME ZONE is not used -----------------------------
SELECT is(pgautomator._local_to_instant('2026-03-08 02:30', 'America/New_York'), '2026-03-08 07:00+00',
          'New York gap: 02:30 maps to the end of the gap, 03:00 EDT');
SELECT isnt(timestamp '2026-03-08 02:30' AT TIME ZONE 'America/New_York', '2026-03-08 07:00+00'::timestamptz,
          '(PostgreSQL''s AT TIME ZONE reads a gap time with the old offset, 03:30 EDT: not the rule)');
SELECT is(pgautomator._local_to_instant('2026-11-01 01:30', 'America/New_York'), '2026-11-01 05:30+00',
          'New York overlap: 01:30 maps to the first pass, 01:30 EDT');
SELECT isnt(timestamp '2026-11-01 01:30' AT TIME ZONE 'America/New_York', '2026-11-01 05:30+00'::timestamptz,
          '(PostgreSQL''s AT TIME ZONE takes the second pass of an overlap: not the rule)');
SELECT is(pgautomator._local_to_instant('2026-10-04 02:15', 'Australia/Lord_Howe'), '2026-10-03 15:30+00',
          'Lord Howe gap: 02:15 maps to the end of the 30-minute gap, 02:30 +11');
SELECT is(pgautomator._local_to_instant('2026-04-05 01:45', 'Australia/Lord_Howe'), '2026-04-04 14:45+00',
          'Lord Howe overlap: 01:45 maps to the first pass, +11');
SELECT is(pgautomator._local_to_instant('2026-03-29 02:59:59.5', 'Europe/Berlin'), '2026-03-29 01:00+00',
          'Berlin gap: the last moment of the gap also maps to its end');
SELECT is(pgautomator._local_to_instant('2026-07-01 12:00', 'Europe/Berlin'), '2026-07-01 10:00+00',
          'an ordinary summer time maps with the summer offset');

-- Europe/Berlin --------------------------------------------------------------------------------------
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"Europe/Berlin"}',
                          '2026-03-28 12:00+00', 3),
          ARRAY['2026-03-29 01:00+00', '2026-03-30 00:30+00', '2026-03-31 00:30+00']::timestamptz[],
          'Berlin spring forward: daily 02:30 fires at 03:00 CEST on the gap day, then 02:30 CEST');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"Europe/Berlin"}',
                          '2026-10-24 12:00+00', 2),
          ARRAY['2026-10-25 00:30+00', '2026-10-26 01:30+00']::timestamptz[],
          'Berlin fall back: daily 02:30 fires once, at 02:30 CEST (first pass), then 02:30 CET');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"Europe/Berlin"}',
                          '2026-03-29 00:35+00', 5),
          ARRAY['2026-03-29 00:45+00', '2026-03-29 01:00+00', '2026-03-29 01:15+00', '2026-03-29 01:30+00', '2026-03-29 01:45+00']::timestamptz[],
          'Berlin spring forward, every 15 minutes: 01:45 CET, then the four gap slots and 03:00 fire once at 03:00 CEST, then on');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"Europe/Berlin"}',
                          '2026-10-24 23:50+00', 7),
          ARRAY['2026-10-25 00:00+00', '2026-10-25 00:15+00', '2026-10-25 00:30+00', '2026-10-25 00:45+00',
                '2026-10-25 02:00+00', '2026-10-25 02:15+00', '2026-10-25 02:30+00']::timestamptz[],
          'Berlin fall back, every 15 minutes: 02:00-02:45 fire on the first pass only, the repeated hour stays quiet, then 03:00 CET');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute","start_time":"02:00","end_time":"02:59"},"time_zone":"Europe/Berlin"}',
                                 '2026-10-25 00:50+00'),
          '2026-10-26 01:00+00',
          'Berlin fall back: after the last first-pass slot of a 02:00-02:59 window, the next fire is the next day');

-- America/New_York ------------------------------------------------------------------------------------
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"America/New_York"}',
                          '2026-03-07 12:00+00', 2),
          ARRAY['2026-03-08 07:00+00', '2026-03-09 06:30+00']::timestamptz[],
          'New York spring forward: daily 02:30 fires at 03:00 EDT on the gap day');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"01:30"},"time_zone":"America/New_York"}',
                          '2026-10-31 12:00+00', 2),
          ARRAY['2026-11-01 05:30+00', '2026-11-02 06:30+00']::timestamptz[],
          'New York fall back: daily 01:30 fires once, at 01:30 EDT, not again at 01:30 EST');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                          '2026-03-08 06:20+00', 6),
          ARRAY['2026-03-08 06:30+00', '2026-03-08 06:45+00', '2026-03-08 07:00+00', '2026-03-08 07:15+00',
                '2026-03-08 07:30+00', '2026-03-08 07:45+00']::timestamptz[],
          'New York spring forward, every 15 minutes: 01:30, 01:45 EST, then 02:00-03:00 once at 03:00 EDT, 03:15 EDT...');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                          '2026-11-01 05:20+00', 5),
          ARRAY['2026-11-01 05:30+00', '2026-11-01 05:45+00', '2026-11-01 07:00+00', '2026-11-01 07:15+00', '2026-11-01 07:30+00']::timestamptz[],
          'New York fall back, every 15 minutes: 01:30, 01:45 EDT, an hour of silence (second pass), 02:00 EST');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                          '2026-11-01 06:10+00', 3),
          ARRAY['2026-11-01 07:00+00', '2026-11-01 07:15+00', '2026-11-01 07:30+00']::timestamptz[],
          'after inside the second pass (01:10 EST): 01:15..01:45 already fired on the first pass; next is 02:00 EST');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                                 '2026-11-01 06:10+00'),
          '2026-11-01 07:00+00',
          '_next_fire agrees: after inside the second pass, next is 02:00 EST');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"01:30"},"time_zone":"America/New_York"}',
                                 '2026-11-01 06:10+00'),
          '2026-11-02 06:30+00',
          'daily 01:30, after at 01:10 EST (second pass): today''s 01:30 fired on the first pass; next is tomorrow');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"01:30"},"time_zone":"America/New_York"}',
                                 '2026-11-01 05:10+00'),
          '2026-11-01 05:30+00',
          'daily 01:30, after at 01:10 EDT (first pass): fires at 01:30 EDT');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                                 '2026-03-08 07:00+00'),
          '2026-03-08 07:15+00',
          'after exactly at the end of the gap: the gap slots fired at that instant; next is 03:15 EDT');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":1,"unit":"second","start_time":"01:59:58","end_time":"03:00:01"},"time_zone":"America/New_York"}',
                          '2026-03-08 06:59:57+00', 4),
          ARRAY['2026-03-08 06:59:58+00', '2026-03-08 06:59:59+00', '2026-03-08 07:00:00+00', '2026-03-08 07:00:01+00']::timestamptz[],
          'every second through the gap: 3601 slots land on 03:00:00 EDT and fire once');

-- Australia/Lord_Howe: a 30-minute shift ---------------------------------------------------------------
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:15"},"time_zone":"Australia/Lord_Howe"}',
                          '2026-10-03 12:00+00', 2),
          ARRAY['2026-10-03 15:30+00', '2026-10-04 15:15+00']::timestamptz[],
          'Lord Howe spring forward: daily 02:15 fires at 02:30 +11 (the gap end), then 02:15 +11');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"01:45"},"time_zone":"Australia/Lord_Howe"}',
                          '2026-04-04 12:00+00', 2),
          ARRAY['2026-04-04 14:45+00', '2026-04-05 15:15+00']::timestamptz[],
          'Lord Howe fall back: daily 01:45 fires once, at 01:45 +11 (first pass), then 01:45 +10:30');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":10,"unit":"minute"},"time_zone":"Australia/Lord_Howe"}',
                          '2026-10-03 15:05+00', 4),
          ARRAY['2026-10-03 15:10+00', '2026-10-03 15:20+00', '2026-10-03 15:30+00', '2026-10-03 15:40+00']::timestamptz[],
          'Lord Howe spring forward, every 10 minutes: 01:40, 01:50, then 02:00..02:30 once at 02:30 +11, 02:40 +11');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":10,"unit":"minute"},"time_zone":"Australia/Lord_Howe"}',
                          '2026-04-04 14:35+00', 4),
          ARRAY['2026-04-04 14:40+00', '2026-04-04 14:50+00', '2026-04-04 15:30+00', '2026-04-04 15:40+00']::timestamptz[],
          'Lord Howe fall back, every 10 minutes: 01:40, 01:50 +11, half an hour of silence, 02:00 +10:30');
SELECT is(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":10,"unit":"minute"},"time_zone":"Australia/Lord_Howe"}',
                                 '2026-04-04 15:05+00'),
          '2026-04-04 15:30+00',
          'Lord Howe: after inside the second pass (01:35 +10:30), next is 02:00 +10:30');

-- Weekly and monthly schedules go through the same step ----------------------------------------------
SELECT is(pg_temp.preview('{"type":"weekly","weekdays":["sun"],"start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"America/New_York"}',
                          '2026-03-01 12:00+00', 2),
          ARRAY['2026-03-08 07:00+00', '2026-03-15 06:30+00']::timestamptz[],
          'weekly on Sunday 02:30, New York: the gap Sunday fires at 03:00 EDT');
SELECT is(pg_temp.preview('{"type":"monthly_relative","ordinal":"last","weekday":"sun","start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"Europe/Berlin"}',
                          '2026-10-01 00:00+00', 1),
          ARRAY['2026-10-25 00:30+00']::timestamptz[],
          'last Sunday of October 02:30, Berlin: fires once, on the first pass');

-- cron follows the same wall-clock rule (issue 16) ------------------------------------------------------
SELECT is(pg_temp.preview('{"type":"cron","expression":"*/30 2 * * *","time_zone":"America/New_York"}', '2026-03-08 00:00+00', 3),
          ARRAY['2026-03-08 07:00+00', '2026-03-09 06:00+00', '2026-03-09 06:30+00']::timestamptz[],
          'cron */30 2 * * *, New York: 02:00 and 02:30 in the gap both fire at 03:00 EDT, once');
SELECT is(pg_temp.preview('{"type":"cron","expression":"*/30 1 * * *","time_zone":"America/New_York"}', '2026-11-01 00:00+00', 3),
          ARRAY['2026-11-01 05:00+00', '2026-11-01 05:30+00', '2026-11-02 06:00+00']::timestamptz[],
          'cron */30 1 * * *, New York fall back: 01:00 and 01:30 fire on the first pass only');

-- UTC default, and the session time zone does not matter ---------------------------------------------
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-03-07","sub":{"type":"once","time":"02:30"}}', '2026-03-07 00:00+00', 3),
          ARRAY['2026-03-07 02:30+00', '2026-03-08 02:30+00', '2026-03-09 02:30+00']::timestamptz[],
          'no time_zone: UTC, no DST');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-03-07","sub":{"type":"once","time":"02:30"}}', '2026-03-07 00:00+00', 3),
          ARRAY['2026-03-07 02:30+00', '2026-03-08 02:30+00', '2026-03-09 02:30+00']::timestamptz[],
          'no time_zone: still UTC when the session is in Los Angeles (DST night there)');
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":15,"unit":"minute"},"time_zone":"America/New_York"}',
                          '2026-11-01 06:10+00', 3),
          ARRAY['2026-11-01 07:00+00', '2026-11-01 07:15+00', '2026-11-01 07:30+00']::timestamptz[],
          'second-pass answer unchanged with the session in Los Angeles');
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:30"},"time_zone":"Europe/Berlin"}',
                          '2026-03-28 12:00+00', 3),
          ARRAY['2026-03-29 01:00+00', '2026-03-30 00:30+00', '2026-03-31 00:30+00']::timestamptz[],
          'Berlin gap answer unchanged with the session in Kathmandu (+05:45)');
SET LOCAL TimeZone = 'UTC';

-- An ordinary zone, and a schedule's instants match _next_fire step by step --------------------------
SELECT is(pg_temp.preview('{"type":"daily","start_date":"2026-06-01","sub":{"type":"once","time":"09:00"},"time_zone":"Asia/Kolkata"}',
                          '2026-06-01 00:00+00', 2),
          ARRAY['2026-06-01 03:30+00', '2026-06-02 03:30+00']::timestamptz[],
          'Asia/Kolkata (+05:30, no DST): 09:00 local is 03:30 UTC');
SELECT is((SELECT array_agg(pgautomator._next_fire('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":20,"unit":"minute"},"time_zone":"America/New_York"}', f) ORDER BY f)
             FROM pgautomator.schedule_preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":20,"unit":"minute"},"time_zone":"America/New_York"}',
                                               '2026-11-01 04:00+00', 11) AS f),
          (SELECT array_agg(f ORDER BY f) FROM (SELECT f FROM pgautomator.schedule_preview('{"type":"daily","start_date":"2026-01-01","sub":{"type":"every","every":20,"unit":"minute"},"time_zone":"America/New_York"}',
                                               '2026-11-01 04:00+00', 12) AS f ORDER BY f OFFSET 1) s),
          'chaining _next_fire from each previewed fire through the fall-back night gives the next previewed fire');

SELECT * FROM finish();
ROLLBACK;

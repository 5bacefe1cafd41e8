-- pgautomator._local_to_instant of many local times at once: element i is the instant locals[i]
-- fires at in time zone tzs[i] (NULL for a NULL element). One statement instead of one PL/pgSQL
-- call per element: the bulk paths (a preview of 10,000 fires, the next fires of 10,000
-- schedules) spent most of their time in those calls, more than the engine itself.
-- The common case is answered here with the first step of _local_to_instant: the zone's offset a
-- day before and a day after the local time (read as UTC) agree, and the one candidate reads back
-- as the local time. Anything else (a transition within a day: a gap, an overlap) goes to
-- _local_to_instant itself, so both give the same instant by construction.
-- Intervals are hours only and the offsets are differences of timestamps (never a day), so
-- nothing here depends on the session's TimeZone.
CREATE OR REPLACE FUNCTION pgautomator._local_to_instants(locals timestamp[], tzs text[])
RETURNS timestamptz[]
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(
        SELECT CASE WHEN o.before = o.after AND ((o.utc - o.before) AT TIME ZONE o.tz) = o.local
                    THEN o.utc - o.before
                    ELSE pgautomator._local_to_instant(o.local, o.tz) END
          FROM (SELECT u.n, u.local, u.tz, u.utc,
                       ((u.utc - interval '24 hours') AT TIME ZONE u.tz) - (u.finite - interval '24 hours') AS before,
                       ((u.utc + interval '24 hours') AT TIME ZONE u.tz) - (u.finite + interval '24 hours') AS after
                  -- finite: NULL for NULL or an infinity (whose arithmetic raises): _local_to_instant answers.
                  FROM (SELECT v.n, v.local, v.tz, v.local AT TIME ZONE 'UTC' AS utc,
                               CASE WHEN isfinite(v.local) THEN v.local END AS finite
                          FROM unnest(locals, tzs) WITH ORDINALITY AS v(local, tz, n)) AS u) AS o
         ORDER BY o.n)
$$;

COMMENT ON FUNCTION pgautomator._local_to_instants(timestamp[], text[]) IS
    'Internal: element i is _local_to_instant(locals[i], tzs[i]) (NULL for NULL), computed in one statement.';
REVOKE ALL ON FUNCTION pgautomator._local_to_instants(timestamp[], text[]) FROM PUBLIC;

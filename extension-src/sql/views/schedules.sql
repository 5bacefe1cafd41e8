-- next_fire_at comes from job_schedule, which the database maintains, not from an engine call:
-- functions in a view run with the querying role's rights, and the engine is granted to nobody.
CREATE OR REPLACE VIEW pgautomator.schedules AS
SELECT s.id,
       s.name,
       s.spec ->> 'type' AS type,
       s.spec,
       s.enabled,
       s.paused_reason,
       coalesce(s.spec ->> 'time_zone', 'UTC') AS time_zone,
       s.description,
       s.owner,
       ARRAY(SELECT j.name
               FROM pgautomator.job_schedule js
               JOIN pgautomator.job j ON j.id = js.job_id
              WHERE js.schedule_id = s.id
              ORDER BY j.name) AS jobs,
       (SELECT min(js.next_fire_at) FROM pgautomator.job_schedule js WHERE js.schedule_id = s.id) AS next_fire_at,
       s.created_at,
       s.updated_at
  FROM pgautomator.schedule s;
COMMENT ON VIEW pgautomator.schedules IS 'Schedules with their type, time zone, attached jobs and next fire. Read with pgautomator.list_schedules() or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.schedules.type IS 'once, daily, weekly, monthly, monthly_relative or cron (spec.type).';
COMMENT ON COLUMN pgautomator.schedules.spec IS 'The full spec (docs/schedule-spec.md), exceptions included.';
COMMENT ON COLUMN pgautomator.schedules.time_zone IS 'The IANA time zone the spec is read in (spec.time_zone, default UTC).';
COMMENT ON COLUMN pgautomator.schedules.jobs IS 'Names of the jobs the schedule fires.';
COMMENT ON COLUMN pgautomator.schedules.next_fire_at IS 'When the schedule next fires one of its jobs (the earliest next_fire_at the database keeps for its enabled jobs); NULL when it is disabled, fires no enabled job, or never fires again. To preview a spec''s fires, use schedule_preview(spec).';

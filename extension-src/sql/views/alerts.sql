-- Raised alerts, and one computed row when no agent is online: then nothing runs and no sweep
-- evaluates the rules, which must be visible without any agent's help.
CREATE OR REPLACE VIEW pgautomator.alerts AS
SELECT x.id,
       j.name AS job,
       x.kind,
       x.job_run_id AS run_id,
       x.message,
       x.raised_at,
       x.cleared_at,
       x.cleared_by_run_id,
       x.acknowledged_at,
       x.acknowledged_by,
       x.cleared_at IS NULL AS open
  FROM pgautomator.alert x
  JOIN pgautomator.job j ON j.id = x.job_id
UNION ALL
SELECT NULL::bigint, NULL::text, 'no_agent', NULL::bigint,
       CASE WHEN EXISTS (SELECT 1 FROM pgautomator.agent a
                          WHERE a.state <> 'offline' AND a.last_heartbeat_at >= now() - pgautomator._dead_after(a.heartbeat_interval))
            -- Online, but every one drained (drain_agent) or draining: nothing new starts.
            THEN 'every online agent is drained: no new run starts (undrain_agent to resume)'
            ELSE coalesce('no agent is online: no job runs and no alert is evaluated (last heartbeat: '
                          || (SELECT max(a.last_heartbeat_at)::text FROM pgautomator.agent a) || ')',
                          'no agent has ever registered: no job runs and no alert is evaluated') END,
       (SELECT max(a.last_heartbeat_at) FROM pgautomator.agent a), NULL::timestamptz, NULL::bigint, NULL::timestamptz, NULL::name, true
 WHERE EXISTS (SELECT 1 FROM pgautomator.job j WHERE j.enabled)
   AND NOT EXISTS (SELECT 1 FROM pgautomator.agent a
                    WHERE a.state = 'online' AND a.drained_at IS NULL
                      AND a.last_heartbeat_at >= now() - pgautomator._dead_after(a.heartbeat_interval));
COMMENT ON VIEW pgautomator.alerts IS 'Alerts (freshness, duration) raised by the database, open and past; plus a computed no_agent row while enabled jobs exist and no agent is online and taking work (none online: nothing runs and rules are not evaluated; all drained: no new run starts). Read with pgautomator.list_alerts() or SELECT (role pgautomator_viewer).';
COMMENT ON COLUMN pgautomator.alerts.id IS 'Alert id, for acknowledge_alert (NULL for the computed no_agent row).';
COMMENT ON COLUMN pgautomator.alerts.job IS 'The job concerned.';
COMMENT ON COLUMN pgautomator.alerts.kind IS 'freshness (no success within the rule''s threshold), duration (a run longer than the threshold), no_agent (computed: no agent online and taking work, i.e. none online, or every online one drained).';
COMMENT ON COLUMN pgautomator.alerts.run_id IS 'duration: the run that runs too long.';
COMMENT ON COLUMN pgautomator.alerts.message IS 'What is wrong.';
COMMENT ON COLUMN pgautomator.alerts.raised_at IS 'When it was raised (no_agent: the last heartbeat of any agent).';
COMMENT ON COLUMN pgautomator.alerts.cleared_at IS 'When the next success (freshness) or the run''s end (duration) cleared it.';
COMMENT ON COLUMN pgautomator.alerts.cleared_by_run_id IS 'The run that cleared it.';
COMMENT ON COLUMN pgautomator.alerts.acknowledged_at IS 'When someone acknowledged it (acknowledge_alert).';
COMMENT ON COLUMN pgautomator.alerts.acknowledged_by IS 'Who acknowledged it.';
COMMENT ON COLUMN pgautomator.alerts.open IS 'Not cleared yet.';

CREATE OR REPLACE VIEW pgautomator.agents AS
SELECT a.id,
       a.name,
       a.host,
       a.os,
       a.version,
       a.tags,
       -- Drained by an admin (drain_agent): draining, though the agent itself says online.
       CASE WHEN a.state = 'online' AND a.drained_at IS NOT NULL THEN 'draining' ELSE a.state END AS state,
       (a.state = 'online'
        AND a.last_heartbeat_at IS NOT NULL
        AND a.last_heartbeat_at > now() - 3 * a.heartbeat_interval) AS online,
       a.max_concurrent,
       a.heartbeat_interval,
       a.started_at,
       a.last_heartbeat_at,
       a.stopped_at,
       coalesce(cur.running, 0) AS running,
       coalesce(cur.runs, '[]'::jsonb) AS running_runs,
       a.db_role,
       a.smtp_host,
       a.smtp_port,
       a.smtp_security,
       a.smtp_user,
       a.smtp_password_ref,
       a.smtp_from,
       a.created_at,
       a.drained_at,
       a.drained_by
  FROM pgautomator.agent a
  LEFT JOIN LATERAL (SELECT count(*)::int AS running,
                            jsonb_agg(jsonb_build_object('run_id', r.id, 'job', j.name, 'started_at', r.started_at) ORDER BY r.id) AS runs
                       FROM pgautomator.job_run r
                       JOIN pgautomator.job j ON j.id = r.job_id
                      WHERE r.agent_id = a.id AND r.state = 'running') cur ON true;
COMMENT ON VIEW pgautomator.agents IS 'Agents at a glance: identity, state, whether they are alive, and what they run now. Read with pgautomator.list_agents().';
COMMENT ON COLUMN pgautomator.agents.state IS 'online, draining (the agent said so with agent_stop(drain), or an admin drained it with drain_agent) or offline.';
COMMENT ON COLUMN pgautomator.agents.drained_at IS 'When an admin drained the agent (drain_agent); NULL: not drained. undrain_agent lets it claim again.';
COMMENT ON COLUMN pgautomator.agents.drained_by IS 'The role that drained the agent.';
COMMENT ON COLUMN pgautomator.agents.online IS 'True when the agent is online (drained or not) and heartbeated within the last three heartbeat intervals.';
COMMENT ON COLUMN pgautomator.agents.running IS 'Number of runs it is running now.';
COMMENT ON COLUMN pgautomator.agents.running_runs IS 'The runs it is running now: [{"run_id", "job", "started_at"}].';
COMMENT ON COLUMN pgautomator.agents.db_role IS 'The database role the agent registered with.';
COMMENT ON COLUMN pgautomator.agents.smtp_host IS 'SMTP server the agent sends mail through (NULL: it sends none); set with pgautomator.set_agent_smtp().';
COMMENT ON COLUMN pgautomator.agents.smtp_password_ref IS 'Where the agent finds the SMTP password (env:NAME or file:NAME); never the password itself.';

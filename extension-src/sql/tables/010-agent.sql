CREATE TABLE pgautomator.agent (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL UNIQUE,
  db_role             name NOT NULL,
  host                text,
  os                  text,
  version             text,
  tags                text[] NOT NULL DEFAULT '{}',
  max_concurrent      int NOT NULL DEFAULT 4 CHECK (max_concurrent BETWEEN 1 AND 10000),
  heartbeat_interval  interval NOT NULL DEFAULT '10 seconds' CHECK (heartbeat_interval BETWEEN '1 second' AND '1 hour'),
  state               text NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'draining', 'offline')),
  started_at          timestamptz,
  last_heartbeat_at   timestamptz,
  stopped_at          timestamptz,
  drained_at          timestamptz,
  drained_by          name,
  smtp_host           text,
  smtp_port           int CHECK (smtp_port BETWEEN 1 AND 65535),
  smtp_security       text NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('none', 'starttls', 'tls')),
  smtp_user           text,
  smtp_password_ref   text,
  smtp_from           text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,62}$')
);
COMMENT ON TABLE pgautomator.agent IS 'A host process that claims and runs job steps. Written only through register_agent, agent_heartbeat, agent_stop, set_agent_smtp, drain_agent and undrain_agent.';
COMMENT ON COLUMN pgautomator.agent.name IS 'Unique name the agent registers under (usually the host name).';
COMMENT ON COLUMN pgautomator.agent.db_role IS 'The database role that registered the agent; only that role (or an admin) may act as this agent.';
COMMENT ON COLUMN pgautomator.agent.host IS 'Host name reported by the agent.';
COMMENT ON COLUMN pgautomator.agent.os IS 'Operating system reported by the agent (linux, darwin, win32, ...).';
COMMENT ON COLUMN pgautomator.agent.version IS 'Agent software version.';
COMMENT ON COLUMN pgautomator.agent.tags IS 'Labels a job can require (job.agent_tags): the agent runs a job only when it carries all of the job''s tags.';
COMMENT ON COLUMN pgautomator.agent.max_concurrent IS 'How many runs the agent executes at once.';
COMMENT ON COLUMN pgautomator.agent.heartbeat_interval IS 'How often the agent heartbeats. Its lease is 3 intervals; it is declared dead after lease + greatest(interval, 5 s) of silence (docs/agent-protocol.md, Liveness).';
COMMENT ON COLUMN pgautomator.agent.state IS 'online: claiming; draining: finishing its runs, claiming nothing; offline: stopped or dead.';
COMMENT ON COLUMN pgautomator.agent.started_at IS 'When the agent last registered.';
COMMENT ON COLUMN pgautomator.agent.last_heartbeat_at IS 'When the agent last called agent_heartbeat (or claimed).';
COMMENT ON COLUMN pgautomator.agent.stopped_at IS 'When the agent stopped or was declared dead.';
COMMENT ON COLUMN pgautomator.agent.drained_at IS 'When an admin drained the agent (drain_agent): it claims no new runs and finishes those it runs, until undrain_agent. Kept across restarts, unlike state draining (the agent''s own agent_stop(drain)). NULL: not drained.';
COMMENT ON COLUMN pgautomator.agent.drained_by IS 'The role that drained the agent (drain_agent); NULL when not drained.';
COMMENT ON COLUMN pgautomator.agent.smtp_host IS 'SMTP server the agent sends mail through; NULL: this agent sends no mail.';
COMMENT ON COLUMN pgautomator.agent.smtp_port IS 'SMTP port (default by security: 25, 587 or 465).';
COMMENT ON COLUMN pgautomator.agent.smtp_security IS 'none, starttls or tls (implicit TLS).';
COMMENT ON COLUMN pgautomator.agent.smtp_user IS 'SMTP user name, if the server wants authentication.';
COMMENT ON COLUMN pgautomator.agent.smtp_password_ref IS 'A reference to the SMTP password, resolved on the agent host (env:NAME or file:NAME); never the password itself.';
COMMENT ON COLUMN pgautomator.agent.smtp_from IS 'Default From address of mail sent by this agent.';
COMMENT ON COLUMN pgautomator.agent.created_at IS 'When the agent first registered.';

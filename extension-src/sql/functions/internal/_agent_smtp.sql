CREATE OR REPLACE FUNCTION pgautomator._agent_smtp(a pgautomator.agent) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- What an agent needs to send mail: never a password, only the reference it resolves on its host.
  SELECT CASE WHEN a.smtp_host IS NULL THEN NULL ELSE jsonb_build_object(
    'host', a.smtp_host, 'port', a.smtp_port, 'security', a.smtp_security, 'user', a.smtp_user,
    'password_ref', a.smtp_password_ref, 'from', a.smtp_from) END
$$;
COMMENT ON FUNCTION pgautomator._agent_smtp(pgautomator.agent) IS 'The SMTP settings register_agent and agent_heartbeat hand an agent: {host, port, security, user, password_ref, from}, or null.';
REVOKE ALL ON FUNCTION pgautomator._agent_smtp(pgautomator.agent) FROM PUBLIC;

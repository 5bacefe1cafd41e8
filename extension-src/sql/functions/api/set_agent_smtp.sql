CREATE OR REPLACE FUNCTION pgautomator.set_agent_smtp(
  agent text,
  host text,
  port int DEFAULT NULL,
  security text DEFAULT 'starttls',
  "user" text DEFAULT NULL,
  password_ref text DEFAULT NULL,
  "from" text DEFAULT NULL
)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  aid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  aid := pgautomator._agent_id(set_agent_smtp.agent, true);
  IF set_agent_smtp.host IS NULL THEN
    -- No host: this agent sends no mail; forget the rest so nothing stale lingers.
    UPDATE pgautomator.agent a
       SET smtp_host = NULL, smtp_port = NULL, smtp_security = 'starttls', smtp_user = NULL, smtp_password_ref = NULL, smtp_from = NULL
     WHERE a.id = aid;
    RETURN;
  END IF;
  IF btrim(set_agent_smtp.host) = '' OR set_agent_smtp.host ~ '[\s/]' THEN
    PERFORM pgautomator._raise('PA002', format('smtp host must be a host name or address (got "%s")', set_agent_smtp.host), 'field: host',
      'For example: host => ''smtp.example.com''; NULL turns mail off for this agent.');
  END IF;
  IF set_agent_smtp.port IS NOT NULL AND set_agent_smtp.port NOT BETWEEN 1 AND 65535 THEN
    PERFORM pgautomator._raise('PA002', format('smtp port must be from 1 to 65535 (got %s)', set_agent_smtp.port), 'field: port',
      'Leave port NULL for the default of the security mode (25 none, 587 starttls, 465 tls).');
  END IF;
  PERFORM pgautomator._check_one_of(set_agent_smtp.security, ARRAY['none', 'starttls', 'tls'], 'smtp security', 'security');
  PERFORM pgautomator._check_secret_ref(set_agent_smtp.password_ref, 'password_ref');
  IF set_agent_smtp.password_ref IS NOT NULL AND set_agent_smtp."user" IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'smtp password_ref needs a user', 'field: user',
      'Pass "user" => ''<smtp login>'' with password_ref, or leave both NULL for a server without authentication.');
  END IF;
  PERFORM pgautomator._check_mail_settings('{}', '{}', set_agent_smtp."from");
  UPDATE pgautomator.agent a
     SET smtp_host = set_agent_smtp.host, smtp_port = set_agent_smtp.port, smtp_security = set_agent_smtp.security,
         smtp_user = set_agent_smtp."user", smtp_password_ref = set_agent_smtp.password_ref, smtp_from = set_agent_smtp."from"
   WHERE a.id = aid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_agent_smtp(text, text, int, text, text, text, text) IS
$c$Sets (replaces) the SMTP server an agent sends the outbox's mail through. The password itself is never stored: password_ref names where the agent finds it. The agent reads these settings when it registers (starts).
Arguments: agent, the agent's name; host, the SMTP server (NULL: this agent sends no mail, and the other settings are cleared); port (NULL: 25, 587 or 465 by security); security, none, starttls (default) or tls; "user", the SMTP login; password_ref, env:NAME or file:NAME on the agent host; "from", the default sender address.
Errors: PA002 a bad host, port, security, password_ref (not env:NAME or file:NAME), password_ref without user, or from address; PA010 no such agent; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.set_agent_smtp('host1', 'smtp.example.com', "user" => 'jobs', password_ref => 'env:SMTP_PASSWORD', "from" => 'jobs@example.com');$c$;
REVOKE ALL ON FUNCTION pgautomator.set_agent_smtp(text, text, int, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_agent_smtp(text, text, int, text, text, text, text) TO pgautomator_admin;

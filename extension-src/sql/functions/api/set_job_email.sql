CREATE OR REPLACE FUNCTION pgautomator.set_job_email(job text, "on" text[], "to" text[], "from" text DEFAULT NULL, subject text DEFAULT NULL, body text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(set_job_email.job, true);
  PERFORM pgautomator._check_mail_settings(coalesce(set_job_email."on", '{}'), coalesce(set_job_email."to", '{}'), set_job_email."from");
  UPDATE pgautomator.job x
     SET email_on = ARRAY(SELECT DISTINCT e FROM unnest(coalesce(set_job_email."on", '{}')) e ORDER BY e),
         email_to = coalesce(set_job_email."to", '{}'),
         email_from = set_job_email."from",
         email_subject = set_job_email.subject,
         email_body = set_job_email.body,
         updated_at = now()
   WHERE x.id = jid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_job_email(text, text[], text[], text, text, text) IS
$c$Sets (replaces) the mail a job sends about its runs. The mail is written to an outbox in the same transaction as the run's outcome and delivered by an agent with SMTP settings (set_agent_smtp).
Arguments: job, the job's name; "on", run events that send mail, among start, success, failure, completion ('{}' or NULL: no mail); "to", recipients, each an operator name (create_operator) or a mail address; "from", the sender (NULL: the agent's smtp from); subject and body, templates where {{job}}, {{run_id}}, {{state}}, {{agent}}, {{started_at}}, {{finished_at}}, {{duration}}, {{message}}, {{step}}, {{output}} are filled in (NULL: the default text).
Errors: PA002 an unknown event, no recipient while events are listed, or a malformed address; PA010 no such job, or a recipient that is neither an operator nor an address; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.set_job_email('backup', '{failure}', '{dba-team}');$c$;
REVOKE ALL ON FUNCTION pgautomator.set_job_email(text, text[], text[], text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_job_email(text, text[], text[], text, text, text) TO pgautomator_admin;

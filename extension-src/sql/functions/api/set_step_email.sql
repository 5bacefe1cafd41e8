CREATE OR REPLACE FUNCTION pgautomator.set_step_email(job text, step text, "on" text[], "to" text[], "from" text DEFAULT NULL, subject text DEFAULT NULL, body text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  jid bigint;
  sid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  jid := pgautomator._job_id(set_step_email.job, true);
  sid := pgautomator._step_id(jid, set_step_email.step, true);
  PERFORM pgautomator._check_mail_settings(coalesce(set_step_email."on", '{}'), coalesce(set_step_email."to", '{}'), set_step_email."from");
  UPDATE pgautomator.step x
     SET email_on = ARRAY(SELECT DISTINCT e FROM unnest(coalesce(set_step_email."on", '{}')) e ORDER BY e),
         email_to = coalesce(set_step_email."to", '{}'),
         email_from = set_step_email."from",
         email_subject = set_step_email.subject,
         email_body = set_step_email.body,
         updated_at = now()
   WHERE x.id = sid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.set_step_email(text, text, text[], text[], text, text, text) IS
$c$Sets (replaces) the mail one step sends about its attempts, like set_job_email does for the whole run.
Arguments: job and step, the job's and the step's names; "on", step events among start, success, failure, completion ('{}' or NULL: no mail); "to", operator names or mail addresses; "from", the sender (NULL: the agent's); subject and body, templates (placeholders as in set_job_email; NULL: the default text).
Errors: PA002 an unknown event, no recipient while events are listed, or a malformed address; PA010 no such job or step, or a recipient that is neither an operator nor an address; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.set_step_email(text, text, text[], text[], text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.set_step_email(text, text, text[], text[], text, text, text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.delete_operator(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  oid_   bigint;
  users  text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  oid_ := pgautomator._operator_id(delete_operator.name, true);
  users := ARRAY(SELECT 'job ' || j.name FROM pgautomator.job j WHERE delete_operator.name = ANY (j.email_to)
                 UNION ALL
                 SELECT format('step %s.%s', j.name, s.name)
                   FROM pgautomator.step s JOIN pgautomator.job j ON j.id = s.job_id
                  WHERE delete_operator.name = ANY (s.email_to));
  IF cardinality(users) > 0 THEN
    PERFORM pgautomator._raise('PA021',
      format('operator %L is a mail recipient of %s', delete_operator.name, array_to_string(users, ', ')),
      'field: name',
      'Take it out of those mail settings (pgautomator.set_job_email / set_step_email), or disable it instead: pgautomator.update_operator(name, enabled => false).');
  END IF;
  DELETE FROM pgautomator.operator x WHERE x.id = oid_;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.delete_operator(text) IS
$c$Deletes an operator that no mail setting lists.
Arguments: name.
Errors: PA010 no such operator; PA021 job or step mail settings list it (the message says which); PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_operator(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_operator(text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.delete_connection(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cid   bigint;
  users text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  cid := pgautomator._connection_id(delete_connection.name, true);
  users := ARRAY(SELECT format('%s.%s', j.name, s.name)
                   FROM pgautomator.step s JOIN pgautomator.job j ON j.id = s.job_id
                  WHERE s.connection_id = cid ORDER BY j.name, s.position);
  IF cardinality(users) > 0 THEN
    PERFORM pgautomator._raise('PA021',
      format('connection %L is used by %s step(s): %s', delete_connection.name, cardinality(users), array_to_string(users, ', ')),
      'field: name',
      'Point those steps at another connection (pgautomator.update_step(job, step, connection => ...)) or remove them, then delete the connection.');
  END IF;
  DELETE FROM pgautomator.connection x WHERE x.id = cid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.delete_connection(text) IS
$c$Deletes a connection that no step uses.
Arguments: name.
Errors: PA010 no such connection; PA021 steps use it (the message lists them as job.step); PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_connection(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_connection(text) TO pgautomator_admin;

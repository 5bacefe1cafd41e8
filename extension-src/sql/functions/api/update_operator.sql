CREATE OR REPLACE FUNCTION pgautomator.update_operator(name text, email text DEFAULT NULL, enabled boolean DEFAULT NULL, new_name text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  oid_    bigint;
  cur_row pgautomator.operator;
  o       pgautomator.operator;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  oid_ := pgautomator._operator_id(update_operator.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT x.* INTO cur_row FROM pgautomator.operator x WHERE x.id = oid_;
  o := cur_row;
  IF update_operator.new_name IS NOT NULL THEN
    PERFORM pgautomator._check_name(update_operator.new_name, 'operator new_name', 100, 'new_name');
    IF update_operator.new_name <> cur_row.name AND EXISTS (SELECT 1 FROM pgautomator.operator x WHERE x.name = update_operator.new_name) THEN
      PERFORM pgautomator._raise('PA020', format('operator %L already exists', update_operator.new_name), 'field: new_name', 'Choose another new_name.');
    END IF;
    o.name := update_operator.new_name;
  END IF;
  o.email := coalesce(update_operator.email, o.email);
  o.enabled := coalesce(update_operator.enabled, o.enabled);
  PERFORM pgautomator._check_operator(o);
  BEGIN
    UPDATE pgautomator.operator x SET name = o.name, email = o.email, enabled = o.enabled WHERE x.id = cur_row.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('operator %L already exists', o.name), 'field: new_name', 'Choose another new_name.');
  END;
  -- Mail settings name operators: a rename follows into them, so no recipient is lost.
  IF o.name <> cur_row.name THEN
    UPDATE pgautomator.job x SET email_to = array_replace(x.email_to, cur_row.name, o.name) WHERE cur_row.name = ANY (x.email_to);
    UPDATE pgautomator.step x SET email_to = array_replace(x.email_to, cur_row.name, o.name) WHERE cur_row.name = ANY (x.email_to);
  END IF;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.update_operator(text, text, boolean, text) IS
$c$Changes an operator; arguments left NULL stay as they are. A rename is carried into every job and step mail setting that lists the operator.
Arguments: name, the operator to change; email, a new address; enabled, false to stop its mail for a while; new_name, to rename it.
Errors: PA002 a bad address or new_name; PA010 no such operator; PA020 new_name taken; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.update_operator(text, text, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.update_operator(text, text, boolean, text) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.create_operator(name text, email text, enabled boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o pgautomator.operator;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  o.name := create_operator.name;
  o.email := create_operator.email;
  o.enabled := create_operator.enabled;
  PERFORM pgautomator._check_operator(o);
  IF EXISTS (SELECT 1 FROM pgautomator.operator x WHERE x.name = o.name) THEN
    PERFORM pgautomator._raise('PA020', format('operator %L already exists', o.name), 'field: name',
      format('Choose another name, or change it with pgautomator.update_operator(%L, ...).', o.name));
  END IF;
  BEGIN
    INSERT INTO pgautomator.operator (name, email, enabled) VALUES (o.name, o.email, o.enabled) RETURNING id INTO o.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('operator %L already exists', o.name), 'field: name',
      'Another session created it a moment ago; choose another name.');
  END;
  RETURN o.id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.create_operator(text, text, boolean) IS
$c$Creates an operator, a named mail recipient that job and step mail settings can list instead of addresses, and returns its id.
Arguments: name, unique (1..100 characters, no @); email, the address; enabled (default true; a disabled operator receives no mail).
Errors: PA002 a bad name or address; PA020 an operator of that name exists; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.create_operator('dba-team', 'dba@example.com');$c$;
REVOKE ALL ON FUNCTION pgautomator.create_operator(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.create_operator(text, text, boolean) TO pgautomator_admin;

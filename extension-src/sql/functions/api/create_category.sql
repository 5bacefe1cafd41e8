CREATE OR REPLACE FUNCTION pgautomator.create_category(name text, description text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_name(create_category.name, 'category name', 100);
  IF EXISTS (SELECT 1 FROM pgautomator.category c WHERE c.name = create_category.name) THEN
    PERFORM pgautomator._raise('PA020', format('category %L already exists', create_category.name), 'field: name',
      'Choose another name; SELECT name FROM pgautomator.list_categories(); lists the categories.');
  END IF;
  BEGIN
    INSERT INTO pgautomator.category (name, description)
    VALUES (create_category.name, create_category.description)
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('category %L already exists', create_category.name), 'field: name',
      'Another session created it a moment ago; choose another name.');
  END;
  RETURN new_id;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.create_category(text, text) IS
$c$Creates a job category (a group of jobs, e.g. backups or reports) and returns its id.
Arguments: name, unique (1..100 characters); description (free text).
Errors: PA002 bad name; PA020 a category of that name exists; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.create_category(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.create_category(text, text) TO pgautomator_admin;

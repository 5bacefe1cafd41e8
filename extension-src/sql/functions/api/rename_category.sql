CREATE OR REPLACE FUNCTION pgautomator.rename_category(name text, new_name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cid bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  cid := pgautomator._category_id(rename_category.name, true);
  PERFORM pgautomator._check_name(rename_category.new_name, 'category new_name', 100, 'new_name');
  IF EXISTS (SELECT 1 FROM pgautomator.category c WHERE c.name = rename_category.new_name AND c.id <> cid) THEN
    PERFORM pgautomator._raise('PA020', format('category %L already exists', rename_category.new_name), 'field: new_name',
      'Choose another new_name.');
  END IF;
  BEGIN
    UPDATE pgautomator.category c SET name = rename_category.new_name WHERE c.id = cid;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('category %L already exists', rename_category.new_name), 'field: new_name',
      'Another session took that name a moment ago; choose another new_name.');
  END;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.rename_category(text, text) IS
$c$Renames a category; its jobs stay in it.
Arguments: name, the current name; new_name.
Errors: PA002 bad new_name; PA010 no such category; PA020 new_name taken; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.rename_category(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.rename_category(text, text) TO pgautomator_admin;

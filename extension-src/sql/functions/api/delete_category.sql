CREATE OR REPLACE FUNCTION pgautomator.delete_category(name text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cid  bigint;
  jobs text[];
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  cid := pgautomator._category_id(delete_category.name, true);
  jobs := ARRAY(SELECT j.name FROM pgautomator.job j WHERE j.category_id = cid ORDER BY j.name);
  IF cardinality(jobs) > 0 THEN
    PERFORM pgautomator._raise('PA021',
      format('category %L still holds %s job(s): %s', delete_category.name, cardinality(jobs), array_to_string(jobs, ', ')),
      'field: name',
      format('Move or clear them first, e.g. SELECT pgautomator.update_job(%L, clear => ''{category}'');', jobs[1]));
  END IF;
  DELETE FROM pgautomator.category c WHERE c.id = cid;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.delete_category(text) IS
$c$Deletes an empty category.
Arguments: name.
Errors: PA010 no such category; PA021 jobs are still in it (the message lists them); PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.delete_category(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.delete_category(text) TO pgautomator_admin;

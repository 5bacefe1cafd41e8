CREATE OR REPLACE FUNCTION pgautomator.update_connection(
  name text,
  driver text DEFAULT NULL,
  dsn text DEFAULT NULL,
  secret_ref text DEFAULT NULL,
  description text DEFAULT NULL,
  new_name text DEFAULT NULL,
  clear text[] DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  clearable CONSTANT text[] := ARRAY['secret_ref', 'description'];
  cid       bigint;
  cur_row   pgautomator.connection;
  c         pgautomator.connection;
  bad       text;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  cid := pgautomator._connection_id(update_connection.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT x.* INTO cur_row FROM pgautomator.connection x WHERE x.id = cid;
  SELECT f INTO bad FROM unnest(coalesce(update_connection.clear, '{}')) f WHERE f IS NULL OR NOT f = ANY (clearable) LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002',
      format('update_connection clear must name fields among %s (got %s)', array_to_string(clearable, ', '), coalesce('"' || bad || '"', 'NULL')),
      'field: clear', 'For example: clear => ''{secret_ref}''.');
  END IF;
  SELECT f INTO bad FROM unnest(update_connection.clear) f
   WHERE (f = 'secret_ref' AND update_connection.secret_ref IS NOT NULL) OR (f = 'description' AND update_connection.description IS NOT NULL)
   LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002', format('update_connection cannot both set and clear %s', bad), 'field: clear',
      format('Pass %s or clear it, not both.', bad));
  END IF;
  c := cur_row;
  IF update_connection.new_name IS NOT NULL THEN
    PERFORM pgautomator._check_name(update_connection.new_name, 'connection new_name', 100, 'new_name');
    IF update_connection.new_name <> cur_row.name AND EXISTS (SELECT 1 FROM pgautomator.connection x WHERE x.name = update_connection.new_name) THEN
      PERFORM pgautomator._raise('PA020', format('connection %L already exists', update_connection.new_name), 'field: new_name', 'Choose another new_name.');
    END IF;
    c.name := update_connection.new_name;
  END IF;
  c.driver      := coalesce(update_connection.driver, c.driver);
  c.dsn         := coalesce(update_connection.dsn, c.dsn);
  c.secret_ref  := CASE WHEN 'secret_ref' = ANY (update_connection.clear) THEN NULL ELSE coalesce(update_connection.secret_ref, c.secret_ref) END;
  c.description := CASE WHEN 'description' = ANY (update_connection.clear) THEN NULL ELSE coalesce(update_connection.description, c.description) END;
  PERFORM pgautomator._check_connection(c);
  BEGIN
    UPDATE pgautomator.connection x
       SET name = c.name, driver = c.driver, dsn = c.dsn, secret_ref = c.secret_ref, description = c.description, updated_at = now()
     WHERE x.id = cur_row.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('connection %L already exists', c.name), 'field: new_name', 'Choose another new_name.');
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
COMMENT ON FUNCTION pgautomator.update_connection(text, text, text, text, text, text, text[]) IS
$c$Changes a connection; arguments left NULL stay as they are (they mean what they mean in create_connection). Steps using it pick up the change at their next run.
Arguments: name, the connection to change; driver, dsn (never with a password), secret_ref, description: new values; new_name, to rename it; clear, fields to set NULL: secret_ref, description.
Errors: PA002 a bad value (a dsn with a password among them), an unknown field in clear, or a field both set and cleared; PA010 no such connection; PA020 new_name taken; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.update_connection(text, text, text, text, text, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.update_connection(text, text, text, text, text, text, text[]) TO pgautomator_admin;

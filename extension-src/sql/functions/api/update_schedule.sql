CREATE OR REPLACE FUNCTION pgautomator.update_schedule(
  name text,
  spec jsonb DEFAULT NULL,
  new_name text DEFAULT NULL,
  enabled boolean DEFAULT NULL,
  description text DEFAULT NULL,
  clear text[] DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid         bigint;
  cur_row     pgautomator.schedule;
  new_row     pgautomator.schedule;
  bad     text;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  sid := pgautomator._schedule_id(update_schedule.name, true);  -- a statement of its own: it must raise (README.md)
  SELECT s.* INTO cur_row FROM pgautomator.schedule s WHERE s.id = sid;
  SELECT c INTO bad FROM unnest(coalesce(update_schedule.clear, '{}')) c WHERE c IS NULL OR c <> 'description' LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002', format('update_schedule clear must name fields among description (got %s)', coalesce('"' || bad || '"', 'NULL')),
      'field: clear', 'clear lists the nullable fields to set NULL, e.g. clear => ''{description}''.');
  END IF;
  IF update_schedule.description IS NOT NULL AND 'description' = ANY (update_schedule.clear) THEN
    PERFORM pgautomator._raise('PA002', 'update_schedule cannot both set and clear description', 'field: clear', 'Pass description or clear it, not both.');
  END IF;

  new_row := cur_row;
  IF update_schedule.new_name IS NOT NULL THEN
    PERFORM pgautomator._check_name(update_schedule.new_name, 'schedule new_name', 200, 'new_name');
    IF update_schedule.new_name <> cur_row.name AND EXISTS (SELECT 1 FROM pgautomator.schedule s WHERE s.name = update_schedule.new_name) THEN
      PERFORM pgautomator._raise('PA020', format('schedule %L already exists', update_schedule.new_name), 'field: new_name', 'Choose another new_name.');
    END IF;
    new_row.name := update_schedule.new_name;
  END IF;
  IF update_schedule.spec IS NOT NULL THEN
    PERFORM pgautomator.validate_schedule(update_schedule.spec);
    new_row.spec := update_schedule.spec;
  END IF;
  IF update_schedule.enabled IS NOT NULL THEN
    new_row.enabled := update_schedule.enabled;
    IF new_row.enabled THEN
      new_row.paused_reason := NULL;
    END IF;
  END IF;
  IF update_schedule.description IS NOT NULL THEN
    new_row.description := update_schedule.description;
  ELSIF 'description' = ANY (update_schedule.clear) THEN
    new_row.description := NULL;
  END IF;

  BEGIN
    UPDATE pgautomator.schedule s
       SET name = new_row.name, spec = new_row.spec, enabled = new_row.enabled, paused_reason = new_row.paused_reason,
           description = new_row.description, updated_at = now()
     WHERE s.id = cur_row.id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('schedule %L already exists', new_row.name), 'field: new_name', 'Choose another new_name.');
  END;
  IF new_row.spec IS DISTINCT FROM cur_row.spec OR new_row.enabled IS DISTINCT FROM cur_row.enabled THEN
    PERFORM pgautomator._refresh_next_fires(schedule_id => cur_row.id);
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
COMMENT ON FUNCTION pgautomator.update_schedule(text, jsonb, text, boolean, text, text[]) IS
$c$Changes a schedule; arguments left NULL stay as they are.
Arguments: name, the schedule to change; spec, a new spec replacing the whole old one (docs/schedule-spec.md; exceptions included: see also add_schedule_exception); new_name, to rename it; enabled, true or false (prefer enable_schedule / disable_schedule, which keep a reason); description; clear, fields to set NULL: '{description}'.
A new spec or a change of enabled recomputes the next fire of every attached job from now (fires that were due under the old spec and not yet run are not caught up).
Errors: PA001 invalid spec; PA002 bad new_name or clear; PA010 no such schedule; PA020 new_name taken; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.update_schedule(text, jsonb, text, boolean, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.update_schedule(text, jsonb, text, boolean, text, text[]) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.create_schedule(name text, spec jsonb, enabled boolean DEFAULT true, description text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  PERFORM pgautomator._check_name(create_schedule.name, 'schedule name', 200);
  PERFORM pgautomator.validate_schedule(create_schedule.spec);
  IF create_schedule.enabled IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'schedule enabled must be true or false (got NULL)', 'field: enabled', 'Omit enabled, or pass true or false.');
  END IF;
  IF EXISTS (SELECT 1 FROM pgautomator.schedule s WHERE s.name = create_schedule.name) THEN
    PERFORM pgautomator._raise('PA020', format('schedule %L already exists', create_schedule.name), 'field: name',
      format('Choose another name, or change it with pgautomator.update_schedule(%L, spec => ...).', create_schedule.name));
  END IF;
  BEGIN
    INSERT INTO pgautomator.schedule (name, spec, enabled, description, owner)
    VALUES (create_schedule.name, create_schedule.spec, create_schedule.enabled, create_schedule.description, pgautomator._caller())
    RETURNING id INTO new_id;
  EXCEPTION WHEN unique_violation THEN
    PERFORM pgautomator._raise('PA020', format('schedule %L already exists', create_schedule.name), 'field: name',
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
COMMENT ON FUNCTION pgautomator.create_schedule(text, jsonb, boolean, text) IS
$c$Creates a schedule and returns its id. A schedule fires nothing until it is attached to a job with attach_schedule(job, schedule).
Arguments: name, unique (1..200 characters); spec, the schedule as JSON (docs/schedule-spec.md), e.g. '{"type": "daily", "start_date": "2026-01-01", "sub": {"type": "once", "time": "02:00"}, "time_zone": "Europe/Berlin"}'; enabled (default true); description (free text).
Errors: PA001 invalid spec (DETAIL names the field); PA002 bad name; PA020 a schedule of that name exists; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.create_schedule('nightly', '{"type":"daily","start_date":"2026-01-01","sub":{"type":"once","time":"02:00"}}');$c$;
REVOKE ALL ON FUNCTION pgautomator.create_schedule(text, jsonb, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.create_schedule(text, jsonb, boolean, text) TO pgautomator_admin;

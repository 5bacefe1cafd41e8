CREATE OR REPLACE FUNCTION pgautomator.add_schedule_exception(schedule text, "from" date, "to" date DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid       bigint;
  cur_spec  jsonb;
  entry     jsonb;
  new_spec  jsonb;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  sid := pgautomator._schedule_id(add_schedule_exception.schedule, true);
  IF add_schedule_exception."from" IS NULL THEN
    PERFORM pgautomator._raise('PA002', 'schedule exception "from" must be a date (got NULL)', 'field: from',
      'For example: "from" => ''2026-12-24'', "to" => ''2026-12-26''.');
  END IF;
  IF add_schedule_exception."to" < add_schedule_exception."from" THEN
    PERFORM pgautomator._raise('PA002',
      format('schedule exception "to" (%s) is before "from" (%s)', add_schedule_exception."to", add_schedule_exception."from"),
      'field: to', 'Pass "to" on or after "from", or leave it NULL for a single day.');
  END IF;
  SELECT s.spec INTO cur_spec FROM pgautomator.schedule s WHERE s.id = sid;
  -- spec.exceptions is the one home of exceptions; each is identified by its first day.
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(cur_spec -> 'exceptions', '[]')) e
              WHERE coalesce(e ->> 'from', e #>> '{}') = add_schedule_exception."from"::text) THEN
    PERFORM pgautomator._raise('PA020',
      format('schedule %L already has an exception starting on %s', add_schedule_exception.schedule, add_schedule_exception."from"),
      'field: from',
      format('Remove it first: SELECT pgautomator.remove_schedule_exception(%L, %L);', add_schedule_exception.schedule, add_schedule_exception."from"));
  END IF;
  entry := CASE WHEN add_schedule_exception."to" IS NULL OR add_schedule_exception."to" = add_schedule_exception."from"
                THEN to_jsonb(add_schedule_exception."from"::text)
                ELSE jsonb_build_object('from', add_schedule_exception."from"::text, 'to', add_schedule_exception."to"::text) END;
  new_spec := jsonb_set(cur_spec, '{exceptions}',
    (SELECT jsonb_agg(e ORDER BY coalesce(e ->> 'from', e #>> '{}'))
       FROM jsonb_array_elements(coalesce(cur_spec -> 'exceptions', '[]') || jsonb_build_array(entry)) e));
  PERFORM pgautomator.validate_schedule(new_spec);
  UPDATE pgautomator.schedule s SET spec = new_spec, updated_at = now() WHERE s.id = sid;
  PERFORM pgautomator._refresh_next_fires(schedule_id => sid);
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.add_schedule_exception(text, date, date) IS
$c$Adds a day or a period on which the schedule does not fire (stored in its spec.exceptions, kept sorted), and recomputes the next fire of the attached jobs.
Arguments: schedule, its name; "from", the first day; "to", the last day, inclusive (default: the single day "from").
Errors: PA001 the resulting spec is invalid; PA002 "from" is NULL or "to" is before "from"; PA010 no such schedule; PA020 an exception starting on "from" exists already; PA040 caller is not pgautomator_admin.
Example: SELECT pgautomator.add_schedule_exception('nightly', '2026-12-24', '2026-12-26');$c$;
REVOKE ALL ON FUNCTION pgautomator.add_schedule_exception(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.add_schedule_exception(text, date, date) TO pgautomator_admin;

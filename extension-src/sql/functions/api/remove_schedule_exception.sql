CREATE OR REPLACE FUNCTION pgautomator.remove_schedule_exception(schedule text, "from" date)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sid   bigint;
  cur_spec  jsonb;
  kept  jsonb;
BEGIN
  PERFORM pgautomator._require_role('pgautomator_admin');
  sid := pgautomator._schedule_id(remove_schedule_exception.schedule, true);
  SELECT s.spec INTO cur_spec FROM pgautomator.schedule s WHERE s.id = sid;
  SELECT coalesce(jsonb_agg(e ORDER BY n), '[]') INTO kept
    FROM jsonb_array_elements(coalesce(cur_spec -> 'exceptions', '[]')) WITH ORDINALITY AS x(e, n)
   WHERE coalesce(e ->> 'from', e #>> '{}') IS DISTINCT FROM remove_schedule_exception."from"::text;
  IF jsonb_array_length(kept) = jsonb_array_length(coalesce(cur_spec -> 'exceptions', '[]')) THEN
    PERFORM pgautomator._raise('PA010',
      format('schedule %L has no exception starting on %s', remove_schedule_exception.schedule, coalesce(remove_schedule_exception."from"::text, 'NULL')),
      'field: from',
      format('SELECT pgautomator.get_schedule(%L) #> ''{schedule,spec,exceptions}''; lists its exceptions.', remove_schedule_exception.schedule));
  END IF;
  UPDATE pgautomator.schedule s
     SET spec = CASE WHEN jsonb_array_length(kept) = 0 THEN cur_spec - 'exceptions' ELSE jsonb_set(cur_spec, '{exceptions}', kept) END,
         updated_at = now()
   WHERE s.id = sid;
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
COMMENT ON FUNCTION pgautomator.remove_schedule_exception(text, date) IS
$c$Removes the exception (day or period) that starts on "from" from the schedule's spec.exceptions, and recomputes the next fire of the attached jobs.
Arguments: schedule, its name; "from", the first day of the exception.
Errors: PA010 no such schedule, or it has no exception starting on "from"; PA040 caller is not pgautomator_admin.$c$;
REVOKE ALL ON FUNCTION pgautomator.remove_schedule_exception(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.remove_schedule_exception(text, date) TO pgautomator_admin;

CREATE OR REPLACE FUNCTION pgautomator.list_alerts(open_only boolean DEFAULT true, "limit" int DEFAULT 100)
RETURNS SETOF pgautomator.alerts
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  IF list_alerts."limit" IS NULL OR list_alerts."limit" NOT BETWEEN 1 AND 1000 THEN
    PERFORM pgautomator._raise('PA002', format('list_alerts limit must be from 1 to 1000 (got %s)', coalesce(list_alerts."limit"::text, 'NULL')),
      'field: limit', 'For example: "limit" => 100.');
  END IF;
  RETURN QUERY SELECT v.* FROM pgautomator.alerts v
                WHERE NOT coalesce(list_alerts.open_only, true) OR v.open
                ORDER BY v.id DESC NULLS FIRST
                LIMIT list_alerts."limit";
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.list_alerts(boolean, int) IS
$c$Lists alerts (rows of the alerts view), newest first; the computed no_agent row (no agent online: nothing runs, no rule is evaluated) comes first when present.
Arguments: open_only: only alerts not cleared yet (default true); "limit": 1..1000 (default 100).
Errors: PA002 bad limit; PA040 caller is not pgautomator_viewer (or above).$c$;
REVOKE ALL ON FUNCTION pgautomator.list_alerts(boolean, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.list_alerts(boolean, int) TO pgautomator_viewer;

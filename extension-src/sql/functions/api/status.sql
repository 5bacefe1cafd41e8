-- Health in one call, for psql (SELECT * FROM pgautomator.status();), the CLI and the gateway.
CREATE OR REPLACE FUNCTION pgautomator.status()
RETURNS TABLE (
  agents_online    int,
  agents_draining  int,
  agents_silent    int,
  runs_running     int,
  runs_queued      int,
  runs_late        int,
  failed_last_hour int,
  failed_last_day  int,
  jobs_failing     int,
  failing_jobs     text[],
  mail_waiting     int,
  engine           text,
  version          text
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pgautomator._require_role('pgautomator_viewer');
  -- Now, by the database clock (the body is _status).
  RETURN QUERY SELECT s.*, pgautomator.engine(), pgautomator.version() FROM pgautomator._status(now()) s;
EXCEPTION WHEN SQLSTATE 'PA000' THEN
  -- Our errors (class PA) raised again here, so psql shows one CONTEXT line: this function's (README.md).
  DECLARE pa_detail text; pa_hint text;
  BEGIN
    GET STACKED DIAGNOSTICS pa_detail = PG_EXCEPTION_DETAIL, pa_hint = PG_EXCEPTION_HINT;
    RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM, DETAIL = pa_detail, HINT = pa_hint;
  END;
END
$$;
COMMENT ON FUNCTION pgautomator.status() IS
$c$Health in one row: agents_online (online and heartbeating within their lease of 3 heartbeat intervals), agents_draining (finishing their runs, claiming nothing), agents_silent (say online or draining but their lease ran out: dead or cut off); runs_running, runs_queued, runs_late (due more than a minute ago and not started: queued runs plus fires no agent has claimed); failed_last_hour and failed_last_day (runs that ended failed, timed_out or abandoned); jobs_failing and failing_jobs (jobs whose last run with an outcome did not succeed; killed, cancelled and skipped runs are passed over); mail_waiting (notifications not sent yet); engine (plv8 or plpgsql) and version.
Errors: PA040 caller is not pgautomator_viewer (or above).
Example: \x auto
SELECT * FROM pgautomator.status();$c$;
REVOKE ALL ON FUNCTION pgautomator.status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgautomator.status() TO pgautomator_viewer;

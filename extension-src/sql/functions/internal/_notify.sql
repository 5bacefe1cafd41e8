-- PL/pgSQL, not SQL: a SQL function with a SET clause is parsed and planned again in every
-- transaction and subtransaction that calls it (once per run ended); PL/pgSQL keeps the plan.
CREATE OR REPLACE FUNCTION pgautomator._notify(event text, payload jsonb DEFAULT '{}') RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- One channel for agents and the gateway; the payload says what happened. NOTIFY only shortens
  -- waits: every listener is correct without it (it polls on its heartbeat).
  PERFORM pg_notify('pgautomator', (jsonb_build_object('event', _notify.event) || _notify.payload)::text);
END
$$;
COMMENT ON FUNCTION pgautomator._notify(text, jsonb) IS 'Sends NOTIFY pgautomator with {"event": event, ...payload}; delivered at commit.';

CREATE OR REPLACE FUNCTION pgautomator._notify(event text, payload jsonb DEFAULT '{}') RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  -- One channel for agents and the gateway; the payload says what happened. NOTIFY only shortens
  -- waits: every listener is correct without it (it polls on its heartbeat).
  SELECT pg_notify('pgautomator', (jsonb_build_object('event', event) || payload)::text)
$$;
COMMENT ON FUNCTION pgautomator._notify(text, jsonb) IS 'Sends NOTIFY pgautomator with {"event": event, ...payload}; delivered at commit.';

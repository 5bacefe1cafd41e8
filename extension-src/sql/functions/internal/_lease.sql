-- Liveness timings of an agent with heartbeat interval i, written once (docs/agent-protocol.md,
-- Liveness): its lease is 3 i (it fences its own steps when it has not renewed it for that long).
CREATE OR REPLACE FUNCTION pgautomator._lease(heartbeat_interval interval)
RETURNS interval
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN 3 * heartbeat_interval;
COMMENT ON FUNCTION pgautomator._lease(interval) IS 'An agent''s lease for its heartbeat interval: 3 intervals.';
REVOKE ALL ON FUNCTION pgautomator._lease(interval) FROM PUBLIC;

-- How long an agent may be silent before the database declares it dead: its lease plus a margin
-- (greatest(i, 5 s)) in which its steps' process trees are surely gone, so that a retry never
-- starts beside an attempt its agent has not fenced yet.
CREATE OR REPLACE FUNCTION pgautomator._dead_after(heartbeat_interval interval)
RETURNS interval
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- PL/pgSQL: its body is resolved when called, so _lease may be created after it.
  RETURN pgautomator._lease(_dead_after.heartbeat_interval) + greatest(_dead_after.heartbeat_interval, interval '5 seconds');
END
$$;
COMMENT ON FUNCTION pgautomator._dead_after(interval) IS 'dead_after for a heartbeat interval: the lease + greatest(interval, 5 s).';
REVOKE ALL ON FUNCTION pgautomator._dead_after(interval) FROM PUBLIC;

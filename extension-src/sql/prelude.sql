-- pgautomator install script: what runs before any object is created.
--
-- Two routes run this same script (docs: extension-build/README.md):
--  - CREATE EXTENSION pgautomator: the control file (schema = pgautomator, relocatable = false)
--    makes PostgreSQL create schema pgautomator, when missing, before the script runs; the
--    script's `\echo ... \quit` line stops it from being sourced by psql by mistake;
--  - plain SQL (managed servers without extension files): `pgautomator install` runs
--    CREATE SCHEMA IF NOT EXISTS pgautomator, then this script without its `\echo` line.
-- So every object is schema-qualified with the literal `pgautomator` (never @extschema@, which
-- only CREATE EXTENSION substitutes), and the script changes no setting of the session, the
-- database or the server.

DO $$
BEGIN
  IF current_setting('server_version_num')::int < 150000 THEN
    RAISE EXCEPTION 'pgautomator needs PostgreSQL 15 or later; this server is %', current_setting('server_version')
      USING ERRCODE = 'feature_not_supported',
            HINT = 'Install pgautomator into a PostgreSQL 15+ server (pg_upgrade this one, or point the installer at another).';
  END IF;
  IF to_regnamespace('pgautomator') IS NULL THEN
    RAISE EXCEPTION 'schema pgautomator does not exist'
      USING ERRCODE = 'invalid_schema_name',
            HINT = 'Install with CREATE EXTENSION pgautomator, or run CREATE SCHEMA pgautomator before this script (pgautomator install does both).';
  END IF;
END
$$;

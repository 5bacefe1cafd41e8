-- What pg_dump keeps of a CREATE EXTENSION install (docs/backup.md). pg_dump writes an extension as
-- one CREATE EXTENSION line and dumps the rows of only those member tables, and the positions of
-- only those member sequences, that are registered with pg_extension_config_dump: unregistered,
-- every table is restored empty, and pg_restore says nothing.
--
-- Every table of the extension holds users' data (definitions, agents, run history, the mail
-- outbox, settings), so every member table and sequence is registered, read from the catalog rather
-- than listed: a table added later cannot be forgotten. This file runs last in the install script
-- and again at the end of every upgrade script, as grants.sql does (pg_extension_config_dump is
-- idempotent: it replaces a table's filter). The identity sequences are registered too; otherwise
-- they restore at their start, and the next insert collides with a restored id.
--
-- A filter keeps out the rows the install script writes itself: CREATE EXTENSION writes them again
-- on the target before the dump's rows are loaded, and one duplicate key loses the whole table's
-- rows. That is setting 'engine' (tables/setting.sql): the target's install chooses the engine
-- anew, plv8 where the target has it, which is also the right answer for the target. (A table whose
-- rows were not worth keeping, a cache, would get the filter WHERE false here.)
--
-- Only CREATE EXTENSION and ALTER EXTENSION UPDATE may call pg_extension_config_dump (elsewhere it
-- raises feature_not_supported), and only for members of the extension. The loop walks exactly
-- those members: on the plain-SQL route there is no extension pgautomator, so it walks nothing,
-- calls nothing, and pg_dump dumps the tables like any others. No error is caught here.
DO $dump$
DECLARE
  member    regclass;
  condition text;
BEGIN
  FOR member, condition IN
    SELECT c.oid::regclass, coalesce(f.condition, '')
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
      JOIN pg_catalog.pg_class c ON c.oid = d.objid
      LEFT JOIN (VALUES ('pgautomator.setting'::regclass, $$WHERE name <> 'engine'$$)) AS f(rel, condition) ON f.rel = c.oid
     WHERE d.classid = 'pg_catalog.pg_class'::regclass
       AND d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.deptype = 'e'
       AND e.extname = 'pgautomator'
       AND c.relkind IN ('r', 'S')
     ORDER BY c.relkind, c.relname
  LOOP
    PERFORM pg_catalog.pg_extension_config_dump(member, condition);
  END LOOP;
END
$dump$;

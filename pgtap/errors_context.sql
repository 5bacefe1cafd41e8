-- The rule of extension-src/sql/README.md ("Raising errors and looking things up"): every API
-- function a person calls (granted to viewer, operator or admin) in PL/pgSQL raises our errors
-- again from its own EXCEPTION block, so psql shows one CONTEXT line naming it
-- (test/psql-errors.test.ts shows what psql prints).
BEGIN;
SELECT plan(6);

SELECT is(
  (SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY p.proname), '{}') FROM pg_proc p
    WHERE p.pronamespace = 'pgautomator'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
      AND has_function_privilege('pgautomator_admin', p.oid, 'EXECUTE')
      AND p.prosrc NOT LIKE '%EXCEPTION WHEN SQLSTATE ''PA000'' THEN%'),
  '{}', 'every people-facing PL/pgSQL API function re-raises class PA from its own EXCEPTION block');

-- What the handler does: one CONTEXT line, the API function's, with message, DETAIL and HINT kept.
CREATE FUNCTION pg_temp.context_of(sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE c text; m text; d text; h text; ctx text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
  -- The last two lines are this function's own EXECUTE and its statement; what comes before is what psql shows.
  RETURN ARRAY[c, m, d, h] || (string_to_array(ctx, E'\n'))[1:array_length(string_to_array(ctx, E'\n'), 1) - 2];
END $$;
CREATE TEMP TABLE e AS SELECT pg_temp.context_of($$SELECT pgautomator.create_job('j', overlap => 'sometimes')$$) AS bad_enum,
                                pg_temp.context_of($$SELECT pgautomator.start_job('nope')$$) AS not_found;
SELECT is((SELECT bad_enum[1:4] FROM e),
  ARRAY['PA002', 'job overlap must be one of skip, queue_one, queue_all, cancel_previous, allow (got "sometimes")', 'field: overlap',
        'Pass overlap => ''skip'' (or another of the listed values).'],
  'a bad argument raised again keeps its code, message, DETAIL and HINT');
SELECT is((SELECT array_length(bad_enum, 1) FROM e), 5, 'a bad argument has one CONTEXT line');
SELECT alike((SELECT bad_enum[5] FROM e), 'PL/pgSQL function pgautomator.create_job(text,%) line % at RAISE', 'naming create_job');
SELECT is((SELECT not_found[1:2] || array_length(not_found, 1)::text FROM e), ARRAY['PA010', 'job ''nope'' does not exist', '5'],
  'not found on an empty table: PA010 with one CONTEXT line');
SELECT alike((SELECT not_found[5] FROM e), 'PL/pgSQL function pgautomator.start_job(text,text) line % at RAISE', 'naming start_job');

SELECT * FROM finish();
ROLLBACK;

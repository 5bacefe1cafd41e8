-- jsonb written as JavaScript's JSON.stringify writes it after plv8 handed it over: no spaces,
-- numbers in JavaScript's notation (pgautomator._plpgsql_json_number_text), integer-like object
-- keys first in ascending order as JavaScript puts them, the other keys in jsonb's order (shorter
-- first, then bytewise), which is the insertion order of the object plv8 parses from jsonb's text.
-- So the TypeScript engine in plv8 and this twin write a bad value identically, and in the order
-- `spec::text` shows it; the order the user typed is gone once the spec is jsonb. For error
-- messages only.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_compact(v jsonb)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t text;
BEGIN
    CASE jsonb_typeof(v)
    WHEN 'number' THEN
        RETURN pgautomator._plpgsql_json_number_text(v::numeric);
    WHEN 'array' THEN
        SELECT string_agg(pgautomator._plpgsql_json_compact(e.x), ',' ORDER BY e.n) INTO t
          FROM jsonb_array_elements(v) WITH ORDINALITY AS e(x, n);
        RETURN '[' || coalesce(t, '') || ']';
    WHEN 'object' THEN
        SELECT string_agg(to_jsonb(e.key)::text || ':' || pgautomator._plpgsql_json_compact(e.value), ','
                          ORDER BY (e.key ~ '^(0|[1-9][0-9]{0,9})$' AND e.key::bigint < 4294967295) DESC,
                                   CASE WHEN e.key ~ '^(0|[1-9][0-9]{0,9})$' AND e.key::bigint < 4294967295 THEN e.key::bigint END,
                                   e.n) INTO t
          FROM jsonb_each(v) WITH ORDINALITY AS e(key, value, n);
        RETURN '{' || coalesce(t, '') || '}';
    ELSE
        RETURN v::text;     -- strings, true, false, null: jsonb writes them as JSON.stringify does
    END CASE;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_compact(jsonb) IS
    'Internal (PL/pgSQL schedule engine): jsonb as compact JSON the way JavaScript''s JSON.stringify writes it, for error messages.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_compact(jsonb) FROM PUBLIC;

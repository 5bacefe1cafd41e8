-- The first key of a JSON object that is not in `allowed`, in JavaScript's sort order
-- (UTF-16 code units, see pgautomator._plpgsql_utf16_key), or NULL when every key is allowed.
-- The common case, no unknown key, sorts nothing. PL/pgSQL rather than SQL so that it installs
-- before the helper it calls (files install in name order).
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_first_unknown_key(obj jsonb, allowed text[])
RETURNS text
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT k
              FROM jsonb_object_keys(obj) AS k
             WHERE k <> ALL (allowed)
             ORDER BY pgautomator._plpgsql_utf16_key(k)
             LIMIT 1);
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_first_unknown_key(jsonb, text[]) IS
    'Internal (PL/pgSQL schedule engine): the first key of obj not in allowed, in JavaScript''s string sort order, or NULL.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_first_unknown_key(jsonb, text[]) FROM PUBLIC;

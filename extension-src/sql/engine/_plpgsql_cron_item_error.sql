-- The error text of one bad cron item (see pgautomator._plpgsql_cron_parse), worded as the
-- TypeScript twin words it: 'field <name> has item <item as JSON> <what is wrong>'. Built only
-- when an item is bad, so that a good expression costs no describing.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_cron_item_error(field_name text, item text, rest text)
RETURNS text
LANGUAGE plpgsql   -- not sql: resolved at call time, whatever order the build creates functions in
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN format('field %s has item %s %s', field_name, pgautomator._plpgsql_json_describe(to_jsonb(item)), rest);
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_cron_item_error(text, text, text) IS
    'Internal (PL/pgSQL schedule engine): the message text of a bad cron item. See pgautomator._plpgsql_cron_parse.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_cron_item_error(text, text, text) FROM PUBLIC;

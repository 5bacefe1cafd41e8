-- pgautomator.setting: extension-wide settings, one row per name.
-- The engine row says which schedule engine the dispatchers call ('plv8' or 'plpgsql');
-- the install seeds 'plpgsql' and the build's plv8 step flips it to 'plv8' when plv8 is present.
CREATE TABLE IF NOT EXISTS pgautomator.setting (
    name       text        PRIMARY KEY,
    value      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE pgautomator.setting IS
    'Extension-wide settings and state, one row per name (for example engine = "plpgsql" or "plv8"; retention_pass, where history retention stopped; contact, {"resumed_at"}: when contact resumed after nobody could reach the database). Change them through API functions such as pgautomator.set_engine(), not by hand.';
COMMENT ON COLUMN pgautomator.setting.name IS
    'Setting name, for example engine.';
COMMENT ON COLUMN pgautomator.setting.value IS
    'Setting value as JSON (engine: the JSON string "plpgsql" or "plv8").';
COMMENT ON COLUMN pgautomator.setting.updated_at IS
    'When the value was last written.';

-- The install writes this row itself, so dump.sql keeps it out of pg_dump's copy of the table
-- (CREATE EXTENSION writes it again on restore). A new row seeded here needs the same filter.
INSERT INTO pgautomator.setting (name, value)
VALUES ('engine', '"plpgsql"')
ON CONFLICT (name) DO NOTHING;

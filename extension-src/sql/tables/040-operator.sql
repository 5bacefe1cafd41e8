CREATE TABLE pgautomator.operator (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  email       text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE pgautomator.operator IS 'Mail recipients that job and step email settings can name instead of addresses.';
COMMENT ON COLUMN pgautomator.operator.name IS 'Unique operator name.';
COMMENT ON COLUMN pgautomator.operator.email IS 'Where mail for this operator goes.';
COMMENT ON COLUMN pgautomator.operator.enabled IS 'A disabled operator receives no mail.';
COMMENT ON COLUMN pgautomator.operator.created_at IS 'When the operator was created.';

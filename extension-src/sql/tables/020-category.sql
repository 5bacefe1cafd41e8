CREATE TABLE pgautomator.category (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  description  text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE pgautomator.category IS 'User-defined groups of jobs.';
COMMENT ON COLUMN pgautomator.category.name IS 'Unique category name.';
COMMENT ON COLUMN pgautomator.category.description IS 'Free text.';
COMMENT ON COLUMN pgautomator.category.created_at IS 'When the category was created.';

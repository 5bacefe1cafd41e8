CREATE TABLE pgautomator.schedule (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  spec          jsonb NOT NULL,
  enabled       boolean NOT NULL DEFAULT true,
  paused_reason text,
  description   text,
  owner         name NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE pgautomator.schedule IS 'When jobs fire: a spec of docs/schedule-spec.md (exceptions included). A schedule serves any number of jobs.';
COMMENT ON COLUMN pgautomator.schedule.name IS 'Unique schedule name.';
COMMENT ON COLUMN pgautomator.schedule.spec IS 'The schedule spec (type, dates, sub-day frequency, time zone, exceptions), validated by validate_schedule.';
COMMENT ON COLUMN pgautomator.schedule.enabled IS 'A disabled schedule fires no job; enabling it again resumes from now (fires meanwhile are not caught up).';
COMMENT ON COLUMN pgautomator.schedule.paused_reason IS 'Why the schedule was disabled, when someone said.';
COMMENT ON COLUMN pgautomator.schedule.description IS 'Free text.';
COMMENT ON COLUMN pgautomator.schedule.owner IS 'The role that created the schedule.';
COMMENT ON COLUMN pgautomator.schedule.created_at IS 'When the schedule was created.';
COMMENT ON COLUMN pgautomator.schedule.updated_at IS 'When the schedule was last changed.';

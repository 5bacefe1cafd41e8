CREATE OR REPLACE VIEW pgautomator.operators AS
SELECT o.id,
       o.name,
       o.email,
       o.enabled,
       o.created_at
  FROM pgautomator.operator o;
COMMENT ON VIEW pgautomator.operators IS 'Mail recipients that job and step mail settings name. Read with pgautomator.list_operators().';
COMMENT ON COLUMN pgautomator.operators.enabled IS 'A disabled operator receives no mail.';

CREATE OR REPLACE FUNCTION pgautomator._check_mail_settings("on" text[], "to" text[], "from" text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  events  CONSTANT text[] := ARRAY['start', 'success', 'failure', 'completion'];
  bad     text;
BEGIN
  SELECT e INTO bad FROM unnest(_check_mail_settings."on") AS e WHERE e IS NULL OR NOT e = ANY (events) LIMIT 1;
  IF FOUND THEN
    PERFORM pgautomator._raise('PA002',
      format('mail "on" must list events among start, success, failure, completion (got %s)', coalesce('"' || bad || '"', 'NULL')),
      'field: on', 'For example: "on" => ''{failure}''.');
  END IF;
  IF cardinality(_check_mail_settings."on") > 0 AND cardinality(_check_mail_settings."to") = 0 THEN
    PERFORM pgautomator._raise('PA002', 'mail "to" must name at least one recipient when "on" lists events',
      'field: to', 'Pass "to" => ''{dba-team}'' (operator names, see pgautomator.list_operators()) or mail addresses; or "on" => ''{}'' to send no mail.');
  END IF;
  FOR bad IN SELECT r FROM unnest(_check_mail_settings."to") AS r LOOP
    IF bad IS NULL OR btrim(bad) = '' THEN
      PERFORM pgautomator._raise('PA002', 'mail "to" must not contain NULL or blank recipients', 'field: to',
        'List operator names or mail addresses.');
    END IF;
    -- An operator name never contains @ (create_operator refuses it), so the two cannot be confused.
    IF strpos(bad, '@') > 0 THEN
      IF bad !~ '^[^@\s]+@[^@\s]+$' THEN
        PERFORM pgautomator._raise('PA002', format('mail recipient "%s" is not a mail address', bad), 'field: to',
          'Write a recipient as name@example.com, or as the name of an operator.');
      END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM pgautomator.operator o WHERE o.name = bad) THEN
      PERFORM pgautomator._raise('PA010', format('operator "%s" does not exist (and it is not a mail address)', bad), 'field: to',
        format('Create it first: SELECT pgautomator.create_operator(%L, %L); or write a mail address.', bad, 'someone@example.com'));
    END IF;
  END LOOP;
  IF _check_mail_settings."from" IS NOT NULL
     AND _check_mail_settings."from" !~ '^([^<>@]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$' THEN
    PERFORM pgautomator._raise('PA002', format('mail "from" must be a mail address (got "%s")', _check_mail_settings."from"),
      'field: from', 'Write it as jobs@example.com or as "pgAutomator <jobs@example.com>", or leave it NULL for the agent''s default.');
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_mail_settings(text[], text[], text) IS 'Validates job or step mail settings: "on" events among start, success, failure, completion (PA002); recipients needed when events are listed (PA002); each recipient an existing operator name (PA010) or a mail address (PA002); "from" a mail address or NULL (PA002).';

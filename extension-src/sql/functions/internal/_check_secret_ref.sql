CREATE OR REPLACE FUNCTION pgautomator._check_secret_ref(value text, field text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- A reference only: the agent resolves it on its own host, so no secret ever reaches this database.
  IF value IS NOT NULL AND value !~ '^(env|file):[A-Za-z0-9_.-]+$' THEN
    PERFORM pgautomator._raise('PA002',
      format('%s must look like env:NAME or file:NAME (got a value of %s characters that does not)', field, length(value)),
      'field: ' || field,
      format('Pass %s => ''env:PGA_SECRET'' (an environment variable on the agent host) or ''file:PGA_SECRET'' (an entry of the agent''s secrets file); never the secret itself.', field));
  END IF;
END
$$;
COMMENT ON FUNCTION pgautomator._check_secret_ref(text, text) IS 'Raises PA002 unless value is NULL or a secret reference env:NAME or file:NAME (NAME of letters, digits, _ . -). The message never repeats the value, which may be a secret pasted by mistake.';

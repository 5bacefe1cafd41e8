CREATE OR REPLACE FUNCTION pgautomator._fill_template(template text, vals jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  -- One pass over the template: each {{name}} whose name is a key of vals is replaced by its value.
  -- Single pass on purpose: a value that itself contains "{{job}}" (a step's output, a message)
  -- is copied as is, never expanded again. Unknown placeholders are left as written.
  SELECT coalesce(string_agg(
           CASE WHEN t.m[1] ~ '^\{\{[a-z_]+\}\}$' AND vals ? substr(t.m[1], 3, length(t.m[1]) - 4)
                THEN coalesce(vals ->> substr(t.m[1], 3, length(t.m[1]) - 4), '')
                ELSE t.m[1] END,
           '' ORDER BY t.ord), '')
    FROM regexp_matches(coalesce(template, ''), '\{\{[a-z_]+\}\}|[^{]+|\{', 'g') WITH ORDINALITY AS t(m, ord)
$$;
COMMENT ON FUNCTION pgautomator._fill_template(text, jsonb) IS 'Mail templates: replaces each {{name}} of template by vals->>name in one pass (values are never expanded again); unknown placeholders stay.';
REVOKE ALL ON FUNCTION pgautomator._fill_template(text, jsonb) FROM PUBLIC;

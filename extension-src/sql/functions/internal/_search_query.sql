-- list_runs(search): each word of the search must begin a word of the text (so "connect refus"
-- finds "connection refused"), found through the indexes on _search_vector; the caller then keeps
-- the rows that contain the search text itself. Words are taken by the same parser as the indexed
-- text, then quoted for tsquery's syntax (a quote doubled, a backslash escaped): the user's text is
-- never read as tsquery operators. NULL when the search has no word (only punctuation).
CREATE OR REPLACE FUNCTION pgautomator._search_query(search text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT to_tsquery('simple'::regconfig,
           string_agg('''' || replace(replace(w, '\', '\\'), '''', '''''') || ''':*', ' & ' ORDER BY w))
    FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, $1))) w
$$;
COMMENT ON FUNCTION pgautomator._search_query(text) IS 'The tsquery of list_runs(search): every word of the search as a prefix (AND), matched against _search_vector; NULL when the search has no word.';

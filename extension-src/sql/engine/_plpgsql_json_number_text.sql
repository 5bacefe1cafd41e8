-- A JSON number written as JavaScript's JSON.stringify writes it after JSON.parse read it: the
-- nearest double, in the shortest digits that read back as it, fixed notation from 1e-7 up to
-- 1e21, else d.ddde+N; Infinity (a number too big for a double) writes as null. So 2.0 reads
-- "2", 1E2 "100", 1e21 "1e+21", 1.5e-7 "1.5e-7". Used only in error messages, which the two
-- engines word identically.
CREATE OR REPLACE FUNCTION pgautomator._plpgsql_json_number_text(n numeric)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
SET extra_float_digits = 1   -- float8 output in shortest round-trip digits, as JavaScript
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f      float8;
    t      text;
    neg    boolean;
    digits text;
    e      int;       -- decimal exponent: value = 0.digits * 10^e
    k      int;
    pos    int;
BEGIN
    IF abs(n) >= 1.7976931348623158e308 THEN
        RETURN 'null';
    ELSIF abs(n) < 2.5e-324 THEN
        RETURN '0';
    END IF;
    f := n::float8;
    t := f::text;                               -- e.g. 2.5, 1.5e-07, 1e+21, 0.0001
    neg := left(t, 1) = '-';
    IF neg THEN
        t := substr(t, 2);
    END IF;
    pos := strpos(t, 'e');
    IF pos > 0 THEN
        e := substr(t, pos + 1)::int;
        t := left(t, pos - 1);
    ELSE
        e := 0;
    END IF;
    -- t is now d+[.d+] times 10^e; make it 0.digits * 10^e.
    pos := strpos(t, '.');
    IF pos > 0 THEN
        e := e + pos - 1;
        digits := replace(t, '.', '');
    ELSE
        e := e + length(t);
        digits := t;
    END IF;
    -- strip leading zeros (0.0001 -> digits 00001) and trailing zeros
    k := length(digits) - length(ltrim(digits, '0'));
    digits := ltrim(digits, '0');
    e := e - k;
    digits := rtrim(digits, '0');
    k := length(digits);
    IF k <= e AND e <= 21 THEN
        t := digits || repeat('0', e - k);
    ELSIF 0 < e AND e <= 21 THEN
        t := left(digits, e) || '.' || substr(digits, e + 1);
    ELSIF -6 < e AND e <= 0 THEN
        t := '0.' || repeat('0', -e) || digits;
    ELSE
        t := left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
             || 'e' || CASE WHEN e - 1 >= 0 THEN '+' ELSE '-' END || abs(e - 1)::text;
    END IF;
    RETURN CASE WHEN neg THEN '-' ELSE '' END || t;
END
$$;

COMMENT ON FUNCTION pgautomator._plpgsql_json_number_text(numeric) IS
    'Internal (PL/pgSQL schedule engine): a JSON number as JavaScript''s JSON.stringify writes it (nearest double, shortest digits), for error messages identical to the TypeScript engine''s.';
REVOKE ALL ON FUNCTION pgautomator._plpgsql_json_number_text(numeric) FROM PUBLIC;

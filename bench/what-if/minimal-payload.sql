-- What-if for bench/cost-per-run-twin.ts (PGAUTOMATOR_BENCH_REF_SQL, the ref arm only): a claim
-- hands out only what the benchmark's agent reads (run_id and the begun attempt), to measure what
-- building the rest of the run objects costs (_run_payloads).
-- PGAUTOMATOR_BENCH_REF_SQL="$(cat bench/what-if/minimal-payload.sql)" npx tsx bench/cost-per-run-twin.ts HEAD
CREATE OR REPLACE FUNCTION pgautomator._run_payloads(run_ids bigint[]) RETURNS SETOF jsonb
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
  SELECT jsonb_build_object('run_id', u.id,
           'begun', (SELECT jsonb_build_object('step_run_id', sr.id) FROM pgautomator.step_run sr
                      WHERE sr.job_run_id = u.id AND sr.state = 'running' ORDER BY sr.id DESC LIMIT 1))
    FROM unnest(run_ids) WITH ORDINALITY AS u(id, ord) ORDER BY u.ord;
END $$;

-- What-if for bench/cost-per-run-twin.ts (PGAUTOMATOR_BENCH_REF_SQL, the ref arm only): run ends
-- counted nowhere (_count_ended_runs does nothing), to measure what the run_count counters cost.
-- PGAUTOMATOR_BENCH_REF_SQL="$(cat bench/what-if/no-counters.sql)" npx tsx bench/cost-per-run-twin.ts HEAD
CREATE OR REPLACE FUNCTION pgautomator._count_ended_runs(run_ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$ BEGIN END $$;
